// The pure logic of the published outcomes as the public pages show them
// (components/OutcomeList.vue, on /outcomes and on /transparency): the names
// of the codes GET /api/v1/outcomes publishes, the anchor of one outcome on
// /outcomes, and the short excerpt of its summary. Nothing here adds to what
// the feed publishes: a code without a name in /meta is shown as it is.

import type { Locale, Meta } from './api'
import { localName } from './format'

/** How many of the latest published outcomes the transparency page shows. */
export const LATEST_OUTCOMES = 5
/** The longest excerpt of a summary, in characters, before its ellipsis. */
export const EXCERPT_CHARS = 180

/** categoryName names a category code from /meta, or gives the code as it is. */
export function categoryName(meta: Meta | null, code: string, locale: Locale | string): string {
  const c = meta?.categories.find((x) => x.code === code)
  return c ? localName(c.name, locale) : code
}

/** areaName names an area code from /meta with its province ("Phường X, Thành phố Y"), or gives the code as it is. */
export function areaName(meta: Meta | null, code: string | undefined, locale: Locale | string): string {
  if (!code) return ''
  const areas = meta?.areas ?? []
  const a = areas.find((x) => x.code === code)
  if (!a) return code
  const p = a.parent ? areas.find((x) => x.code === a.parent) : undefined
  return p ? `${localName(a.name, locale)}, ${localName(p.name, locale)}` : localName(a.name, locale)
}

/** outcomeAnchor is the id of one outcome's card on /outcomes (the fragment the transparency page links to). */
export function outcomeAnchor(id: string): string {
  return `outcome-${id.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

/**
 * excerpt shortens a summary to at most max characters (code points), on a
 * word boundary when one is near, with an ellipsis; its line breaks become
 * spaces. A summary that fits is returned whole, only its spacing tidied.
 */
export function excerpt(text: string, max = EXCERPT_CHARS): { text: string; cut: boolean } {
  const flat = text.replace(/\s+/g, ' ').trim()
  const chars = Array.from(flat)
  if (chars.length <= max) return { text: flat, cut: false }
  let head = chars.slice(0, max).join('')
  // Cut at the last space, unless that would drop more than a third of it
  // (one very long word): then mid-word.
  const space = head.lastIndexOf(' ')
  if (space >= Math.floor((head.length * 2) / 3)) head = head.slice(0, space)
  head = head.replace(/[\s,;:.\-–—]+$/u, '')
  return { text: `${head}…`, cut: true }
}
