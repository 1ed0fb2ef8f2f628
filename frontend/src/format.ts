// Formatting of sizes, dates and hashes for people. Dates are shown in
// Vietnam's time zone, whatever the device's, as the portal reckons them.

import type { Locale } from './api'

export const VIETNAM_TZ = 'Asia/Ho_Chi_Minh'

function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : 'vi-VN'
}

/** formatBytes: 512 B, 1.5 KB, 25 MB (1 KB = 1024 B), with the locale's decimal mark. */
export function formatBytes(n: number, locale: Locale | string): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let v = Math.max(0, n)
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  const digits = u === 0 || v >= 10 ? 0 : 1
  const num = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: digits }).format(v)
  return `${num} ${units[u]}`
}

/** vnParts are an instant's day and time in Vietnam, as two-digit strings. */
function vnParts(d: Date): Record<'day' | 'month' | 'year' | 'hour' | 'minute', string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: VIETNAM_TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return { day: get('day'), month: get('month'), year: get('year'), hour: get('hour'), minute: get('minute') }
}

/**
 * formatDateTime is the one way the portal writes a moment: "04/12/2026 lúc
 * 17:26" (Vietnamese), "04/12/2026 at 17:26" (English) — day/month/year and
 * 24-hour time in Vietnam.
 */
export function formatDateTime(iso: string, locale: Locale | string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = vnParts(d)
  return `${p.day}/${p.month}/${p.year} ${locale === 'en' ? 'at' : 'lúc'} ${p.hour}:${p.minute}`
}

/** formatDate writes a day as dd/mm/yyyy: a bare date (YYYY-MM-DD) as it is, an instant as its day in Vietnam. */
export function formatDate(iso: string, _locale?: Locale | string): string {
  const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  if (bare) return `${bare[3]}/${bare[2]}/${bare[1]}`
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = vnParts(d)
  return `${p.day}/${p.month}/${p.year}`
}

/** formatLongDate: "Friday, 4 December 2026" / "Thứ Sáu, 4 tháng 12, 2026", the instant's day in Vietnam. */
export function formatLongDate(iso: string | Date, locale: Locale | string): string {
  const d = typeof iso === 'string' ? (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00+07:00`) : new Date(iso)) : iso
  if (Number.isNaN(d.getTime())) return String(iso)
  return new Intl.DateTimeFormat(intlLocale(locale), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: VIETNAM_TZ,
  }).format(d)
}

/** todayInVietnam returns the current calendar day in Vietnam as YYYY-MM-DD. */
export function todayInVietnam(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: VIETNAM_TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** shortHash shows the start and end of a long hash: "3f2a9c1d…7b0e". */
export function shortHash(hash: string, head = 8, tail = 4): string {
  if (hash.length <= head + tail + 1) return hash
  return `${hash.slice(0, head)}…${hash.slice(-tail)}`
}

/** localName picks the name in the page's language, falling back to the other one (or a plain string). */
export function localName(n: { vi?: string; en?: string } | string | null | undefined, locale: Locale | string): string {
  if (!n) return ''
  if (typeof n === 'string') return n
  return (locale === 'en' ? n.en || n.vi : n.vi || n.en) ?? ''
}
