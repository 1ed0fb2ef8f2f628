import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  addTrackAttachments,
  fetchReceiptPdf,
  newIdempotencyKey,
  parseError,
  parseRetryAfter,
  request,
  sendForm,
  sendTrackMessage,
  submitComplaint,
  type ComplaintInput,
} from './api'
import { FakeXHR, file } from './testing/fakeXhr'

describe('parseError', () => {
  it('reads code, message and fields from the error body', async () => {
    const res = new Response(
      JSON.stringify({ error: { code: 'invalid', message: 'bad', fields: { title: 'required', n: 3 } } }),
      { status: 400, headers: { 'Content-Type': 'application/json' } },
    )
    const e = await parseError(res)
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(400)
    expect(e.code).toBe('invalid')
    expect(e.message).toBe('bad')
    expect(e.fields).toEqual({ title: 'required' })
  })

  it('falls back to the status when the body is not the error shape', async () => {
    const e = await parseError(new Response('<html>bad gateway</html>', { status: 503 }))
    expect(e.code).toBe('unavailable')
    expect(e.fields).toEqual({})
    const e2 = await parseError(new Response('{"error":{"code":"weird"}}', { status: 429 }))
    expect(e2.code).toBe('rate_limited')
  })

  it('keeps the idempotency mismatch (422) apart from validation errors (400 invalid)', async () => {
    const mismatch = await parseError(
      new Response(JSON.stringify({ error: { code: 'idempotency_mismatch', message: 'key reused' } }), { status: 422 }),
    )
    expect(mismatch.code).toBe('idempotency_mismatch')
    expect((await parseError(new Response('', { status: 422 }))).code).toBe('idempotency_mismatch')
    const summary = await parseError(
      new Response(JSON.stringify({ error: { code: 'invalid', message: 'personal data', fields: { publicSummary: 'identity' } } }), {
        status: 400,
      }),
    )
    expect(summary.code).toBe('invalid')
    expect(summary.fields).toEqual({ publicSummary: 'identity' })
  })
})

describe('request', () => {
  it('turns a failed fetch into a network ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    await expect(request('GET', '/api/v1/meta')).rejects.toMatchObject({ code: 'network', status: 0 })
  })

  it('sends JSON with the given headers', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response('{"ok":true}', { status: 201 }))
    vi.stubGlobal('fetch', fetchMock)
    await expect(request('POST', '/x', { body: { a: 1 }, headers: { 'Idempotency-Key': 'k' } })).resolves.toEqual({
      ok: true,
    })
    const [, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(init.method).toBe('POST')
    expect(init.body).toBe('{"a":1}')
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'Idempotency-Key': 'k' })
  })
})

describe('newIdempotencyKey', () => {
  it('returns distinct UUID v4 strings, also without crypto.randomUUID', () => {
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    const a = newIdempotencyKey()
    expect(a).toMatch(re)
    expect(newIdempotencyKey()).not.toBe(a)
    const orig = crypto.randomUUID
    try {
      Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true })
      const b = newIdempotencyKey()
      expect(b).toMatch(re)
      expect(newIdempotencyKey()).not.toBe(b)
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: orig, configurable: true })
    }
  })
})

describe('Retry-After', () => {
  it('reads seconds or an HTTP date', () => {
    expect(parseRetryAfter('30')).toBe(30)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:42 GMT', now)).toBe(42)
  })

  it('is kept on the ApiError of a 429', async () => {
    const e = await parseError(
      new Response('{"error":{"code":"rate_limited","message":"slow"}}', { status: 429, headers: { 'Retry-After': '17' } }),
    )
    expect(e.code).toBe('rate_limited')
    expect(e.retryAfter).toBe(17)
  })
})

describe('multipart uploads', () => {
  beforeEach(() => {
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
  })

  const input: ComplaintInput = {
    kind: 'feedback',
    category: 'bribe',
    title: 'T',
    description: 'D',
    place: 'P',
    office: '',
    counter: '',
    procedure: '',
    dossierNumber: '',
    officials: '',
    language: 'vi',
    anonymous: true,
  }

  it('sends the report as a JSON part and one files part per file, with progress', async () => {
    const progress: { loaded: number; total: number }[] = []
    const p = submitComplaint(input, [file('a.png', 3, 'image/png'), file('b.pdf', 5)], 'key-1', { onProgress: (x) => progress.push(x) })
    const x = FakeXHR.last()
    expect(x.method).toBe('POST')
    expect(x.url).toBe('/api/v1/complaints')
    expect(x.headers['Idempotency-Key']).toBe('key-1')
    expect(x.headers['Content-Type']).toBeUndefined() // the browser sets it, with the boundary
    const part = x.body!.get('complaint') as Blob
    expect(part.type).toBe('application/json')
    expect(await x.jsonPart('complaint')).toEqual(input)
    expect(x.fileNames()).toEqual(['a.png', 'b.pdf'])
    x.progress(10, 40)
    x.reply(201, { trackingCode: 'MB-AAAA-BBBB', receipt: '1', token: 'tok' })
    await expect(p).resolves.toMatchObject({ trackingCode: 'MB-AAAA-BBBB', token: 'tok' })
    expect(progress).toEqual([{ loaded: 10, total: 40 }])
  })

  it('turns error answers into ApiError with fields and Retry-After, and a lost connection into network', async () => {
    const p1 = sendForm('/x', new FormData())
    FakeXHR.last().reply(400, { error: { code: 'invalid', message: 'bad', fields: { 'files[1]': 'unsupported_type' } } })
    await expect(p1).rejects.toMatchObject({ status: 400, code: 'invalid', fields: { 'files[1]': 'unsupported_type' } })

    const p2 = sendForm('/x', new FormData())
    FakeXHR.last().reply(429, { error: { code: 'rate_limited', message: 'slow' } }, { 'Retry-After': '9' })
    await expect(p2).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 9 })

    const p3 = sendForm('/x', new FormData())
    FakeXHR.last().reply(502, '<html>bad gateway</html>')
    await expect(p3).rejects.toMatchObject({ status: 502, code: 'internal' })

    const p4 = sendForm('/x', new FormData())
    FakeXHR.last().fail()
    await expect(p4).rejects.toMatchObject({ status: 0, code: 'network' })
  })

  it('sends a message as JSON without files and as multipart with them', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response('{"id":"m1"}', { status: 201 }))
    vi.stubGlobal('fetch', fetchMock)
    await sendTrackMessage('tok', 'Xin chào')
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(url).toBe('/api/v1/track/messages')
    expect(JSON.parse(init.body as string)).toEqual({ text: 'Xin chào' })
    expect(init.headers).toMatchObject({ Authorization: 'Bearer tok' })

    const p = sendTrackMessage('tok', 'Có tệp', [file('c.png', 4)])
    const x = FakeXHR.last()
    expect(x.url).toBe('/api/v1/track/messages')
    expect(x.headers.Authorization).toBe('Bearer tok')
    expect(await x.jsonPart('message')).toEqual({ text: 'Có tệp' })
    expect(x.fileNames()).toEqual(['c.png'])
    x.reply(201, { id: 'm2' })
    await expect(p).resolves.toEqual({ id: 'm2' })
  })

  it('adds evidence as multipart files with the citizen token', async () => {
    const p = addTrackAttachments('tok', [file('d.pdf', 4), file('e.pdf', 4)])
    const x = FakeXHR.last()
    expect(x.url).toBe('/api/v1/track/attachments')
    expect(x.headers.Authorization).toBe('Bearer tok')
    expect(x.fileNames()).toEqual(['d.pdf', 'e.pdf'])
    x.reply(201, { attachments: [] })
    await expect(p).resolves.toEqual({ attachments: [] })
  })
})

describe('fetchReceiptPdf', () => {
  it('asks for the PDF with the bearer token and returns the blob', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf' } }))
    vi.stubGlobal('fetch', fetchMock)
    const blob = await fetchReceiptPdf('tok')
    expect(await blob.text()).toBe('%PDF-1.7')
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(url).toBe('/api/v1/track/receipt.pdf')
    expect(init.headers).toMatchObject({ Authorization: 'Bearer tok', Accept: 'application/pdf' })
  })

  it('throws ApiError on 401', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('{"error":{"code":"unauthorized","message":"x"}}', { status: 401 })))
    await expect(fetchReceiptPdf('old')).rejects.toMatchObject({ status: 401, code: 'unauthorized' })
  })
})
