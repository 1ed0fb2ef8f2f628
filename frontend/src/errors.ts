// Turning API errors into words for the citizen.

import { ApiError } from './api'
import { fileIndex } from './reportSteps'

type Translate = (key: string, named?: Record<string, unknown>) => string

/**
 * apiErrorMessage is the sentence for an error without field details: the
 * page's own text for the error's reason (services/reasons.go), else for its
 * code. The server's English message is never shown.
 */
export function apiErrorMessage(t: Translate, e: unknown): string {
  if (!(e instanceof ApiError)) return t('apiError.internal')
  if (e.code === 'rate_limited' && e.retryAfter !== undefined) return t('apiError.rateLimitedFor', { seconds: e.retryAfter })
  if (/^[a-z0-9_]+$/.test(e.reason)) {
    // A reason this page does not know yet (a newer server) falls back to its code: vue-i18n answers a missing key with the key.
    const key = `apiReason.${e.reason}`
    const text = t(key)
    if (text !== key) return text
  }
  return t(`apiError.${e.code}`)
}

/** splitFileErrors sorts an error's fields into per-file codes (by the key of the file sent at that index) and the rest. */
export function splitFileErrors(
  fields: Record<string, string>,
  sentKeys: readonly string[],
): { perFile: Record<string, string>; other: Record<string, string> } {
  const perFile: Record<string, string> = {}
  const other: Record<string, string> = {}
  for (const [name, code] of Object.entries(fields)) {
    const i = fileIndex(name)
    const key = i !== undefined ? sentKeys[i] : undefined
    if (key !== undefined) perFile[key] = code
    else other[name] = code
  }
  return { perFile, other }
}

/** fieldErrorText is the sentence for one field error code (client-side or from the API's error.fields). */
export function fieldErrorText(t: Translate, exists: (key: string) => boolean, code: string, min = 12): string {
  if (code === 'min_length' || code === 'too_short') return t('fieldError.min_length', { min })
  if (code === 'duplicate' || code === 'exists') return t('fieldError.taken')
  return exists(`fieldError.${code}`) ? t(`fieldError.${code}`) : t('fieldError.other')
}
