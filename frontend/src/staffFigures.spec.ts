import { describe, expect, it } from 'vitest'
import {
  figureText,
  figureValue,
  hotspotsPath,
  ownScope,
  parseMin,
  parseScope,
  periodFileName,
  periodPath,
  rangeOf,
  recentRange,
  scopeFilter,
  scopeParam,
  statsPath,
  thisYearRange,
  type StaffFigures,
} from './staffFigures'

const figures = (over: Partial<StaffFigures> = {}): StaffFigures => ({
  received: 3,
  accepted: 2,
  rejected: 1,
  transferred: 0,
  withdrawn: 0,
  concluded: 2,
  byOutcome: { substantiated: 1, unsubstantiated: 1 },
  onTime: 1,
  late: 1,
  onTimeRate: 0.5,
  medianDays: 4,
  p90Days: 12,
  rated: 2,
  meanStars: 4.5,
  satisfied: 2,
  appealed: 0,
  appeals: 0,
  extended: 1,
  recFiled: 3,
  recAnswered: 3,
  recOnTime: 2,
  open: 1,
  overdue: 0,
  ...over,
})

// Words of the figures.days and figures.stars messages, as vue-i18n would give them.
const t = (key: string, p: Record<string, unknown> = {}) => (key === 'figures.days' ? `${p.n} ngày` : key === 'figures.stars' ? `${p.n}/5` : key)

describe('scopes', () => {
  it('gives each role its own scope, and writes and reads it as the period report does', () => {
    expect(ownScope({ role: 'inspector', unitId: 'u1' })).toEqual({ kind: 'unit', id: 'u1' })
    expect(ownScope({ role: 'lead', unitId: 'u1' })).toEqual({ kind: 'unit', id: 'u1' })
    expect(ownScope({ role: 'monitor', unitId: 'f1' })).toEqual({ kind: 'front', id: 'f1' })
    expect(ownScope({ role: 'admin', unitId: '' })).toEqual({ kind: 'all' })
    expect(scopeParam({ kind: 'front', id: 'f1' })).toBe('front:f1')
    expect(scopeParam({ kind: 'all' })).toBe('all')
    expect(parseScope('unit:u9')).toEqual({ kind: 'unit', id: 'u9' })
    expect(parseScope('all')).toEqual({ kind: 'all' })
    for (const bad of ['', 'unit:', 'team:x', undefined, ['unit:u1']]) expect(parseScope(bad), String(bad)).toBeNull()
    expect(scopeFilter({ kind: 'unit', id: 'u1' })).toEqual({ unit: 'u1' })
    expect(scopeFilter({ kind: 'front', id: 'f1' })).toEqual({ front: 'f1' })
    expect(scopeFilter({ kind: 'all' })).toEqual({})
  })
})

describe('ranges', () => {
  // 5 December 2026, 20:00 UTC: already 6 December in Vietnam; 31 December 2026 20:00 UTC is 2027 there.
  const now = new Date('2026-12-05T20:00:00Z')

  it('defaults to this year so far, and the hotspots to the last three months, in Vietnam time', () => {
    expect(thisYearRange(now)).toEqual({ from: '2026-01', to: '2026-12' })
    expect(thisYearRange(new Date('2026-12-31T20:00:00Z'))).toEqual({ from: '2027-01', to: '2027-01' })
    expect(recentRange(3, new Date('2027-02-01T00:00:00Z'))).toEqual({ from: '2026-12', to: '2027-02' })
  })

  it('reads a range from the address, falling back when it is missing, reversed, too long or malformed', () => {
    const fb = { from: '2026-01', to: '2026-12' }
    expect(rangeOf('2026-03', '2026-05', fb)).toEqual({ from: '2026-03', to: '2026-05' })
    expect(rangeOf(['2026-03'], ['2026-04'], fb)).toEqual({ from: '2026-03', to: '2026-04' })
    expect(rangeOf('2026-05', '2026-03', fb)).toBe(fb)
    expect(rangeOf('2020-01', '2026-03', fb)).toBe(fb)
    expect(rangeOf('2026-13', '2026-03', fb)).toBe(fb)
    expect(rangeOf(undefined, '2026-03', fb)).toBe(fb)
  })

  it('reads a minimum of reports from 1 to 1000', () => {
    expect(parseMin('3')).toBe(3)
    expect(parseMin(' 12 ')).toBe(12)
    expect(parseMin(1000)).toBe(1000)
    for (const bad of ['0', '1001', '-1', '2.5', 'abc', '', undefined, null]) expect(parseMin(bad), String(bad)).toBeNull()
  })
})

describe('addresses', () => {
  it('builds the queries of the API, empty values left out', () => {
    expect(statsPath({ from: '2026-01', to: '2026-06', monthly: true, kind: '', category: 'bribe' })).toBe(
      '/api/v1/stats?from=2026-01&to=2026-06&monthly=true&category=bribe',
    )
    expect(statsPath({ from: '2026-01', to: '2026-06', unit: 'u 1', front: 'f1', area: '26734', kind: 'complaint', channel: 'hotline' })).toBe(
      '/api/v1/stats?from=2026-01&to=2026-06&unit=u+1&front=f1&area=26734&kind=complaint&channel=hotline',
    )
    expect(hotspotsPath({ from: '2026-10', to: '2026-12', min: 3 })).toBe('/api/v1/stats/hotspots?from=2026-10&to=2026-12&min=3')
    expect(hotspotsPath({ from: '2026-10', to: '2026-12', min: 1, front: 'f1' })).toBe('/api/v1/stats/hotspots?from=2026-10&to=2026-12&min=1&front=f1')
    expect(periodPath({ kind: 'unit', id: 'u1' }, { from: '2026-01', to: '2026-06' }, 'pdf')).toBe(
      '/api/v1/reports/period?scope=unit%3Au1&from=2026-01&to=2026-06&format=pdf',
    )
    expect(periodPath({ kind: 'all' }, { from: '2026-01', to: '2026-06' }, 'csv')).toBe('/api/v1/reports/period?scope=all&from=2026-01&to=2026-06&format=csv')
  })

  it('names a report like the server when its answer names none', () => {
    expect(periodFileName({ kind: 'all' }, { from: '2026-01', to: '2026-06' }, 'xlsx')).toBe('bao-cao-ky_all_2026-01_2026-06.xlsx')
    expect(periodFileName({ kind: 'front', id: 'a/b' }, { from: '2026-01', to: '2026-01' }, 'pdf')).toBe('bao-cao-ky_front-a-b_2026-01_2026-01.pdf')
  })
})

describe('figures in words', () => {
  it('shows every count exactly, a 1 as a 1 (staff see exact figures)', () => {
    const f = figures({ received: 1, rejected: 0 })
    expect(figureText(figureValue(f, 'received'), t, 'vi')).toBe('1')
    expect(figureText(figureValue(f, 'rejected'), t, 'vi')).toBe('0')
    expect(figureText(figureValue(figures({ received: 1234 }), 'received'), t, 'vi')).toBe('1.234')
    expect(figureText(figureValue(figures({ received: 1234 }), 'received'), t, 'en')).toBe('1,234')
  })

  it('reads outcomes, a missing one as 0', () => {
    const f = figures()
    expect(figureValue(f, 'byOutcome.substantiated')).toEqual({ type: 'count', value: 1 })
    expect(figureValue(f, 'byOutcome.partly_substantiated')).toEqual({ type: 'count', value: 0 })
  })

  it('reads the second round by outcome and the satisfied ratings with their share', () => {
    const f = figures({ appealsByOutcome: { unsubstantiated: 2 }, rated: 4, satisfied: 3 })
    expect(figureValue(f, 'appealsByOutcome.unsubstantiated')).toEqual({ type: 'count', value: 2 })
    expect(figureValue(f, 'appealsByOutcome.substantiated')).toEqual({ type: 'count', value: 0 })
    expect(figureValue(f, 'satisfied')).toEqual({ type: 'count', value: 3 })
    expect(figureText(figureValue(f, 'satisfiedShare'), t, 'vi')).toBe('75%')
    expect(figureValue(figures({ rated: 0, satisfied: 0 }), 'satisfiedShare').value).toBeNull()
  })

  it('writes shares with one decimal, days and stars, and nothing where nothing counts', () => {
    expect(figureText(figureValue(figures({ onTimeRate: 8 / 9 }), 'onTimeRate'), t, 'vi')).toBe('88,9%')
    expect(figureText(figureValue(figures({ onTimeRate: 8 / 9 }), 'onTimeRate'), t, 'en')).toBe('88.9%')
    expect(figureText(figureValue(figures(), 'recOnTimeRate'), t, 'en')).toBe('66.7%')
    expect(figureValue(figures({ recAnswered: 0, recOnTime: 0 }), 'recOnTimeRate').value).toBeNull()
    expect(figureText(figureValue(figures(), 'p90Days'), t, 'vi')).toBe('12 ngày')
    expect(figureText(figureValue(figures({ meanStars: 4.25 }), 'meanStars'), t, 'vi')).toBe('4,3/5')
    expect(figureText(figureValue(figures({ onTimeRate: null }), 'onTimeRate'), t, 'vi')).toBeNull()
    expect(figureText(figureValue(figures({ medianDays: null }), 'medianDays'), t, 'vi')).toBeNull()
    expect(figureText(figureValue(figures({ meanStars: null }), 'meanStars'), t, 'vi')).toBeNull()
  })
})
