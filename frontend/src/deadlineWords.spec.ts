import { describe, expect, it } from 'vitest'
import { createAppI18n } from './i18n'
import { deadlineLines } from './deadlineWords'
import { policy, testMeta } from './testing/meta'

const words = (locale: 'vi' | 'en', p = testMeta.deadlines![0]!) => {
  const g = createAppI18n(locale).global
  return deadlineLines((k, n) => g.t(k, n ?? {}), p).map((l) => `${l.key}: ${l.text}`)
}

describe('deadline policies in plain words', () => {
  it('says feedback is acknowledged and resolved in working days, counted from receipt', () => {
    expect(words('en')).toEqual([
      'accept: Acknowledgement: within 2 working days of receipt.',
      'resolve: Resolution: within 10 working days of receipt.',
    ])
    expect(words('vi')).toEqual([
      'accept: Xác nhận đã nhận đơn: trong 2 ngày làm việc kể từ khi nhận.',
      'resolve: Giải quyết: trong 10 ngày làm việc kể từ khi nhận.',
    ])
  })

  it('gives a complaint its calendar-day periods and every longer variant', () => {
    expect(words('en', testMeta.deadlines![1])).toEqual([
      'accept: Decision to accept it for handling, or not: within 10 calendar days of receipt.',
      'resolve: Resolution: within 30 calendar days of acceptance.',
      'longer: Longer resolution periods: 45 calendar days if the case is complex; 45 calendar days in a remote area; ' +
        '60 calendar days in a remote area if the case is complex; 45 calendar days for a second round; ' +
        '60 calendar days for a complex second round; 60 calendar days for a second round in a remote area; ' +
        '70 calendar days for a complex second round in a remote area.',
    ])
  })

  it('gives a denunciation its notice period and its extensions', () => {
    expect(words('en', testMeta.deadlines![2])).toEqual([
      'accept: Decision to accept it for handling, or not: within 7 working days of receipt.',
      'notify: Notice that it was accepted: within 5 working days of acceptance.',
      'resolve: Resolution: within 30 calendar days of acceptance.',
      'extensions: The resolution deadline can be extended up to 2 times, by up to 30 calendar days each time.',
    ])
    expect(words('vi', testMeta.deadlines![2])).toContain(
      'extensions: Thời hạn giải quyết có thể được gia hạn tối đa 2 lần, mỗi lần không quá 30 ngày theo lịch.',
    )
  })

  it('follows an edited policy: singular days, one extension, no longer periods', () => {
    const p = policy({ kind: 'denunciation', acceptDays: 1, acceptWorkingDays: true, resolveDays: 20, maxExtensions: 1, extensionDays: 1 })
    expect(words('en', p)).toEqual([
      'accept: Decision to accept it for handling, or not: within 1 working day of receipt.',
      'resolve: Resolution: within 20 calendar days of acceptance.',
      'extensions: The resolution deadline can be extended once, by up to 1 calendar day.',
    ])
  })
})
