// Finding an area in the report form's picker: names sorted the Vietnamese
// way (Intl.Collator 'vi', numbers by value, the "Phường"/"Xã" prefix set
// aside so places sort by their own name), and a search that ignores case
// and diacritics, so "phuong tan dinh" or "Tan Dinh" finds "Phường Tân Định".

import type { Area, LocalizedName } from './api'
import { localName } from './format'

/** fold lowercases s and removes its diacritics (đ → d too), collapsing spaces. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

// The administrative prefixes of Vietnamese area names, which say what the area is, not where.
const PREFIX = /^(phường|xã|đặc khu|thị trấn|thị xã|thành phố|tỉnh|quận|huyện)\s+/iu

/** sortKey is the part of a name that places it in the list: "Phường Tân Định" → "Tân Định". */
export function sortKey(name: string): string {
  return name.replace(PREFIX, '')
}

/** sortAreas orders areas by name in the page's language, the Vietnamese way for Vietnamese. */
export function sortAreas<T extends { name: LocalizedName }>(areas: readonly T[], locale: string): T[] {
  const collator = new Intl.Collator(locale === 'en' ? 'en' : 'vi', { numeric: true, sensitivity: 'base' })
  return [...areas].sort((a, b) => {
    const na = localName(a.name, locale)
    const nb = localName(b.name, locale)
    return collator.compare(sortKey(na), sortKey(nb)) || collator.compare(na, nb)
  })
}

/**
 * matchesArea says whether every word of query is in one of the area's
 * names (Vietnamese or English), ignoring case and diacritics. An empty
 * query matches everything.
 */
export function matchesArea(area: Pick<Area, 'name'>, query: string): boolean {
  const words = fold(query).split(' ').filter(Boolean)
  if (!words.length) return true
  const names = [area.name.vi, area.name.en].filter(Boolean).map((n) => fold(n!))
  return names.some((n) => words.every((w) => n.includes(w)))
}
