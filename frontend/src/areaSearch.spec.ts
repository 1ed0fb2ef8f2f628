import { describe, expect, it } from 'vitest'
import { fold, matchesArea, sortAreas } from './areaSearch'

const area = (vi: string, en = '') => ({ code: vi, parent: '79', level: 'commune', name: { vi, en } })
const names = (xs: { name: { vi: string; en: string } }[], l: 'vi' | 'en' = 'vi') => xs.map((x) => (l === 'vi' ? x.name.vi : x.name.en))

describe('the area picker', () => {
  it('folds case and diacritics, đ included', () => {
    expect(fold('  Phường   Tân Định ')).toBe('phuong tan dinh')
    expect(fold('ĐẶC KHU Côn Đảo')).toBe('dac khu con dao')
  })

  it('finds "Phường 1" by typing "phuong 1", and a name by any of its words, without accents', () => {
    const p1 = area('Phường 1', 'Ward 1')
    const td = area('Phường Tân Định', 'Tan Dinh Ward')
    expect(matchesArea(p1, 'phuong 1')).toBe(true)
    expect(matchesArea(td, 'phuong 1')).toBe(false)
    expect(matchesArea(td, 'tan dinh')).toBe(true)
    expect(matchesArea(td, 'Định')).toBe(true)
    expect(matchesArea(td, 'dinh tan')).toBe(true)
    expect(matchesArea(td, 'tan dinh ward')).toBe(true) // the English name
    expect(matchesArea(td, 'ben thanh')).toBe(false)
    expect(matchesArea(td, '   ')).toBe(true)
  })

  it('sorts the Vietnamese way, by the place’s own name and numbers by value', () => {
    const list = [
      area('Xã Củ Chi', 'Cu Chi Commune'),
      area('Phường 10', 'Ward 10'),
      area('Đặc khu Côn Đảo', 'Con Dao Special Zone'),
      area('Phường Đức Nhuận', 'Duc Nhuan Ward'),
      area('Phường Dĩ An', 'Di An Ward'),
      area('Phường 2', 'Ward 2'),
      area('Phường An Lạc', 'An Lac Ward'),
      area('Phường Bến Thành', 'Ben Thanh Ward'),
      area('Phường Bàn Cờ', 'Ban Co Ward'),
    ]
    // Numbers first, by value; Bàn before Bến; C (Côn, Củ) before D; D (Dĩ) before Đ (Đức).
    expect(names(sortAreas(list, 'vi'))).toEqual([
      'Phường 2',
      'Phường 10',
      'Phường An Lạc',
      'Phường Bàn Cờ',
      'Phường Bến Thành',
      'Đặc khu Côn Đảo',
      'Xã Củ Chi',
      'Phường Dĩ An',
      'Phường Đức Nhuận',
    ])
    expect(names(sortAreas(list, 'en'), 'en').slice(0, 4)).toEqual(['An Lac Ward', 'Ban Co Ward', 'Ben Thanh Ward', 'Con Dao Special Zone'])
  })
})
