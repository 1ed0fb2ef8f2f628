import { describe, expect, it } from 'vitest'
import apiReasons from './locales/apiReasons.json'
import vi from './locales/vi'
import en from './locales/en'
import { createAppI18n } from './i18n'
import { ApiError, errorFromBody } from './api'
import { apiErrorMessage, fieldErrorText } from './errors'

// apiReasons.json is generated from the Go code (services/reasons_test.go):
// every error code, reason and field code the API can send.

type Tree = { [k: string]: string | Tree }

function text(tree: unknown, path: string): string | undefined {
  let node: unknown = tree
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined
    node = (node as Tree)[part]
  }
  return typeof node === 'string' ? node : undefined
}

const languages = { vi, en } as const

describe('the texts of the API errors', () => {
  it('the generated list is not empty (sanity)', () => {
    expect(apiReasons.reasons.length).toBeGreaterThan(50)
    expect(apiReasons.codes).toContain('forbidden')
    expect(apiReasons.reasons).toContain('custody_no_grant')
    expect(apiReasons.fields).toContain('required')
  })

  for (const [lang, messages] of Object.entries(languages)) {
    it(`${lang} has a text for every reason the API can send`, () => {
      const missing = apiReasons.reasons.filter((r) => !text(messages, `apiReason.${r}`)?.trim())
      expect(missing).toEqual([])
    })

    it(`${lang} has a text for every error code the API can send`, () => {
      const missing = apiReasons.codes.filter((c) => !text(messages, `apiError.${c}`)?.trim())
      expect(missing).toEqual([])
    })

    it(`${lang} has a text of its own for every field code the API can send`, () => {
      const i18n = createAppI18n(lang as 'vi' | 'en')
      const { t, te } = i18n.global
      const other = t('fieldError.other')
      const missing = apiReasons.fields.filter((f) => fieldErrorText(t, te, f) === other)
      expect(missing).toEqual([])
    })

    it(`${lang} has no reason text the API cannot send`, () => {
      const extra = Object.keys((messages as unknown as { apiReason: Tree }).apiReason).filter((r) => !apiReasons.reasons.includes(r))
      expect(extra).toEqual([])
    })
  }
})

describe('apiErrorMessage', () => {
  const body = (reason: string, code = 'forbidden') => ({
    error: { code, reason, message: 'You hold no current custody grant for this report: request custody to open the original.' },
  })

  it('words the error from its reason, never with the server’s English message', () => {
    const { t } = createAppI18n('vi').global
    const e = errorFromBody(403, body('custody_no_grant'))
    expect(e.reason).toBe('custody_no_grant')
    const shown = apiErrorMessage(t, e)
    expect(shown).toBe(vi.apiReason.custody_no_grant)
    expect(shown).not.toContain('custody grant')
  })

  it('in English too, in the page’s words', () => {
    const { t } = createAppI18n('en').global
    expect(apiErrorMessage(t, errorFromBody(403, body('custody_no_grant')))).toBe(en.apiReason.custody_no_grant)
  })

  for (const reason of ['portal_busy', 'network_busy']) {
    it(`a busy portal (503 ${reason}) says nothing was sent, what was entered is kept, and to send again`, () => {
      const busy = { error: { code: 'unavailable', reason, message: 'The portal is busy.' } }
      const vt = createAppI18n('vi').global.t
      expect(apiErrorMessage(vt, errorFromBody(503, busy, '', 2))).toMatch(/chưa gửi.*vẫn được giữ.*gửi lại/)
      const et = createAppI18n('en').global.t
      expect(apiErrorMessage(et, errorFromBody(503, busy, '', 2))).toMatch(/nothing was sent.*kept.*send it again/)
    })
  }

  it('falls back to the code’s text for a reason it does not know (a newer server)', () => {
    const { t } = createAppI18n('vi').global
    expect(apiErrorMessage(t, errorFromBody(403, body('some_future_reason')))).toBe(vi.apiError.forbidden)
    expect(apiErrorMessage(t, errorFromBody(409, body('', 'conflict')))).toBe(vi.apiError.conflict)
    expect(apiErrorMessage(t, new ApiError(500, 'internal', 'boom'))).toBe(vi.apiError.internal)
  })
})
