import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import vi from './locales/vi'
import en from './locales/en'
import {
  DEFAULT_LOCALE,
  LOCALE_STORAGE_KEY,
  createAppI18n,
  setLocale,
  storedLocale,
} from './i18n'
import LanguageSwitch from './components/LanguageSwitch.vue'

type Tree = { [k: string]: string | Tree }

/** flatten returns "a.b.c" → message for every leaf. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const viFlat = flatten(vi as unknown as Tree)
const enFlat = flatten(en as unknown as Tree)

function placeholders(msg: string): string[] {
  return [...msg.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort()
}

describe('messages', () => {
  it('has many keys (sanity)', () => {
    expect(viFlat.size).toBeGreaterThan(50)
  })

  it('every Vietnamese key exists in English', () => {
    const missing = [...viFlat.keys()].filter((k) => !enFlat.has(k))
    expect(missing).toEqual([])
  })

  it('every English key exists in Vietnamese', () => {
    const missing = [...enFlat.keys()].filter((k) => !viFlat.has(k))
    expect(missing).toEqual([])
  })

  it('has no empty messages', () => {
    const empty = [...viFlat, ...enFlat].filter(([, v]) => v.trim() === '').map(([k]) => k)
    expect(empty).toEqual([])
  })

  it('uses the same placeholders in both languages', () => {
    const differ = [...viFlat.keys()].filter(
      (k) => enFlat.has(k) && placeholders(viFlat.get(k)!).join() !== placeholders(enFlat.get(k)!).join(),
    )
    expect(differ).toEqual([])
  })

  it('has no characters that vue-i18n would read as syntax', () => {
    // Outside {name} placeholders, @ (linked messages), | (plurals), braces and $ break or change messages.
    const bad = [...viFlat, ...enFlat]
      .filter(([, v]) => /[@|{}$]/.test(v.replace(/\{\w+\}/g, '')))
      .map(([k]) => k)
    expect(bad).toEqual([])
  })

  it('has an explanation and an error text for every code the API sends', () => {
    for (const code of ['feedback', 'complaint', 'denunciation']) {
      expect(viFlat.has(`report.kindHelp.${code}`), code).toBe(true)
    }
    for (const code of ['required', 'too_long', 'invalid', 'unknown', 'not_allowed', 'future']) {
      expect(viFlat.has(`fieldError.${code}`), code).toBe(true)
    }
    for (const code of [
      'invalid',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'too_large',
      'unsupported',
      'rate_limited',
      'unavailable',
      'internal',
      'network',
    ]) {
      expect(viFlat.has(`apiError.${code}`), code).toBe(true)
    }
  })

  it('has words for every status, event, actor, scan state, source and file error code', () => {
    const want: string[] = []
    for (const s of ['received', 'accepted', 'rejected', 'transferred', 'investigating', 'concluded', 'closed', 'appealed', 'withdrawn']) {
      want.push(`status.${s}`, `statusHelp.${s}`)
    }
    for (const e of ['submitted', 'message', 'evidence_added', 'withdrawn', 'other']) want.push(`timeline.${e}`)
    for (const a of ['citizen', 'staff', 'system']) want.push(`actor.${a}`)
    for (const f of ['citizen', 'staff']) want.push(`from.${f}`)
    for (const s of ['not_scanned', 'clean', 'infected', 'other']) want.push(`evidence.scan.${s}`)
    for (const s of ['report', 'message', 'addition']) want.push(`evidence.source.${s}`)
    for (const c of ['unsupported_type', 'too_large', 'too_many_pixels', 'too_many', 'other']) want.push(`files.serverError.${c}`)
    for (const c of ['too_many', 'too_large', 'total_too_large', 'unsupported_type', 'empty', 'duplicate']) want.push(`files.reject.${c}`)
    for (const k of ['feedback', 'complaint', 'denunciation']) want.push(`kinds.${k}`, `report.explain.kind.${k}`)
    for (const s of ['kind', 'what', 'where', 'evidence', 'identity']) want.push(`report.steps.${s}`)
    want.push('fieldError.contact', 'fieldError.file_errors', 'apiError.rateLimitedFor', 'track.tooMany')
    expect(want.filter((k) => !viFlat.has(k))).toEqual([])
  })

  it('has words for every clock, outcome, citizen event, extension and recommendation state', () => {
    const want: string[] = []
    for (const c of ['accept', 'notify', 'resolve']) {
      want.push(`trackClock.names.${c}`, `trackClock.done.${c}`, `trackClock.late.${c}`, `caseView.clock.names.${c}`)
    }
    for (const o of ['substantiated', 'partly_substantiated', 'unsubstantiated']) {
      want.push(`outcome.results.${o}`, `outcome.meaning.${o}`, `caseView.outcomes.${o}`)
    }
    for (const e of [
      'status_accepted',
      'status_rejected',
      'status_transferred',
      'status_investigating',
      'status_concluded',
      'status_closed',
      'status_appealed',
      'rated',
      'appealed',
      'deadline_extended',
    ]) {
      want.push(`timeline.${e}`)
    }
    for (const n of ['1', '2', '3', '4', '5']) want.push(`rating.words.${n}`)
    for (const k of ['complaint', 'denunciation', 'other']) want.push(`appeal.explain.${k}`)
    for (const x of ['pending', 'approved', 'refused']) want.push(`extensions.statuses.${x}`)
    for (const r of ['open', 'answered', 'overdue', 'all']) want.push(`recsPage.states.${r}`, `recsPage.none.${r}`)
    expect(want.filter((k) => !viFlat.has(k))).toEqual([])
  })

  it('renders through vue-i18n in both languages', () => {
    const i18n = createAppI18n('vi')
    const t = i18n.global.t
    expect(t('report.counter', { count: 3, max: 10000 })).toBe('Đã dùng 3 trên 10000 ký tự')
    i18n.global.locale.value = 'en'
    expect(t('report.counter', { count: 3, max: 10000 })).toBe('3 of 10000 characters used')
    expect(t('home.motto')).toBe('Dân biết, dân bàn, dân làm, dân kiểm tra')
    expect(t('track.tooMany', { seconds: 30 })).toBe('Too many attempts. Please try again in 30 seconds.')
    i18n.global.locale.value = 'vi'
    expect(t('track.tooMany', { seconds: 30 })).toBe('Bạn đã thử quá nhiều lần. Vui lòng thử lại sau 30 giây.')
  })
})

describe('locale persistence', () => {
  beforeEach(() => {
    localStorage.clear()
    document.documentElement.lang = ''
  })

  it('defaults to Vietnamese', () => {
    expect(DEFAULT_LOCALE).toBe('vi')
    expect(storedLocale()).toBe('vi')
    const i18n = createAppI18n()
    expect(i18n.global.locale.value).toBe('vi')
    expect(document.documentElement.lang).toBe('vi')
  })

  it('remembers the chosen language and sets <html lang>', () => {
    const i18n = createAppI18n()
    setLocale(i18n.global, 'en')
    expect(i18n.global.locale.value).toBe('en')
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en')
    expect(LOCALE_STORAGE_KEY).toBe('mb.locale')
    expect(document.documentElement.lang).toBe('en')

    // A new visit (a new i18n instance) starts in the remembered language.
    document.documentElement.lang = ''
    const again = createAppI18n()
    expect(again.global.locale.value).toBe('en')
    expect(document.documentElement.lang).toBe('en')
  })

  it('ignores an unknown stored value', () => {
    localStorage.setItem(LOCALE_STORAGE_KEY, 'fr')
    expect(storedLocale()).toBe('vi')
  })

  it('switches language from the header buttons', async () => {
    const i18n = createAppI18n()
    const w = mount(LanguageSwitch, { global: { plugins: [i18n] } })
    const viBtn = w.get('[data-testid="lang-vi"]')
    const enBtn = w.get('[data-testid="lang-en"]')
    expect(viBtn.attributes('aria-pressed')).toBe('true')
    expect(enBtn.attributes('aria-pressed')).toBe('false')
    expect(w.get('[role="group"]').attributes('aria-label')).toBe('Ngôn ngữ')

    await enBtn.trigger('click')
    expect(i18n.global.locale.value).toBe('en')
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    expect(enBtn.attributes('aria-pressed')).toBe('true')
    expect(w.get('[role="group"]').attributes('aria-label')).toBe('Language')

    await viBtn.trigger('click')
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('vi')
    expect(document.documentElement.lang).toBe('vi')
  })
})
