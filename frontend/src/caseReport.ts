// Pure helpers of the report pages: the clocks in plain words (for staff and
// for the citizen), timeline events and their notes in words, and staff names.
// What a user may do with a report is the server's answer (`allowedTransitions`
// and `can` on GET /cases/{id}), never computed here.

import type { Clock } from './api'
import type { CaseClock } from './staffApi'
import { formatLongDate, todayInVietnam } from './format'

type Translate = (key: string, named?: Record<string, unknown>) => string

/** vnDay is the calendar day (YYYY-MM-DD) of an instant in Vietnam. */
function vnDay(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return todayInVietnam(d)
}

/** dayDiff counts calendar days from a to b (YYYY-MM-DD), negative when b is earlier. */
function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

/** ddmmyyyy shows a calendar day (YYYY-MM-DD) or an instant's day in Vietnam as dd/mm/yyyy. */
export function ddmmyyyy(iso: string): string {
  const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (bare) return `${bare[3]}/${bare[2]}/${bare[1]}`
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const [y, m, day] = vnDay(d).split('-')
  return `${day}/${m}/${y}`
}

export type ClockState =
  | { state: 'stopped'; date: string; late: boolean }
  | { state: 'running'; days: number; date: string }
  | { state: 'overdue'; days: number; date: string }

/** clockState tells where a clock stands on `now`: finished (when), days left until the due day, or days late. */
export function clockState(c: CaseClock, now: Date = new Date()): ClockState {
  if (c.stopped) return { state: 'stopped', date: ddmmyyyy(c.stopped), late: !!c.overdue }
  const due = new Date(c.due)
  const date = ddmmyyyy(c.due)
  const diff = dayDiff(vnDay(now), vnDay(due))
  if (c.overdue || now.getTime() > due.getTime()) return { state: 'overdue', days: Math.max(1, -diff), date }
  return { state: 'running', days: Math.max(0, diff), date }
}

/** clockText: "Thời hạn thụ lý: còn 3 ngày (đến 05/03/2026)", "…: quá hạn 2 ngày", "…: đã hoàn thành ngày 02/03/2026". */
export function clockText(t: Translate, exists: (key: string) => boolean, c: CaseClock, now: Date = new Date()): string {
  const name = exists(`caseView.clock.names.${c.name}`) ? t(`caseView.clock.names.${c.name}`) : c.name
  const s = clockState(c, now)
  let rest: string
  if (s.state === 'stopped') rest = t(s.late ? 'caseView.clock.stoppedLate' : 'caseView.clock.stopped', { date: s.date })
  else if (s.state === 'overdue') rest = t('caseView.clock.overdue', { days: s.days, date: s.date })
  else rest = t('caseView.clock.left', { days: s.days, date: s.date })
  return t('caseView.clock.line', { name, rest })
}

/** citizenClock says where a clock stands for the citizen, with dates written out in Vietnam time. */
export interface CitizenClockLine {
  name: string
  text: string
  state: 'running' | 'overdue' | 'done' | 'late' | 'withdrawn'
}

/**
 * citizenClockLine puts a clock in plain words for the citizen: "Acceptance
 * decision" + "due by Friday, 4 December 2026" / "decided on time, on …" /
 * "overdue since …" (the day after the due day).
 */
export function citizenClockLine(
  t: Translate,
  exists: (key: string) => boolean,
  c: Clock,
  locale: string,
  now: Date = new Date(),
  withdrawnAt = '',
): CitizenClockLine {
  const known = exists(`trackClock.names.${c.name}`)
  const name = known ? t(`trackClock.names.${c.name}`) : c.name
  const verb = (kind: 'done' | 'late') => (exists(`trackClock.${kind}.${c.name}`) ? `trackClock.${kind}.${c.name}` : `trackClock.${kind}.other`)
  const due = formatLongDate(c.due, locale)
  if (c.stopped) {
    const date = formatLongDate(c.stopped, locale)
    // A clock the citizen's withdrawal stopped was not met by the handlers: say why it stopped.
    if (withdrawnAt && new Date(c.stopped).getTime() >= new Date(withdrawnAt).getTime()) {
      return { name, text: t(c.overdue ? 'trackClock.withdrawnLate' : 'trackClock.withdrawn', { date, due }), state: 'withdrawn' }
    }
    if (c.overdue) return { name, text: t(verb('late'), { date, due }), state: 'late' }
    return { name, text: t(verb('done'), { date }), state: 'done' }
  }
  const dueAt = new Date(c.due)
  if (c.overdue || now.getTime() > dueAt.getTime()) {
    // Overdue from the first moment after the due instant (the next day in Vietnam).
    const since = formatLongDate(new Date(dueAt.getTime() + 1000), locale)
    return { name, text: t('trackClock.overdue', { date: since, due }), state: 'overdue' }
  }
  return { name, text: t('trackClock.due', { date: due }), state: 'running' }
}

/** eventTitle names a timeline event for staff ("Other event (type)" for a type the page does not know). */
export function eventTitle(t: Translate, exists: (key: string) => boolean, type: string): string {
  return exists(`caseView.events.${type}`) ? t(`caseView.events.${type}`) : `${t('caseView.events.other')} (${type})`
}

/**
 * eventNoteText puts an event's note in words where the note is a code: an
 * extension decision (approved|refused), days added, which copy of a file was
 * downloaded (original|sanitized), the clock that became overdue, the stars
 * of a rating, a proposed outcome, a custody decision (identity or originals). Other notes (reasons,
 * answers, replies) are shown as written; `who` names a user id.
 */
export function eventNoteText(
  t: Translate,
  exists: (key: string) => boolean,
  e: { type: string; note?: string; ref?: string },
  who: (id: string) => string = (id) => id,
): string {
  const note = (e.note ?? '').trim()
  const word = (key: string) => (exists(key) ? t(key) : note)
  switch (e.type) {
    case 'extension_decided':
    case 'custody_decided':
    case 'originals_decided':
      return note ? word(`caseView.eventNotes.decision.${note}`) : ''
    case 'deadline_extended':
      return /^\d+$/.test(note) ? t('caseView.eventNotes.days', { days: Number(note) }) : note
    case 'evidence_downloaded':
    case 'evidence_integrity_failed':
      return note ? word(`caseView.eventNotes.copy.${note}`) : ''
    case 'overdue': {
      if (!note) return ''
      const clock = exists(`caseView.clock.names.${note}`) ? t(`caseView.clock.names.${note}`) : note
      return t('caseView.eventNotes.overdue', { clock })
    }
    case 'rated':
      return /^[1-5]$/.test(note) ? t('caseView.eventNotes.stars', { stars: Number(note) }) : note
    case 'conclusion_proposed':
      return note ? t('caseView.eventNotes.proposed', { outcome: word(`caseView.outcomes.${note}`) }) : ''
    case 'assigned':
      return e.ref ? t('caseView.eventNotes.assignedTo', { who: who(e.ref) }) : note
    default:
      return note
  }
}

/**
 * personText names a staff user id: "you" for the signed-in user; otherwise
 * the name the report's `people` gives it, or the id when it gives none (an
 * older server, or an account since deleted).
 */
export function personText(
  t: Translate,
  id: string | undefined | null,
  selfId: string | undefined | null,
  people?: Readonly<Record<string, { name?: string } | undefined>> | null,
): string {
  if (!id) return '—'
  if (selfId && id === selfId) return t('caseView.you')
  return people?.[id]?.name?.trim() || id
}
