// The browser's side of the portal's admission control (docs/privacy.md,
// "Admission control"): before filing, appealing or opening a tracking
// session, fetch a challenge and find a nonce such that SHA-256 of
// "<challenge>:<nonce>" starts with `bits` zero bits. SHA-256 is computed
// here in plain TypeScript (crypto.subtle's one promise per hash would be
// tens of times slower), in slices that yield to the page so that it stays
// responsive and can show progress.

import { request } from './api'

/** The answer of POST /api/v1/challenges. */
export interface Challenge {
  challenge: string
  bits: number
  expiresAt?: string
}

/** The header that carries a solution. */
export const POW_HEADER = 'X-Portal-PoW'

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

const W = new Uint32Array(64)
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

/** compress runs one 64-byte block of buf, from off, into h. */
function compress(h: Uint32Array, buf: Uint8Array, off: number) {
  for (let i = 0; i < 16; i++, off += 4) W[i] = (buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15]!, b = W[i - 2]!
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3)
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10)
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0
  }
  h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0
  h[4] = (h[4]! + e) | 0; h[5] = (h[5]! + f) | 0; h[6] = (h[6]! + g) | 0; h[7] = (h[7]! + k) | 0
}

/** digest hashes the first len bytes of buf, which has room for the padding (it is overwritten). */
function digest(h: Uint32Array, buf: Uint8Array, len: number): Uint32Array {
  const total = ((len + 9 + 63) >> 6) << 6
  buf[len] = 0x80
  buf.fill(0, len + 1, total - 4)
  const bitLen = len * 8
  buf[total - 4] = bitLen >>> 24; buf[total - 3] = (bitLen >>> 16) & 0xff; buf[total - 2] = (bitLen >>> 8) & 0xff; buf[total - 1] = bitLen & 0xff
  h.set(IV)
  for (let off = 0; off < total; off += 64) compress(h, buf, off)
  return h
}

/** sha256 returns the SHA-256 digest of bytes as eight big-endian words. */
export function sha256(bytes: Uint8Array): Uint32Array {
  const buf = new Uint8Array((((bytes.length + 9 + 63) >> 6) << 6))
  buf.set(bytes)
  return digest(new Uint32Array(8), buf, bytes.length)
}

/** leadingZeroBits counts the zero bits at the start of a digest. */
export function leadingZeroBits(h: Uint32Array): number {
  let n = 0
  for (const w of h) {
    if (w !== 0) return n + Math.clz32(w)
    n += 32
  }
  return n
}

/**
 * solve finds a nonce for challenge. onProgress hears the share of the
 * expected work done so far (it may pass 1 on an unlucky draw). It works in
 * slices of about sliceMs and yields to the page between them.
 */
export async function solve(challenge: string, bits: number, onProgress?: (share: number) => void, sliceMs = 40): Promise<string> {
  const prefix = new TextEncoder().encode(`${challenge}:`)
  const buf = new Uint8Array((((prefix.length + 16 + 9 + 63) >> 6) << 6))
  buf.set(prefix)
  const h = new Uint32Array(8)
  const expected = 2 ** bits
  for (let n = 0; ; ) {
    const until = Date.now() + sliceMs
    do {
      for (const end = n + 256; n < end; n++) {
        // The nonce's decimal digits, written in place after the prefix.
        let len = prefix.length
        const digits = String(n)
        for (let i = 0; i < digits.length; i++) buf[len++] = digits.charCodeAt(i)
        if (leadingZeroBits(digest(h, buf, len)) >= bits) return digits
      }
    } while (Date.now() < until)
    onProgress?.(n / expected)
    await new Promise((r) => setTimeout(r, 0))
  }
}

/**
 * proofOfWork fetches a challenge and solves it, returning the header to
 * send with the write (none when the portal requires no work).
 */
export async function proofOfWork(onProgress?: (share: number) => void): Promise<Record<string, string>> {
  const ch = await request<Challenge>('POST', '/api/v1/challenges')
  if (!ch.challenge || !(ch.bits > 0)) return {}
  onProgress?.(0)
  const nonce = await solve(ch.challenge, ch.bits, onProgress)
  return { [POW_HEADER]: `${ch.challenge}:${nonce}` }
}
