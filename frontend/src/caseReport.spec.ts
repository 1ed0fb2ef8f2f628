import { describe, expect, it } from 'vitest'
import { citizenClockLine, clockState, clockText, ddmmyyyy, eventNoteText, personText } from './caseReport'
import { createAppI18n } from './i18n'
import type { CaseClock } from './staffApi'

// 2026-03-03 10:00 in Vietnam.
const NOW = new Date('2026-03-03T03:00:00Z')
// The end of 2026-03-05 in Vietnam, in UTC.
const clock = (over: Partial<CaseClock> = {}): CaseClock => ({
  name: 'accept',
  start: '2026-03-01T02:00:00Z',
  due: '2026-03-05T16:59:59Z',
  overdue: false,
  ...over,
})

function translator(locale: 'vi' | 'en') {
  const i18n = createAppI18n(locale)
  const g = i18n.global
  return (c: CaseClock) => clockText((k, n) => g.t(k, n ?? {}), (k) => g.te(k), c, NOW)
}

describe('clocks', () => {
  it('counts the days left until the due day in Vietnam', () => {
    expect(clockState(clock(), NOW)).toEqual({ state: 'running', days: 2, date: '05/03/2026' })
    expect(translator('vi')(clock())).toBe('Thời hạn thụ lý: còn 2 ngày (đến 05/03/2026)')
    expect(translator('en')(clock({ name: 'resolve' }))).toBe('Resolution deadline: 2 days left (until 05/03/2026)')
  })

  it('says 0 days left on the due day itself', () => {
    expect(clockState(clock({ due: '2026-03-03T16:59:59Z' }), NOW)).toEqual({ state: 'running', days: 0, date: '03/03/2026' })
  })

  it('counts the days late', () => {
    const late = clock({ due: '2026-02-28T16:59:59Z', overdue: true })
    expect(clockState(late, NOW)).toEqual({ state: 'overdue', days: 3, date: '28/02/2026' })
    expect(translator('vi')(late)).toBe('Thời hạn thụ lý: quá hạn 3 ngày (hạn 28/02/2026)')
    // Past due by the clock even if the server has not said so yet.
    expect(clockState(clock({ due: '2026-03-02T16:59:59Z' }), NOW).state).toBe('overdue')
  })

  it('says when a stopped clock finished, and whether late', () => {
    const done = clock({ name: 'notify', stopped: '2026-03-02T01:00:00Z' })
    expect(translator('vi')(done)).toBe('Thời hạn thông báo: đã hoàn thành ngày 02/03/2026')
    expect(translator('en')({ ...done, overdue: true })).toBe('Notification deadline: completed on 02/03/2026 (late)')
  })

  it('shows the day in Vietnam, and bare dates as they are', () => {
    expect(ddmmyyyy('2026-03-05T17:30:00Z')).toBe('06/03/2026')
    expect(ddmmyyyy('2026-03-05')).toBe('05/03/2026')
  })

  it('shows an unknown clock by its name', () => {
    expect(translator('en')(clock({ name: 'appeal' }))).toBe('appeal: 2 days left (until 05/03/2026)')
  })
})

describe('clocks for the citizen', () => {
  // Due at the end of Friday 4 December 2026 in Vietnam.
  const due = '2026-12-04T16:59:59Z'
  const line = (locale: 'vi' | 'en', c: CaseClock, now: Date) => {
    const g = createAppI18n(locale).global
    const r = citizenClockLine((k, n) => g.t(k, n ?? {}), (k) => g.te(k), c, locale, now)
    return `${r.name}: ${r.text}`
  }
  const before = new Date('2026-12-01T03:00:00Z')
  const after = new Date('2026-12-07T03:00:00Z')

  it('says by which day a running clock is due, with the weekday, in Vietnam time', () => {
    const c = clock({ due })
    expect(line('en', c, before)).toBe('Acceptance decision: due by Friday, 4 December 2026')
    expect(line('vi', c, before)).toBe('Quyết định thụ lý: hạn chót Thứ Sáu, 4 tháng 12, 2026')
    // 23:30 on the due day in Vietnam is still within the deadline.
    expect(citizenClockLine((k) => k, () => true, c, 'en', new Date('2026-12-04T16:30:00Z')).state).toBe('running')
  })

  it('says since when an unfinished clock is overdue: the day after the due day', () => {
    expect(line('en', clock({ name: 'resolve', due, overdue: true }), after)).toBe(
      'Resolution: overdue since Saturday, 5 December 2026 (it was due by Friday, 4 December 2026)',
    )
    // Past due by the clock even if the server has not said so yet.
    expect(line('vi', clock({ due }), after)).toBe(
      'Quyết định thụ lý: quá hạn từ Thứ Bảy, 5 tháng 12, 2026 (hạn chót là Thứ Sáu, 4 tháng 12, 2026)',
    )
  })

  it('says when a finished clock stopped, on time or late', () => {
    expect(line('en', clock({ due, stopped: '2026-12-02T02:00:00Z' }), after)).toBe('Acceptance decision: decided on time, on Wednesday, 2 December 2026')
    expect(line('en', clock({ name: 'notify', due, stopped: '2026-12-08T02:00:00Z', overdue: true }), after)).toBe(
      'Notice of acceptance: notice given late, on Tuesday, 8 December 2026 (it was due by Friday, 4 December 2026)',
    )
    expect(line('vi', clock({ name: 'resolve', due, stopped: '2026-12-02T02:00:00Z' }), after)).toBe(
      'Giải quyết: đã giải quyết đúng hạn, ngày Thứ Tư, 2 tháng 12, 2026',
    )
  })

  it('shows an unknown clock by its name, with generic words', () => {
    expect(line('en', clock({ name: 'appeal', due, stopped: '2026-12-02T02:00:00Z' }), after)).toBe('appeal: done on time, on Wednesday, 2 December 2026')
  })
})

describe('people', () => {
  const g = createAppI18n('vi').global
  const t = (k: string, n?: Record<string, unknown>) => g.t(k, n ?? {})
  const people = { i2: { id: 'i2', name: 'Lê Thanh Tra', role: 'inspector' }, blank: { id: 'blank', name: '  ', role: 'lead' } }

  it('names a user by the report’s people, "bạn" for oneself, the id when unnamed, a dash for nobody', () => {
    expect(personText(t, 'i2', 'u1', people)).toBe('Lê Thanh Tra')
    expect(personText(t, 'i2', 'i2', people)).toBe('bạn')
    expect(personText(t, 'x7', 'u1', people)).toBe('x7')
    expect(personText(t, 'blank', 'u1', people)).toBe('blank')
    expect(personText(t, 'i2', 'u1')).toBe('i2')
    expect(personText(t, '', 'u1', people)).toBe('—')
    expect(personText(t, undefined, undefined, people)).toBe('—')
  })

  it('names the assignee of an "assigned" event through who', () => {
    const who = (id: string) => personText(t, id, 'u1', people)
    expect(eventNoteText(t, (k) => g.te(k), { type: 'assigned', ref: 'i2' }, who)).toBe('Giao cho Lê Thanh Tra')
    expect(eventNoteText(t, (k) => g.te(k), { type: 'assigned', ref: 'u1' }, who)).toBe('Giao cho bạn')
  })
})
