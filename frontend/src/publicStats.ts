// The transparency page's pure logic (views/TransparencyView.vue): the range
// of months and its checks, the query strings of GET /api/v1/stats/public and
// its charts, a figure that may be withheld in words, and the ranking of the
// inspection units by on-time rate. A hidden figure is never worked out here
// (no total minus its visible parts): the page shows what the server
// published, and says why the rest is not.

import type { PublicFigures, PublicStatsGroup, PublicStatsQuery } from './api'
import { VIETNAM_TZ } from './format'

/** The longest range the server answers, in months. */
export const MAX_RANGE_MONTHS = 36
/** The months a range shows by default. */
export const DEFAULT_RANGE_MONTHS = 12
/** A unit is ranked by its on-time rate only with at least this many reports concluded in the range. */
export const MIN_CONCLUDED_TO_RANK = 10

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

/** isMonth tells whether s is a month as the API writes it (YYYY-MM). */
export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && MONTH.test(s)
}

/** currentMonth is the month (YYYY-MM) it is in Vietnam at now. */
export function currentMonth(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: VIETNAM_TZ, year: 'numeric', month: '2-digit' }).formatToParts(now)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('year')}-${get('month')}`
}

/** addMonths moves a month (YYYY-MM) by n months, back when n < 0. */
export function addMonths(month: string, n: number): string {
  const m = MONTH.exec(month)
  if (!m) return month
  const i = Number(m[1]) * 12 + (Number(m[2]) - 1) + n
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`
}

/** monthSpan counts the months from..to, both included (0 or less when to is before from). */
export function monthSpan(from: string, to: string): number {
  const a = MONTH.exec(from)
  const b = MONTH.exec(to)
  if (!a || !b) return 0
  return Number(b[1]) * 12 + Number(b[2]) - (Number(a[1]) * 12 + Number(a[2])) + 1
}

export interface MonthRange {
  from: string
  to: string
}

/** defaultRange is the last twelve months, this one included (the server's default too). */
export function defaultRange(now: Date = new Date()): MonthRange {
  const to = currentMonth(now)
  return { from: addMonths(to, -(DEFAULT_RANGE_MONTHS - 1)), to }
}

/** monthOptions lists the months a range may start or end in, oldest first: the last 36 months, ending with this one. */
export function monthOptions(now: Date = new Date(), count = MAX_RANGE_MONTHS): string[] {
  const last = currentMonth(now)
  return Array.from({ length: count }, (_, i) => addMonths(last, i - count + 1))
}

export type RangeProblem = 'order' | 'too_long' | 'invalid'

/** checkRange says what is wrong with a range, or null: the server refuses these. */
export function checkRange(r: MonthRange): RangeProblem | null {
  if (!isMonth(r.from) || !isMonth(r.to)) return 'invalid'
  const n = monthSpan(r.from, r.to)
  if (n < 1) return 'order'
  if (n > MAX_RANGE_MONTHS) return 'too_long'
  return null
}

/**
 * rangeFromQuery reads the range of the page's address (?from=&to=), the
 * default range for what is missing or wrong.
 */
export function rangeFromQuery(query: Record<string, unknown>, now: Date = new Date()): MonthRange {
  const d = defaultRange(now)
  const pick = (v: unknown) => (Array.isArray(v) ? v[0] : v)
  const r = { from: pick(query.from), to: pick(query.to) }
  if (isMonth(r.from) && isMonth(r.to) && checkRange(r as MonthRange) === null) return r as MonthRange
  return d
}

/** formatMonth writes YYYY-MM as MM/YYYY, as the portal writes dates (dd/mm/yyyy). */
export function formatMonth(month: string): string {
  const m = MONTH.exec(month)
  return m ? `${m[2]}/${m[1]}` : month
}

/**
 * publicStatsSearch is the query string of a public statistics request (with
 * its "?"), its parameters always in one order: from, to, monthly, the one
 * filter, by, then extra (format, chart, lang). Empty values are left out.
 */
export function publicStatsSearch(q: PublicStatsQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams()
  const put = (k: string, v: string | undefined) => {
    if (v) p.append(k, v)
  }
  put('from', q.from)
  put('to', q.to)
  if (q.monthly) p.append('monthly', 'true')
  put('area', q.area)
  put('unit', q.unit)
  put('kind', q.kind)
  put('category', q.category)
  put('by', q.by)
  for (const [k, v] of Object.entries(extra)) put(k, v)
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** The counts of the figures, by JSON name (outcomes are "byOutcome.<outcome>"). */
export type CountName =
  | 'received'
  | 'appeals'
  | 'accepted'
  | 'rejected'
  | 'transferred'
  | 'withdrawn'
  | 'concluded'
  | 'onTime'
  | 'late'
  | 'rated'
  | 'satisfied'
  | 'appealed'
  | 'extended'
  | 'recFiled'
  | 'recAnswered'
  | 'recOnTime'
  | 'open'
  | 'overdue'
  | `byOutcome.${string}`

/** A count as the page shows it: the number, "fewer than k", or withheld. */
export type Count = { state: 'shown'; value: number } | { state: 'fewer' } | { state: 'withheld' }

/**
 * readCount reads a count of the figures. A null count is "fewer than k"
 * when the server says so, and withheld otherwise (also when it gives no
 * reason: nothing unpublished is ever shown as a number). An outcome the
 * figures do not list counts no report.
 */
export function readCount(f: PublicFigures, name: CountName): Count {
  let v: number | null | undefined
  if (name.startsWith('byOutcome.')) {
    const o = name.slice('byOutcome.'.length)
    v = o in (f.byOutcome ?? {}) ? f.byOutcome[o] : f.withheld?.[name] ? null : 0
  } else {
    v = f[name as Exclude<CountName, `byOutcome.${string}`>]
  }
  if (typeof v === 'number') return { state: 'shown', value: v }
  return f.withheld?.[name] === 'fewer_than_k' ? { state: 'fewer' } : { state: 'withheld' }
}

/** The rates, medians and percentiles of the figures: null when not publishable. */
export type MeasureName = 'onTimeRate' | 'satisfiedRate' | 'recOnTimeRate' | 'medianDays' | 'p90Days'

export function isRate(name: MeasureName): boolean {
  return name.endsWith('Rate')
}

function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : 'vi-VN'
}

/** formatNumber writes a count with the language's digit grouping (1.234 in Vietnamese, 1,234 in English). */
export function formatNumber(n: number, locale: string): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 0 }).format(n)
}

/** formatRate writes a share (0..1) as a whole percentage: "87%". */
export function formatRate(r: number, locale: string): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 0 }).format(r)
}

/** A translation function (vue-i18n's t). */
export type Translate = (key: string, params?: Record<string, unknown>) => string

/** countText is a count in words: the number, "dưới 5" / "fewer than 5", or the short word for withheld. */
export function countText(c: Count, k: number, t: Translate, locale: string): string {
  switch (c.state) {
    case 'shown':
      return formatNumber(c.value, locale)
    case 'fewer':
      return t('transparency.fewer', { k })
    default:
      return t('transparency.withheldShort')
  }
}

/** measureText is a rate as a percentage, days as a number of days, or null when it is not published. */
export function measureText(f: PublicFigures, name: MeasureName, t: Translate, locale: string): string | null {
  const v = f[name]
  if (typeof v !== 'number') return null
  return isRate(name) ? formatRate(v, locale) : t('transparency.days', { n: formatNumber(v, locale) })
}

export interface RankedUnit {
  /** 1 for the best; units with the same rate share a rank. */
  rank: number
  group: PublicStatsGroup
}

export interface UnitRanking {
  ranked: RankedUnit[]
  /** Units with fewer than MIN_CONCLUDED_TO_RANK reports concluded in the range, or whose rate is not published. */
  unranked: PublicStatsGroup[]
}

/** rankable tells whether a unit's figures may be ranked: at least min concluded (a published count) and a published on-time rate. */
export function rankable(g: PublicFigures, min = MIN_CONCLUDED_TO_RANK): boolean {
  return typeof g.concluded === 'number' && g.concluded >= min && typeof g.onTimeRate === 'number'
}

/**
 * rankUnits ranks the inspection units by on-time rate, best first (more
 * concluded, then the code, breaking ties in order but not in rank), and
 * lists the others apart. The slice of reports without a unit (key "") is
 * not a unit and is left out.
 */
export function rankUnits(groups: readonly PublicStatsGroup[], min = MIN_CONCLUDED_TO_RANK): UnitRanking {
  const units = groups.filter((g) => g.key !== '')
  const ok = units
    .filter((g) => rankable(g, min))
    .sort((a, b) => b.onTimeRate! - a.onTimeRate! || b.concluded! - a.concluded! || a.key.localeCompare(b.key))
  const ranked: RankedUnit[] = []
  ok.forEach((group, i) => {
    const prev = ranked[i - 1]
    const rank = prev && prev.group.onTimeRate === group.onTimeRate ? prev.rank : i + 1
    ranked.push({ rank, group })
  })
  const unranked = units.filter((g) => !rankable(g, min)).sort((a, b) => a.key.localeCompare(b.key))
  return { ranked, unranked }
}

/** A column of a table of figures (components/transparency/StatsTable.vue). */
export interface StatsColumn {
  name: CountName | MeasureName
  label: string
}

/** A row of a table of figures: a month, a slice or a unit. */
export interface StatsRow {
  key: string
  label: string
  figures: PublicFigures
  /** The unit's rank, in a ranking. */
  rank?: number
  /** The line for the whole range, after the months. */
  total?: boolean
}
