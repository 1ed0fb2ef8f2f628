import { describe, expect, it } from 'vitest'
import { areaName, categoryName, excerpt, EXCERPT_CHARS, outcomeAnchor } from './publishedOutcomes'
import { testMeta } from './testing/meta'

describe('published outcomes in words', () => {
  it('names the codes the feed publishes from /meta, and shows an unknown code as it is', () => {
    expect(categoryName(testMeta, 'bribe', 'vi')).toBe('Đòi tiền, “bồi dưỡng”')
    expect(categoryName(testMeta, 'bribe', 'en')).toBe('Bribe or “fee” demanded')
    expect(categoryName(testMeta, 'gone', 'vi')).toBe('gone')
    expect(categoryName(null, 'bribe', 'vi')).toBe('bribe')
    expect(areaName(testMeta, '26734', 'vi')).toBe('Phường Sài Gòn, Thành phố Hồ Chí Minh')
    expect(areaName(testMeta, '79', 'en')).toBe('Ho Chi Minh City')
    expect(areaName(testMeta, '99999', 'vi')).toBe('99999')
    expect(areaName(testMeta, undefined, 'vi')).toBe('')
  })

  it('anchors an outcome by its id, safe for a fragment', () => {
    expect(outcomeAnchor('665f1c2ab3')).toBe('outcome-665f1c2ab3')
    expect(outcomeAnchor('a b/"c')).toBe('outcome-a-b--c')
  })
})

describe('excerpt', () => {
  it('keeps a short summary whole, its line breaks as spaces', () => {
    expect(excerpt('Cán bộ quầy 3 bị kỷ luật.\n\nĐã trả lại tiền.')).toEqual({ text: 'Cán bộ quầy 3 bị kỷ luật. Đã trả lại tiền.', cut: false })
    const exact = 'ạ'.repeat(EXCERPT_CHARS)
    expect(excerpt(exact)).toEqual({ text: exact, cut: false })
  })

  it('cuts a long summary on a word, with an ellipsis, counting Vietnamese letters as one character each', () => {
    const words = 'Đoàn thanh tra đã xác minh và kết luận rằng cán bộ tiếp nhận hồ sơ đòi tiền.'
    const long = `${words} ${words} ${words}`
    const e = excerpt(long, 100)
    expect(e.cut).toBe(true)
    expect(e.text.endsWith('…')).toBe(true)
    expect(Array.from(e.text).length).toBeLessThanOrEqual(101)
    expect(long.startsWith(e.text.slice(0, -1))).toBe(true)
    // On a word: what precedes the ellipsis ends a word of the summary.
    const head = e.text.slice(0, -1)
    expect(long[head.length]).toBe(' ')
    // Trailing punctuation is not left before the ellipsis.
    expect(excerpt('Một hai ba, bốn năm sáu bảy tám chín mười', 13).text).toBe('Một hai ba…')
  })

  it('cuts one very long word where it must', () => {
    const e = excerpt(`Mã ${'x'.repeat(300)}`, 50)
    expect(e.text).toBe(`Mã ${'x'.repeat(47)}…`)
  })
})
