import { describe, expect, it } from 'vitest'
import { fileNameOf, queueQuery } from './staffApi'

describe('queue query', () => {
  it('leaves out empty filters and sends overdue only when asked', () => {
    expect(queueQuery()).toBe('')
    expect(queueQuery({ status: '', q: '  ', overdue: false })).toBe('')
    expect(queueQuery({ status: 'received', kind: 'complaint', overdue: true })).toBe('?status=received&kind=complaint&overdue=true')
    expect(queueQuery({ assignee: 'me', sort: '-submitted' })).toBe('?assignee=me&sort=-submitted')
  })

  it('encodes text and keeps the cursor and limit', () => {
    expect(queueQuery({ q: 'quầy 3 & 4', cursor: 'abc/=', limit: 20 })).toBe('?q=qu%E1%BA%A7y+3+%26+4&cursor=abc%2F%3D&limit=20')
    expect(queueQuery({ area: '26734', category: 'bribe', assignee: 'u1' })).toBe('?category=bribe&area=26734&assignee=u1')
    expect(queueQuery({ office: ' UBND phường ', q: 'quầy' })).toBe('?office=UBND+ph%C6%B0%E1%BB%9Dng&q=qu%E1%BA%A7y')
  })
})

describe('download file names', () => {
  it('reads RFC 6266 names, UTF-8 first', () => {
    expect(fileNameOf(null)).toBe('')
    expect(fileNameOf('attachment')).toBe('')
    expect(fileNameOf('attachment; filename="bien-lai.pdf"')).toBe('bien-lai.pdf')
    expect(fileNameOf('attachment; filename=anh.png')).toBe('anh.png')
    expect(fileNameOf("attachment; filename=\"ghi am.mp3\"; filename*=UTF-8''ghi%20%C3%A2m.mp3")).toBe('ghi âm.mp3')
    // A broken encoding falls back to the plain name.
    expect(fileNameOf("attachment; filename=\"x.pdf\"; filename*=UTF-8''%E0%A4%A.pdf")).toBe('x.pdf')
  })
})
