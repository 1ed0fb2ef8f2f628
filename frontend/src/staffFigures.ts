// The staff's figures page (views/FiguresView.vue): exact figures of the
// caller's scope (GET /api/v1/stats), the hotspots (GET /api/v1/stats/hotspots,
// never public) and the period review report download (GET
// /api/v1/reports/period). The server decides the scope: inspectors and
// leads get their unit, monitors their Front committee, admins whatever they
// name. Nothing here is protected as the public figures are: staff see exact
// counts, a 1 is a 1.

import { addMonths, currentMonth, isMonth, monthSpan, MAX_RANGE_MONTHS, type MonthRange } from './publicStats'
import { staffDownload } from './staffApi'
import { staffRequest, type Role, type StaffUser } from './staffSession'

/** The exact figures of a set of reports (services.Figures). A rate or a percentile is null when nothing counts towards it. */
export interface StaffFigures {
  received: number
  accepted: number
  rejected: number
  transferred: number
  withdrawn: number
  concluded: number
  byOutcome: Record<string, number>
  onTime: number
  late: number
  onTimeRate: number | null
  medianDays: number | null
  p90Days: number | null
  rated: number
  meanStars: number | null
  /** Ratings of 4 or 5 stars. */
  satisfied: number
  /** Appeals made against these reports. */
  appealed: number
  /** Second-round reports received. */
  appeals: number
  appealsByOutcome?: Record<string, number>
  extended: number
  recFiled: number
  recAnswered: number
  recOnTime: number
  /** True now, whatever the months. */
  open: number
  overdue: number
}

/** GET /api/v1/stats: the range's figures, and each month's when asked for. */
export interface StaffStatsAnswer {
  from: string
  to: string
  unit?: string
  front?: string
  rows?: (StaffFigures & { month: string })[]
  total: StaffFigures
}

/** One folded name of a hotspot dimension and what was reported about it. */
export interface Hotspot {
  name: string
  received: number
  concluded: number
  /** Of the concluded, how many found the report substantiated (wholly or partly). */
  substantiated: number
}

export const HOTSPOT_DIMS = ['office', 'counter', 'procedure', 'official'] as const
export type HotspotDim = (typeof HOTSPOT_DIMS)[number]

/** GET /api/v1/stats/hotspots. */
export interface HotspotAnswer {
  from: string
  to: string
  unit?: string
  front?: string
  min: number
  dims: Partial<Record<HotspotDim, Hotspot[]>>
}

/** The server's default minimum of reports that make a hotspot (services.DefaultHotspotMin), and its bounds. */
export const DEFAULT_HOTSPOT_MIN = 3
export const MAX_HOTSPOT_MIN = 1000
/** The hotspots' window by default: this month and the two before. */
export const DEFAULT_HOTSPOT_MONTHS = 3

export const PERIOD_FORMATS = ['xlsx', 'csv', 'pdf'] as const
export type PeriodFormat = (typeof PERIOD_FORMATS)[number]

/**
 * A scope of figures: a unit's, a Front committee's, or (admins) the whole
 * portal's. As the period report writes it: "unit:<id>", "front:<id>", "all".
 */
export type FigureScope = { kind: 'all' } | { kind: 'unit' | 'front'; id: string }

/** scopeParam writes a scope as the period report's `scope` parameter. */
export function scopeParam(s: FigureScope): string {
  return s.kind === 'all' ? 'all' : `${s.kind}:${s.id}`
}

/** parseScope reads "unit:<id>", "front:<id>" or "all" (null for anything else). */
export function parseScope(v: unknown): FigureScope | null {
  if (v === 'all') return { kind: 'all' }
  if (typeof v !== 'string') return null
  const m = /^(unit|front):(.+)$/.exec(v)
  return m ? { kind: m[1] as 'unit' | 'front', id: m[2]! } : null
}

/** ownScope is the scope a role sees without choosing: an inspector's or lead's unit, a monitor's committee, everything for an admin. */
export function ownScope(user: Pick<StaffUser, 'role' | 'unitId'>): FigureScope {
  if (user.role === 'admin') return { kind: 'all' }
  return { kind: user.role === 'monitor' ? 'front' : 'unit', id: user.unitId }
}

/** canChooseScope tells whether a role may name another scope (admins only; the server refuses the others). */
export function canChooseScope(role: Role | undefined): boolean {
  return role === 'admin'
}

/** scopeFilter is the unit= or front= of a stats query for a scope (nothing for the whole portal, or for a staff member's own scope the server fills in). */
export function scopeFilter(s: FigureScope): { unit?: string; front?: string } {
  if (s.kind === 'unit') return { unit: s.id }
  if (s.kind === 'front') return { front: s.id }
  return {}
}

/** thisYearRange is January of this year (in Vietnam) to this month: the page's default range. */
export function thisYearRange(now: Date = new Date()): MonthRange {
  const to = currentMonth(now)
  return { from: `${to.slice(0, 4)}-01`, to }
}

/** recentRange is the last n months, this one included. */
export function recentRange(n: number, now: Date = new Date()): MonthRange {
  const to = currentMonth(now)
  return { from: addMonths(to, -(n - 1)), to }
}

/** validRange tells whether a range is one the server answers: months in order, at most MAX_RANGE_MONTHS. */
export function validRange(r: { from: unknown; to: unknown }): r is MonthRange {
  if (!isMonth(r.from) || !isMonth(r.to)) return false
  const n = monthSpan(r.from, r.to)
  return n >= 1 && n <= MAX_RANGE_MONTHS
}

/** rangeOf reads a range from an address's two parameters, fallback for what is missing or wrong. */
export function rangeOf(from: unknown, to: unknown, fallback: MonthRange): MonthRange {
  const pick = (v: unknown) => (Array.isArray(v) ? v[0] : v)
  const r = { from: pick(from), to: pick(to) }
  return validRange(r) ? r : fallback
}

/** parseMin reads a minimum of reports (1 to MAX_HOTSPOT_MIN), or null. */
export function parseMin(v: unknown): number | null {
  const s = Array.isArray(v) ? v[0] : v
  if (typeof s !== 'string' && typeof s !== 'number') return null
  const str = String(s).trim()
  if (!/^\d+$/.test(str)) return null
  const n = Number(str)
  return n >= 1 && n <= MAX_HOTSPOT_MIN ? n : null
}

export interface StatsFilters {
  from: string
  to: string
  monthly?: boolean
  unit?: string
  front?: string
  /** A commune's code, or a province's (its communes). */
  area?: string
  kind?: string
  category?: string
  /** How the reports came in (docs/intake.md). */
  channel?: string
}

/** CHANNELS are the channels reports come in by, in the order the figures offer them. */
export const CHANNELS = ['web', 'open311', 'reception', 'hotline', 'mail'] as const

function search(pairs: [string, string | undefined][]): string {
  const p = new URLSearchParams()
  for (const [k, v] of pairs) if (v) p.append(k, v)
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** statsPath is the address of GET /api/v1/stats for the filters, its parameters always in one order. */
export function statsPath(f: StatsFilters): string {
  return `/api/v1/stats${search([
    ['from', f.from],
    ['to', f.to],
    ['monthly', f.monthly ? 'true' : undefined],
    ['unit', f.unit],
    ['front', f.front],
    ['area', f.area],
    ['kind', f.kind],
    ['category', f.category],
    ['channel', f.channel],
  ])}`
}

export interface HotspotFilters {
  from: string
  to: string
  min: number
  unit?: string
  front?: string
}

/** hotspotsPath is the address of GET /api/v1/stats/hotspots. */
export function hotspotsPath(f: HotspotFilters): string {
  return `/api/v1/stats/hotspots${search([
    ['from', f.from],
    ['to', f.to],
    ['min', String(f.min)],
    ['unit', f.unit],
    ['front', f.front],
  ])}`
}

/** periodPath is the address of the period report's download. */
export function periodPath(scope: FigureScope, r: MonthRange, format: PeriodFormat): string {
  return `/api/v1/reports/period${search([
    ['scope', scopeParam(scope)],
    ['from', r.from],
    ['to', r.to],
    ['format', format],
  ])}`
}

/** periodFileName is the name the server gives the file (bao-cao-ky_unit-<code>_…), used when its answer names none. */
export function periodFileName(scope: FigureScope, r: MonthRange, format: PeriodFormat): string {
  const s = scope.kind === 'all' ? 'all' : `${scope.kind}-${scope.id}`
  return `bao-cao-ky_${s.replace(/[^A-Za-z0-9_-]+/g, '-')}_${r.from}_${r.to}.${format}`
}

export function getStaffStats(f: StatsFilters, signal?: AbortSignal): Promise<StaffStatsAnswer> {
  return staffRequest<StaffStatsAnswer>('GET', statsPath(f), { signal })
}

export function getHotspots(f: HotspotFilters, signal?: AbortSignal): Promise<HotspotAnswer> {
  return staffRequest<HotspotAnswer>('GET', hotspotsPath(f), { signal })
}

/** downloadPeriodReport fetches the report with the access token (a plain link cannot carry it); it throws ApiError. */
export async function downloadPeriodReport(scope: FigureScope, r: MonthRange, format: PeriodFormat): Promise<{ blob: Blob; name: string }> {
  const got = await staffDownload(periodPath(scope, r, format))
  return { blob: got.blob, name: got.name || periodFileName(scope, r, format) }
}

// ---- Reading the figures.

/** The figures the tables show, by JSON name. */
export type FigureName =
  | 'received'
  | 'appeals'
  | 'accepted'
  | 'rejected'
  | 'transferred'
  | 'withdrawn'
  | 'concluded'
  | 'onTime'
  | 'late'
  | 'onTimeRate'
  | 'medianDays'
  | 'p90Days'
  | 'extended'
  | 'appealed'
  | 'recFiled'
  | 'recAnswered'
  | 'recOnTime'
  | 'recOnTimeRate'
  | 'rated'
  | 'satisfied'
  | 'satisfiedShare'
  | 'meanStars'
  | 'open'
  | 'overdue'
  | `byOutcome.${string}`
  | `appealsByOutcome.${string}`

/** The outcomes a conclusion finds, in the order shown. */
export const OUTCOMES = ['substantiated', 'partly_substantiated', 'unsubstantiated'] as const

/** The monthly table's columns: what a month can count (open and overdue are true now only, so they are not monthly). */
export const MONTHLY_COLUMNS: readonly FigureName[] = [
  'received',
  'accepted',
  'rejected',
  'transferred',
  'withdrawn',
  'concluded',
  'onTime',
  'late',
  'onTimeRate',
  'medianDays',
  'p90Days',
  'extended',
  'appealed',
  'recFiled',
  'recAnswered',
  'recOnTime',
  'rated',
  'meanStars',
]

/** The whole range's figures, in groups, as the summary table lists them. */
export const FIGURE_GROUPS: readonly { key: string; names: readonly FigureName[] }[] = [
  { key: 'intake', names: ['received', 'appeals', 'accepted', 'rejected', 'transferred', 'withdrawn'] },
  {
    key: 'resolution',
    names: ['concluded', ...OUTCOMES.map((o) => `byOutcome.${o}` as FigureName), 'onTime', 'late', 'onTimeRate', 'medianDays', 'p90Days', 'extended'],
  },
  { key: 'now', names: ['open', 'overdue'] },
  { key: 'front', names: ['recFiled', 'recAnswered', 'recOnTime', 'recOnTimeRate'] },
  {
    key: 'citizens',
    names: ['appealed', ...OUTCOMES.map((o) => `appealsByOutcome.${o}` as FigureName), 'rated', 'satisfied', 'satisfiedShare', 'meanStars'],
  },
]

/** A figure's value: a count, a share (0..1), days, a mean of stars; null when nothing counts towards it. */
export type FigureValue = { type: 'count' | 'share' | 'days' | 'stars'; value: number | null }

/** figureValue reads one figure, working out the share of recommendations answered on time. */
export function figureValue(f: StaffFigures, name: FigureName): FigureValue {
  if (name.startsWith('byOutcome.')) return { type: 'count', value: f.byOutcome?.[name.slice('byOutcome.'.length)] ?? 0 }
  if (name.startsWith('appealsByOutcome.')) return { type: 'count', value: f.appealsByOutcome?.[name.slice('appealsByOutcome.'.length)] ?? 0 }
  switch (name) {
    case 'onTimeRate':
      return { type: 'share', value: f.onTimeRate ?? null }
    case 'recOnTimeRate':
      return { type: 'share', value: f.recAnswered > 0 ? f.recOnTime / f.recAnswered : null }
    case 'satisfiedShare':
      return { type: 'share', value: f.rated > 0 ? (f.satisfied ?? 0) / f.rated : null }
    case 'medianDays':
    case 'p90Days':
      return { type: 'days', value: f[name] ?? null }
    case 'meanStars':
      return { type: 'stars', value: f.meanStars ?? null }
    default: {
      const v = (f as unknown as Record<string, unknown>)[name]
      return { type: 'count', value: typeof v === 'number' ? v : 0 }
    }
  }
}

function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : 'vi-VN'
}

/** A translation function (vue-i18n's t). */
export type Translate = (key: string, params?: Record<string, unknown>) => string

/**
 * figureText writes a figure in the page's language: "1.234" / "1,234", a
 * share with one decimal ("88,9%" / "88.9%"), "12 ngày" / "12 days", "4,5 / 5";
 * null when there is nothing to show (the page shows a dash and says why).
 */
export function figureText(v: FigureValue, t: Translate, locale: string): string | null {
  if (v.value === null) return null
  const num = (n: number, digits = 0) => new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: digits }).format(n)
  switch (v.type) {
    case 'share':
      return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 1 }).format(v.value)
    case 'days':
      return t('figures.days', { n: num(v.value) })
    case 'stars':
      return t('figures.stars', { n: num(v.value, 1) })
    default:
      return num(v.value)
  }
}
