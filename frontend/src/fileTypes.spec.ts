import { describe, expect, it } from 'vitest'
import { DEFAULT_ALLOWED_TYPES } from './api'
import { fileTypeName } from './fileTypes'
import { createAppI18n } from './i18n'

function tr(locale: 'vi' | 'en') {
  const g = createAppI18n(locale).global
  return (k: string, named?: Record<string, unknown>) => (named ? g.t(k, named) : g.t(k))
}

describe('fileTypeName', () => {
  it('names the common types in both languages', () => {
    expect(fileTypeName(tr('vi'), 'application/pdf')).toBe('Tài liệu PDF')
    expect(fileTypeName(tr('en'), 'application/pdf')).toBe('PDF document')
    expect(fileTypeName(tr('en'), 'IMAGE/JPEG; charset=binary')).toBe('JPEG image')
  })

  it('has a name, not a technical type, for every type the portal accepts', () => {
    for (const locale of ['vi', 'en'] as const) {
      for (const { mime } of DEFAULT_ALLOWED_TYPES) {
        const name = fileTypeName(tr(locale), mime)
        expect(name, mime).not.toContain('/')
      }
    }
  })

  it('says the family of other images, sounds and videos, and keeps the type of anything else', () => {
    expect(fileTypeName(tr('vi'), 'image/heic')).toBe('Ảnh HEIC')
    expect(fileTypeName(tr('vi'), 'image/gif')).toBe('Ảnh (image/gif)')
    expect(fileTypeName(tr('en'), 'application/zip')).toBe('Other file (application/zip)')
    expect(fileTypeName(tr('en'), '')).toBe('Unknown')
  })
})
