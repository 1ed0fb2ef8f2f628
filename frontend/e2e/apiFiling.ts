import { createHash, randomUUID } from 'node:crypto'
import { expect, type APIRequestContext } from '@playwright/test'

// Filing reports through the API, as the specs that need many reports do:
// with the proof of work the browser solves (src/pow.ts), and, when a
// filing is refused for its rate (the specs file from one address), again
// once allowed.

/** proofOfWork asks for a challenge and solves it, as the filing form does; nothing when the server asks none. */
export async function proofOfWork(request: APIRequestContext): Promise<Record<string, string>> {
  const res = await request.post('/api/v1/challenges')
  expect(res.status(), await res.text()).toBe(200)
  const { challenge, bits } = (await res.json()) as { challenge: string; bits: number }
  if (!challenge || !(bits > 0)) return {}
  for (let n = 0; ; n++) {
    const h = createHash('sha256').update(`${challenge}:${n}`).digest()
    let zero = 0
    for (const b of h) {
      if (b === 0) {
        zero += 8
        continue
      }
      zero += Math.clz32(b) - 24
      break
    }
    if (zero >= bits) return { 'X-Portal-PoW': `${challenge}:${n}` }
  }
}

/** fileThroughApi files a report (the form's JSON) and expects 201; a filing refused for its rate is sent again when allowed, at most five times. */
export async function fileThroughApi(request: APIRequestContext, complaint: object): Promise<void> {
  const key = randomUUID()
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = await request.post('/api/v1/complaints', {
      headers: { 'Idempotency-Key': key, ...(await proofOfWork(request)) },
      multipart: { complaint: { name: 'complaint.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(complaint)) } },
    })
    if (res.status() === 429) {
      await new Promise((r) => setTimeout(r, (Number(res.headers()['retry-after'] ?? 10) + 1) * 1000))
      continue
    }
    expect(res.status(), await res.text()).toBe(201)
    return
  }
  throw new Error('filing refused for its rate five times')
}
