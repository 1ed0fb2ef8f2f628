import { createI18n } from 'vue-i18n'
import type { Locale } from './api'
import vi from './locales/vi'
import en from './locales/en'

export type MessageSchema = typeof vi

/** The localStorage key that remembers the visitor's language. */
export const LOCALE_STORAGE_KEY = 'mb.locale'
export const DEFAULT_LOCALE: Locale = 'vi'
export const LOCALES: readonly Locale[] = ['vi', 'en']

/** The language names, each written in its own language. */
export const LOCALE_NAMES: Record<Locale, string> = { vi: 'Tiếng Việt', en: 'English' }

export const messages: Record<Locale, MessageSchema> = { vi, en }

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage
  } catch {
    // Blocked storage (privacy settings) throws on access.
    return undefined
  }
}

/** storedLocale returns the remembered language, or the default when none (or garbage) is stored. */
export function storedLocale(): Locale {
  try {
    const v = storage()?.getItem(LOCALE_STORAGE_KEY)
    return isLocale(v) ? v : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export function createAppI18n(locale: Locale = storedLocale()) {
  const i18n = createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages,
    // Messages are compiled to an AST and evaluated without eval or new Function,
    // so they run under the portal's script-src 'self' policy.
    missingWarn: import.meta.env.DEV,
    fallbackWarn: import.meta.env.DEV,
  })
  applyDocumentLocale(locale)
  return i18n
}

export type AppI18n = ReturnType<typeof createAppI18n>

/** applyDocumentLocale sets <html lang>, so screen readers and hyphenation use the right language. */
export function applyDocumentLocale(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

/** A composer (i18n.global, or useI18n() in a component) whose language can be switched. */
export interface LocaleTarget {
  locale: { value: string }
}

/** setLocale switches the language, remembers it and updates <html lang>. */
export function setLocale(target: LocaleTarget, locale: Locale): void {
  target.locale.value = locale
  try {
    storage()?.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // Storage full or blocked: the switch still works for this visit.
  }
  applyDocumentLocale(locale)
}
