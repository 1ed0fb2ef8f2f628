import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime } from './format'

describe('dates', () => {
  it('writes a moment as dd/mm/yyyy and the time in Vietnam, "lúc" / "at"', () => {
    // 10:26 UTC is 17:26 in Vietnam.
    expect(formatDateTime('2026-12-04T10:26:00Z', 'vi')).toBe('04/12/2026 lúc 17:26')
    expect(formatDateTime('2026-12-04T10:26:00Z', 'en')).toBe('04/12/2026 at 17:26')
    // 18:30 UTC is already the next day in Vietnam, after midnight.
    expect(formatDateTime('2026-12-31T17:05:00Z', 'vi')).toBe('01/01/2027 lúc 00:05')
    expect(formatDateTime('not a date', 'vi')).toBe('not a date')
  })

  it('writes a day as dd/mm/yyyy, a calendar day as it is', () => {
    expect(formatDate('2026-09-02', 'vi')).toBe('02/09/2026')
    expect(formatDate('2026-09-02', 'en')).toBe('02/09/2026')
    expect(formatDate('2026-12-31T17:05:00Z', 'en')).toBe('01/01/2027')
  })
})
