// Public figures for the transparency page's tests.

import type { PublicFigures, PublicStatsAnswer, PublicStatsGroup } from '../api'

/** figures with every count zero and every measure unpublished, then over. */
export function figures(over: Partial<PublicFigures> = {}): PublicFigures {
  return {
    received: 0,
    appeals: 0,
    accepted: 0,
    rejected: 0,
    transferred: 0,
    withdrawn: 0,
    concluded: 0,
    byOutcome: {},
    onTime: 0,
    late: 0,
    onTimeRate: null,
    medianDays: null,
    p90Days: null,
    rated: 0,
    satisfied: 0,
    satisfiedRate: null,
    appealed: 0,
    extended: 0,
    recFiled: 0,
    recAnswered: 0,
    recOnTime: 0,
    recOnTimeRate: null,
    open: 0,
    overdue: 0,
    withheld: {},
    ...over,
  }
}

/** group is one slice of a by= answer. */
export function group(dim: PublicStatsGroup['dim'], key: string, vi: string, en: string, over: Partial<PublicFigures> = {}): PublicStatsGroup {
  return { dim, key, name: { vi, en }, ...figures(over) }
}

/** answer is a public statistics answer of every report over 2026-01..2026-12. */
export function answer(over: Partial<PublicStatsAnswer> = {}): PublicStatsAnswer {
  return { from: '2026-01', to: '2026-12', k: 5, slice: { dim: '', key: '', name: { vi: 'Tất cả phản ánh', en: 'All reports' } }, total: figures(), ...over }
}
