import { describe, expect, it } from 'vitest'
import { createAppI18n } from './i18n'
import { receiptFileName, secretCardFileName, secretCardText, type Translate } from './receiptDownload'

const i18n = createAppI18n('en')
const tr: Translate = (key, locale, params) => i18n.global.t(key, params ?? {}, { locale })

describe('the secret card', () => {
  const text = secretCardText({ trackingCode: 'MB-7K3M-9QX2', receipt: '1234-5678-9012-3456' }, 'https://minhbach.example/track', tr)

  it('holds both codes, labelled in Vietnamese and English', () => {
    expect(text).toContain('Mã theo dõi / Tracking code: MB-7K3M-9QX2\n')
    expect(text).toContain('Mã bí mật / Secret code: 1234-5678-9012-3456\n')
    expect(text).toContain('Mở đơn tại / Open your report at: https://minhbach.example/track\n')
  })

  it('warns first, in both languages, not to share it, and that it is not the proof of filing', () => {
    const lines = text.split('\n')
    expect(lines[0]).toBe('MINH BẠCH - THẺ MÃ BÍ MẬT / MINH BẠCH - SECRET CODE CARD')
    expect(lines[2]).toMatch(/^KHÔNG CHIA SẺ\. Ai có cả hai mã này/)
    expect(lines[3]).toMatch(/^DO NOT SHARE\. Anyone with both codes can read your report and act on it/)
    expect(text.indexOf('DO NOT SHARE')).toBeLessThan(text.indexOf('1234-5678-9012-3456'))
    expect(text).toContain('This card is not the proof of filing.')
    expect(text).toContain('Thẻ này không phải giấy xác nhận đã gửi.')
  })

  it('is named so that the file name says what it holds, apart from the proof of filing', () => {
    expect(secretCardFileName('MB-7K3M-9QX2')).toBe('minh-bach-ma-bi-mat-MB-7K3M-9QX2.txt')
    expect(receiptFileName('MB-7K3M-9QX2')).toBe('minh-bach-MB-7K3M-9QX2.pdf')
  })
})
