import { describe, expect, it, vi } from 'vitest'
import { ApiError, newIdempotencyKey, parseError, request } from './api'

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
