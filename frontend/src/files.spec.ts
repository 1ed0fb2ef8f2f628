import { describe, expect, it } from 'vitest'
import {
  acceptAttribute,
  allowedExtensionsText,
  checkFiles,
  extensionOf,
  fileProgress,
  isAllowedType,
  normalizeAllowedTypes,
} from './files'
import { formatBytes, shortHash, todayInVietnam } from './format'
import { file } from './testing/fakeXhr'

const allowed = normalizeAllowedTypes(undefined)
const limits = { maxFiles: 3, maxFileBytes: 1000, maxTotalBytes: 2500 }

describe('allowed types', () => {
  it('defaults to the types of the design and reads the backend’s list in any spelling', () => {
    expect(allowedExtensionsText(allowed)).toBe('JPG, JPEG, PNG, WEBP, PDF, DOCX, XLSX, MP3, M4A, MP4')
    const fromServer = normalizeAllowedTypes([
      { mime: 'image/png', ext: '.PNG' },
      { mime: 'image/jpeg', ext: 'jpg, .jpe' },
    ])
    // "jpeg" is added: the backend names one extension per type, files carry both.
    expect(fromServer.map((a) => a.ext)).toEqual(['png', 'jpg', 'jpeg', 'jpe'])
    expect(acceptAttribute(fromServer)).toBe('.png,.jpg,.jpeg,.jpe,image/png,image/jpeg')
    expect(isAllowedType({ name: 'anh.jpeg', type: '' }, normalizeAllowedTypes([{ mime: 'image/jpeg', ext: 'jpg' }]))).toBe(true)
  })

  it('judges by extension or by MIME hint', () => {
    expect(extensionOf('Biên bản.PDF')).toBe('pdf')
    expect(extensionOf('.hidden')).toBe('')
    expect(extensionOf('noext')).toBe('')
    expect(isAllowedType({ name: 'a.JPG', type: '' }, allowed)).toBe(true)
    expect(isAllowedType({ name: 'ghi-am.m4a', type: 'audio/x-m4a' }, allowed)).toBe(true)
    expect(isAllowedType({ name: 'scan', type: 'application/pdf' }, allowed)).toBe(true)
    expect(isAllowedType({ name: 'scan', type: '' }, allowed)).toBe(false)
    expect(isAllowedType({ name: 'anh.jfif', type: 'image/jpeg' }, allowed)).toBe(true)
    expect(isAllowedType({ name: 'virus.exe', type: 'application/x-msdownload' }, allowed)).toBe(false)
    expect(isAllowedType({ name: 'photo.heic', type: 'image/heic' }, allowed)).toBe(false)
  })
})

describe('checkFiles', () => {
  it('accepts files within the limits', () => {
    const r = checkFiles([], [file('a.png', 10), file('b.pdf', 1000)], limits, allowed)
    expect(r.accepted.map((f) => f.name)).toEqual(['a.png', 'b.pdf'])
    expect(r.rejected).toEqual([])
  })

  it('refuses a wrong type, an empty file and a file over the per-file limit', () => {
    const r = checkFiles([], [file('x.exe', 10), file('empty.png', 0), file('big.mp4', 1001), file('ok.docx', 5)], limits, allowed)
    expect(r.accepted.map((f) => f.name)).toEqual(['ok.docx'])
    expect(r.rejected.map((x) => [x.file.name, x.reason])).toEqual([
      ['x.exe', 'unsupported_type'],
      ['empty.png', 'empty'],
      ['big.mp4', 'too_large'],
    ])
  })

  it('refuses files beyond the count, counting the ones already chosen', () => {
    const existing = [file('1.png', 10), file('2.png', 10)]
    const r = checkFiles(existing, [file('3.png', 10), file('4.png', 10), file('5.png', 10)], limits, allowed)
    expect(r.accepted.map((f) => f.name)).toEqual(['3.png'])
    expect(r.rejected.map((x) => x.reason)).toEqual(['too_many', 'too_many'])
  })

  it('refuses a file that would take the total over the report limit, but takes a smaller one after it', () => {
    const existing = [file('1.pdf', 1000), file('2.pdf', 1000)]
    const r = checkFiles(existing, [file('3.pdf', 600), file('4.pdf', 500)], { ...limits, maxFiles: 10 }, allowed)
    expect(r.rejected.map((x) => [x.file.name, x.reason])).toEqual([['3.pdf', 'total_too_large']])
    expect(r.accepted.map((f) => f.name)).toEqual(['4.pdf'])
  })

  it('refuses the same file twice', () => {
    const a = file('a.png', 10)
    const r = checkFiles([a], [file('a.png', 10)], limits, allowed)
    expect(r.rejected.map((x) => x.reason)).toEqual(['duplicate'])
  })
})

describe('fileProgress', () => {
  it('splits the bytes sent among the files in order, after the non-file overhead', () => {
    // 100 bytes of JSON part and part headers, then files of 200, 100 and 300 bytes.
    const sizes = [200, 100, 300]
    const total = 700
    expect(fileProgress(sizes, 0, total)).toEqual([0, 0, 0])
    expect(fileProgress(sizes, 100, total)).toEqual([0, 0, 0])
    expect(fileProgress(sizes, 200, total)).toEqual([0.5, 0, 0])
    expect(fileProgress(sizes, 350, total)).toEqual([1, 0.5, 0])
    expect(fileProgress(sizes, 550, total)).toEqual([1, 1, 0.5])
    expect(fileProgress(sizes, 700, total)).toEqual([1, 1, 1])
  })

  it('counts the files only when the total is unknown, and never goes past 1', () => {
    expect(fileProgress([10, 30], 20, 0)).toEqual([1, 10 / 30])
    expect(fileProgress([10, 30], 999, 0)).toEqual([1, 1])
    expect(fileProgress([], 5, 10)).toEqual([])
  })

  it('marks an empty file done once the bytes before it are sent', () => {
    expect(fileProgress([10, 0, 10], 9, 20)).toEqual([0.9, 0, 0])
    expect(fileProgress([10, 0, 10], 10, 20)).toEqual([1, 1, 0])
  })
})

describe('format', () => {
  it('formats sizes, hashes and Vietnam’s date', () => {
    expect(formatBytes(512, 'en')).toBe('512 B')
    expect(formatBytes(1536, 'en')).toBe('1.5 KB')
    expect(formatBytes(1536, 'vi')).toBe('1,5 KB')
    expect(formatBytes(25 << 20, 'en')).toBe('25 MB')
    expect(shortHash('a'.repeat(8) + 'b'.repeat(52) + 'cdef')).toBe('aaaaaaaa…cdef')
    expect(shortHash('abc')).toBe('abc')
    // 18:00 UTC on 31 December is already 1 January in Vietnam (UTC+7).
    expect(todayInVietnam(new Date('2025-12-31T18:00:00Z'))).toBe('2026-01-01')
  })
})
