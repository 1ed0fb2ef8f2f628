// The legal time limits of a kind of report in plain words, from the deadline
// policy the server counts with (GET /api/v1/meta "deadlines";
// docs/workflow.md, "Deadlines"). Each period says whether it counts working
// days or calendar days.

import type { DeadlinePolicy } from './api'

type Translate = (key: string, named?: Record<string, unknown>) => string

export interface DeadlineLine {
  key: 'accept' | 'notify' | 'resolve' | 'longer' | 'extensions'
  text: string
}

/** period writes "10 working days" or "30 calendar days" (and the singular for 1). */
export function period(t: Translate, n: number, working: boolean): string {
  const unit = working ? 'working' : 'calendar'
  return t(`homeAfter.period.${unit}${n === 1 ? '1' : ''}`, { n })
}

/** deadlineLines lists the time limits of one kind, in the order a report meets them. */
export function deadlineLines(t: Translate, p: DeadlinePolicy): DeadlineLine[] {
  const out: DeadlineLine[] = []
  // Feedback has no acceptance step in law: it is acknowledged, and its resolution counts from receipt.
  const feedback = p.kind === 'feedback'
  if (p.acceptDays > 0) {
    out.push({ key: 'accept', text: t(`homeAfter.limit.accept${feedback ? 'Feedback' : ''}`, { period: period(t, p.acceptDays, p.acceptWorkingDays) }) })
  }
  if (p.notifyDays > 0) {
    out.push({ key: 'notify', text: t('homeAfter.limit.notify', { period: period(t, p.notifyDays, p.notifyWorkingDays) }) })
  }
  if (p.resolveDays > 0) {
    out.push({ key: 'resolve', text: t(`homeAfter.limit.resolve${feedback ? 'Feedback' : ''}`, { period: period(t, p.resolveDays, p.resolveWorkingDays) }) })
    const variants: [keyof DeadlinePolicy, string][] = [
      ['complexResolveDays', 'complex'],
      ['remoteResolveDays', 'remote'],
      ['remoteComplexResolveDays', 'remoteComplex'],
      ['round2ResolveDays', 'round2'],
      ['round2ComplexResolveDays', 'round2Complex'],
      ['remoteRound2ResolveDays', 'remoteRound2'],
      ['remoteRound2ComplexResolveDays', 'remoteRound2Complex'],
    ]
    const longer = variants
      .filter(([field]) => Number(p[field]) > 0)
      .map(([field, word]) => t(`homeAfter.longer.${word}`, { period: period(t, Number(p[field]), p.resolveWorkingDays) }))
    if (longer.length) out.push({ key: 'longer', text: t('homeAfter.limit.longer', { list: longer.join(t('homeAfter.listSeparator')) }) })
    if (p.maxExtensions > 0 && p.extensionDays > 0) {
      out.push({
        key: 'extensions',
        text: t(`homeAfter.limit.extensions${p.maxExtensions === 1 ? '1' : ''}`, {
          n: p.maxExtensions,
          period: period(t, p.extensionDays, p.resolveWorkingDays),
        }),
      })
    }
  }
  return out
}
