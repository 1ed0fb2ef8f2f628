// The time left on an identity custody grant, in whole minutes, as the
// identity panel of the report page shows it (vi and en).

type Translate = (key: string, named?: Record<string, unknown>) => string

/** minutesLeft is the number of whole minutes from now until `until` (0 when it has passed, null when unknown). */
export function minutesLeft(until: string | undefined, now: number): number | null {
  if (!until) return null
  const end = Date.parse(until)
  if (Number.isNaN(end)) return null
  return Math.max(0, Math.floor((end - now) / 60_000))
}

/** timeLeftText says a number of minutes in words: "3 h 05 min", "12 min", "less than a minute". */
export function timeLeftText(t: Translate, minutes: number): string {
  if (minutes < 1) return t('identityPanel.lessThanMinute')
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h ? t('identityPanel.hoursMinutes', { h, m: String(m).padStart(2, '0') }) : t('identityPanel.minutes', { m })
}
