import { describe, expect, it, vi } from 'vitest'
import { leadingZeroBits, proofOfWork, sha256, solve, POW_HEADER } from './pow'
import { fakeApi } from './testing/fakeApi'

const hex = (h: Uint32Array) => Array.from(h, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('')
const enc = (s: string) => new TextEncoder().encode(s)

describe('sha256', () => {
  it('matches the standard test vectors', () => {
    expect(hex(sha256(enc('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(hex(sha256(enc('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(hex(sha256(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
    expect(hex(sha256(enc('a'.repeat(1000))))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3')
  })

  it('counts leading zero bits', () => {
    expect(leadingZeroBits(new Uint32Array([0x80000000, 0]))).toBe(0)
    expect(leadingZeroBits(new Uint32Array([0, 0x00010000]))).toBe(47)
  })
})

describe('solve', () => {
  it('finds a nonce with the required zero bits and reports progress', async () => {
    const progress = vi.fn()
    const nonce = await solve('v1.10.1.abc.mac', 10, progress, 0)
    expect(leadingZeroBits(sha256(enc(`v1.10.1.abc.mac:${nonce}`)))).toBeGreaterThanOrEqual(10)
    expect(progress).toHaveBeenCalled()
  })
})

describe('proofOfWork', () => {
  it('fetches a challenge and returns the solved header', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/challenges', 200, { challenge: 'v1.8.9.xyz.mac', bits: 8 })
    const h = await proofOfWork()
    const [challenge, nonce] = h[POW_HEADER]!.split(':')
    expect(challenge).toBe('v1.8.9.xyz.mac')
    expect(leadingZeroBits(sha256(enc(`v1.8.9.xyz.mac:${nonce}`)))).toBeGreaterThanOrEqual(8)
  })

  it('sends nothing when the portal requires no work', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/challenges', 200, { challenge: '', bits: 0 })
    expect(await proofOfWork()).toEqual({})
  })
})
