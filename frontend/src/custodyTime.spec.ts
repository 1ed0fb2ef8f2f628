import { describe, expect, it } from 'vitest'
import { createAppI18n } from './i18n'
import { minutesLeft, timeLeftText } from './custodyTime'

const t = (locale: 'vi' | 'en') => {
  const g = createAppI18n(locale).global
  return (key: string, named?: Record<string, unknown>) => g.t(key, named ?? {})
}

describe('custody time left', () => {
  const now = Date.parse('2026-03-01T10:00:00Z')

  it('counts whole minutes to the end of the grant, never below zero', () => {
    expect(minutesLeft('2026-03-01T14:00:00Z', now)).toBe(240)
    expect(minutesLeft('2026-03-01T10:01:59Z', now)).toBe(1)
    expect(minutesLeft('2026-03-01T10:00:30Z', now)).toBe(0)
    expect(minutesLeft('2026-03-01T09:00:00Z', now)).toBe(0)
    expect(minutesLeft(undefined, now)).toBeNull()
    expect(minutesLeft('not a time', now)).toBeNull()
  })

  it('says it in Vietnamese and English', () => {
    expect(timeLeftText(t('vi'), 245)).toBe('4 giờ 05 phút')
    expect(timeLeftText(t('en'), 245)).toBe('4 h 05 min')
    expect(timeLeftText(t('vi'), 12)).toBe('12 phút')
    expect(timeLeftText(t('en'), 12)).toBe('12 min')
    expect(timeLeftText(t('vi'), 0)).toBe('dưới một phút')
    expect(timeLeftText(t('en'), 0)).toBe('less than a minute')
  })
})
