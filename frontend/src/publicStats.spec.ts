import { describe, expect, it } from 'vitest'
import { publicChartUrl, publicStatsUrl, type PublicFigures, type PublicStatsGroup } from './api'
import { createAppI18n } from './i18n'
import { figures } from './testing/publicStats'
import {
  addMonths,
  checkRange,
  countText,
  currentMonth,
  defaultRange,
  formatMonth,
  formatRate,
  measureText,
  monthOptions,
  monthSpan,
  publicStatsSearch,
  rangeFromQuery,
  rankUnits,
  readCount,
} from './publicStats'

function unit(key: string, over: Partial<PublicFigures>): PublicStatsGroup {
  return { dim: 'unit', key, name: { vi: `Thanh tra ${key}`, en: `Inspectorate ${key}` }, ...figures(over) }
}

describe('months', () => {
  it('reads the month in Vietnam, whatever the device’s time zone', () => {
    // 17:30 UTC on 31 December is already 1 January in Vietnam.
    expect(currentMonth(new Date('2026-12-31T17:30:00Z'))).toBe('2027-01')
    expect(currentMonth(new Date('2026-12-31T16:30:00Z'))).toBe('2026-12')
  })

  it('moves months across years and counts them', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(addMonths('2026-12', 1)).toBe('2027-01')
    expect(addMonths('2026-03', -14)).toBe('2025-01')
    expect(monthSpan('2025-01', '2025-12')).toBe(12)
    expect(monthSpan('2025-12', '2025-12')).toBe(1)
    expect(monthSpan('2026-01', '2025-12')).toBe(0)
    expect(formatMonth('2026-03')).toBe('03/2026')
  })

  it('defaults to the last twelve months and offers the last 36, oldest first', () => {
    const now = new Date('2026-12-05T08:00:00Z')
    expect(defaultRange(now)).toEqual({ from: '2026-01', to: '2026-12' })
    const opts = monthOptions(now)
    expect(opts).toHaveLength(36)
    expect(opts[0]).toBe('2024-01')
    expect(opts[35]).toBe('2026-12')
  })

  it('refuses a range that ends before it starts or spans more than 36 months', () => {
    expect(checkRange({ from: '2026-01', to: '2026-12' })).toBeNull()
    expect(checkRange({ from: '2024-01', to: '2026-12' })).toBeNull()
    expect(checkRange({ from: '2023-12', to: '2026-12' })).toBe('too_long')
    expect(checkRange({ from: '2026-05', to: '2026-04' })).toBe('order')
    expect(checkRange({ from: '2026-13', to: '2026-04' })).toBe('invalid')
  })

  it('reads the range of the address, the default for anything wrong', () => {
    const now = new Date('2026-12-05T08:00:00Z')
    expect(rangeFromQuery({ from: '2026-03', to: '2026-05' }, now)).toEqual({ from: '2026-03', to: '2026-05' })
    expect(rangeFromQuery({ from: '2026-05', to: '2026-03' }, now)).toEqual({ from: '2026-01', to: '2026-12' })
    expect(rangeFromQuery({ from: 'x' }, now)).toEqual({ from: '2026-01', to: '2026-12' })
    expect(rangeFromQuery({}, now)).toEqual({ from: '2026-01', to: '2026-12' })
  })
})

describe('query strings', () => {
  it('writes the parameters in one order and leaves out empty ones', () => {
    expect(publicStatsSearch({})).toBe('')
    expect(publicStatsSearch({ from: '2026-01', to: '2026-12', monthly: true })).toBe('?from=2026-01&to=2026-12&monthly=true')
    expect(publicStatsSearch({ by: 'commune', area: '79', to: '2026-12', from: '2026-01' })).toBe('?from=2026-01&to=2026-12&area=79&by=commune')
    expect(publicStatsSearch({ from: '2026-01', monthly: false, kind: '' }, { format: 'csv' })).toBe('?from=2026-01&format=csv')
  })

  it('builds the JSON, CSV and chart addresses', () => {
    const q = { from: '2026-01', to: '2026-12' }
    expect(publicStatsUrl({ ...q, by: 'category' })).toBe('/api/v1/stats/public?from=2026-01&to=2026-12&by=category')
    expect(publicStatsUrl({ ...q, monthly: true }, 'csv')).toBe('/api/v1/stats/public?from=2026-01&to=2026-12&monthly=true&format=csv')
    expect(publicChartUrl(q, 'flow', 'vi')).toBe('/api/v1/stats/public/chart.svg?from=2026-01&to=2026-12&chart=flow&lang=vi')
    expect(publicChartUrl({ ...q, area: '79', by: 'commune' }, 'slices', 'en')).toBe(
      '/api/v1/stats/public/chart.svg?from=2026-01&to=2026-12&area=79&by=commune&chart=slices&lang=en',
    )
  })
})

describe('a figure that may be withheld', () => {
  const i18n = createAppI18n('vi')
  const t = i18n.global.t as (key: string, params?: Record<string, unknown>) => string

  it('shows a published count, and says why one is not', () => {
    const f = figures({
      received: 1234,
      concluded: null,
      rejected: null,
      accepted: null,
      byOutcome: { substantiated: null, unsubstantiated: 7 },
      withheld: { concluded: 'fewer_than_k', rejected: 'withheld', 'byOutcome.substantiated': 'fewer_than_k' },
    })
    expect(readCount(f, 'received')).toEqual({ state: 'shown', value: 1234 })
    expect(readCount(f, 'concluded')).toEqual({ state: 'fewer' })
    expect(readCount(f, 'rejected')).toEqual({ state: 'withheld' })
    // A null count without a reason is still never shown as a number.
    expect(readCount(f, 'accepted')).toEqual({ state: 'withheld' })
    expect(readCount(f, 'byOutcome.substantiated')).toEqual({ state: 'fewer' })
    expect(readCount(f, 'byOutcome.unsubstantiated')).toEqual({ state: 'shown', value: 7 })
    // An outcome the figures do not list counts no report, unless it is withheld.
    expect(readCount(f, 'byOutcome.partly_substantiated')).toEqual({ state: 'shown', value: 0 })
    expect(readCount(figures({ withheld: { 'byOutcome.partly_substantiated': 'withheld' } }), 'byOutcome.partly_substantiated')).toEqual({
      state: 'withheld',
    })

    i18n.global.locale.value = 'vi'
    expect(countText(readCount(f, 'received'), 5, t, 'vi')).toBe('1.234')
    expect(countText(readCount(f, 'concluded'), 5, t, 'vi')).toBe('dưới 5')
    expect(countText(readCount(f, 'rejected'), 5, t, 'vi')).toBe('ẩn')
    i18n.global.locale.value = 'en'
    expect(countText(readCount(f, 'received'), 5, t, 'en')).toBe('1,234')
    expect(countText(readCount(f, 'concluded'), 5, t, 'en')).toBe('fewer than 5')
    expect(countText(readCount(f, 'rejected'), 5, t, 'en')).toBe('withheld')
  })

  it('writes rates as percentages and days in words, nothing when not published', () => {
    i18n.global.locale.value = 'vi'
    const f = figures({ onTimeRate: 0.875, medianDays: 12, p90Days: null, satisfiedRate: 1 })
    expect(measureText(f, 'onTimeRate', t, 'vi')).toMatch(/^88\s?%$/)
    expect(measureText(f, 'satisfiedRate', t, 'vi')).toMatch(/^100\s?%$/)
    expect(measureText(f, 'medianDays', t, 'vi')).toBe('12 ngày')
    expect(measureText(f, 'p90Days', t, 'vi')).toBeNull()
    expect(measureText(f, 'recOnTimeRate', t, 'vi')).toBeNull()
    expect(formatRate(0.5, 'en')).toBe('50%')
  })
})

describe('ranking the inspection units', () => {
  it('ranks units with at least 10 concluded and a published rate, best first, ties sharing a rank', () => {
    const groups: PublicStatsGroup[] = [
      unit('a', { concluded: 12, onTimeRate: 0.75 }),
      unit('b', { concluded: 20, onTimeRate: 0.9 }),
      unit('c', { concluded: 10, onTimeRate: 0.75 }),
      unit('d', { concluded: 30, onTimeRate: 0.5 }),
      unit('few', { concluded: 9, onTimeRate: 1 }),
      unit('hidden', { concluded: null, onTimeRate: null, withheld: { concluded: 'withheld' } }),
      unit('norate', { concluded: 15, onTimeRate: null }),
      { ...unit('', { concluded: 40, onTimeRate: 1 }), name: { vi: 'Không xác định', en: 'Not given' } },
    ]
    const { ranked, unranked } = rankUnits(groups)
    expect(ranked.map((r) => [r.rank, r.group.key])).toEqual([
      [1, 'b'],
      [2, 'a'],
      [2, 'c'],
      [4, 'd'],
    ])
    expect(unranked.map((g) => g.key)).toEqual(['few', 'hidden', 'norate'])
  })

  it('ranks nobody when no unit has enough', () => {
    expect(rankUnits([unit('a', { concluded: 2, onTimeRate: 1 })])).toEqual({ ranked: [], unranked: [unit('a', { concluded: 2, onTimeRate: 1 })] })
  })
})
