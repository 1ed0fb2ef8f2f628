// The one rule of every form's field errors, citizen's, staff's and admin's:
// a field's error (and so its aria-invalid, which FormField derives from it)
// stays only while the field is wrong. Once a field shows an error, each
// change of the form checks it again: the error goes as soon as the field is
// right (its own value, or another it depends on, was corrected), or becomes
// the new problem. An error the page cannot judge itself (the server's:
// "already in use", "personal data") goes when the field's value changes. A
// field without an error is not judged before the next attempt, so nobody is
// scolded while still typing.

import { watch, type Ref } from 'vue'

export type ErrorMap = Record<string, string>

export interface LiveErrorsOptions {
  /** The errors shown, by field key (a reactive record, or a getter returning the current one). */
  errors: () => ErrorMap
  /** The current value of each field the form owns, by the same keys. */
  values: () => Record<string, unknown>
  /** The form's own check of its current values: the error for each wrong field, in the format of errors. */
  check: () => ErrorMap
  /** Called when a change removed the last error of the form's fields (to clear a "fix the marked fields" notice). */
  cleared?: () => void
}

/**
 * useLiveFieldRefs is useLiveErrors for a form that keeps each field's error
 * sentence in its own ref ('' for none): refs by field key.
 */
export function useLiveFieldRefs(
  refs: Record<string, Ref<string>>,
  values: () => Record<string, unknown>,
  check: () => ErrorMap,
  cleared?: () => void,
): { revise: () => void } {
  const view = new Proxy({} as ErrorMap, {
    get: (_, k: string) => refs[k]?.value || undefined,
    set: (_, k: string, v: string) => {
      const r = refs[k]
      if (r) r.value = v
      return true
    },
    deleteProperty: (_, k: string) => {
      const r = refs[k]
      if (r) r.value = ''
      return true
    },
    has: (_, k: string) => !!refs[k]?.value,
    ownKeys: () => Object.keys(refs).filter((k) => refs[k]!.value),
    getOwnPropertyDescriptor: (_, k: string) =>
      refs[k]?.value ? { value: refs[k]!.value, enumerable: true, configurable: true, writable: true } : undefined,
  })
  return useLiveErrors({ errors: () => view, values, check, cleared })
}

/** key compares two values as the form sees them (text, choices, lists of files). */
function key(v: unknown): string {
  if (typeof v === 'string') return `s:${v}`
  if (Array.isArray(v)) return `a:[${v.map(key).join(',')}]`
  if (v && typeof v === 'object') {
    if (typeof File !== 'undefined' && v instanceof File) return `f:${v.name}:${v.size}:${v.lastModified}`
    return `o:{${Object.keys(v)
      .sort()
      .map((k) => `${k}=${key((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return `v:${String(v)}`
}

/**
 * flatValues turns a form's model into field keys as the API names them:
 * { name: { vi, en }, code } → { "name.vi", "name.en", "code" }. Lists stay whole.
 */
export function flatValues(model: object, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(model)) {
    const name = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object' && !Array.isArray(v) && !(typeof File !== 'undefined' && v instanceof File)) {
      Object.assign(out, flatValues(v as object, name))
      out[name] = v
    } else out[name] = v
  }
  return out
}

/**
 * useLiveErrors applies the rule above to a form; call it in the form's
 * setup. It returns revise, which applies the rule at once (for a form that
 * changes values outside Vue's reactivity, or in tests).
 */
export function useLiveErrors(o: LiveErrorsOptions): { revise: () => void } {
  // The value each erroneous field had when its error was shown.
  const seen = new Map<string, string>()
  // The erroneous fields whose error the form's own check gives (the others are the server's).
  const judged = new Set<string>()

  function remember() {
    const errs = o.errors()
    const vals = o.values()
    let now: ErrorMap | undefined
    for (const k of Object.keys(errs)) {
      if (!(k in vals) || seen.has(k)) continue
      seen.set(k, key(vals[k]))
      now ??= o.check()
      if (now[k]) judged.add(k)
    }
    for (const k of [...seen.keys()])
      if (!errs[k]) {
        seen.delete(k)
        judged.delete(k)
      }
  }

  function revise() {
    const errs = o.errors()
    const vals = o.values()
    const mine = Object.keys(errs).filter((k) => k in vals)
    if (!mine.length) return
    const now = o.check()
    let removed = false
    for (const k of mine) {
      const problem = now[k]
      if (problem) {
        if (errs[k] !== problem) errs[k] = problem
        judged.add(k)
      } else if (judged.has(k) || seen.get(k) !== key(vals[k])) {
        delete errs[k]
        removed = true
      }
    }
    if (removed && !Object.keys(errs).some((k) => k in vals)) o.cleared?.()
  }

  // A new error is remembered with the value it was shown for, at once.
  watch(() => Object.entries(o.errors()).map(([k, v]) => `${k}=${v}`).join('\n'), remember, { flush: 'sync', immediate: true })
  watch(() => key(o.values()), revise)
  return { revise }
}
