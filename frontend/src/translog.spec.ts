// @vitest-environment node
import { describe, expect, it } from 'vitest'
import vectors from './testdata/translog-vectors.json'
import {
  EMPTY_ROOT_HEX,
  LogError,
  bytesToHex,
  decodeBase64,
  encodeBase64,
  hexToBytes,
  leafHash,
  loggedEventCount,
  nodeHash,
  openCheckpoint,
  parseCheckpoint,
  parseEntry,
  parseVerifierKey,
  reportCommitment,
  sha256,
  verifyConsistency,
  verifyInclusion,
  verifyReportInclusion,
} from './translog'

// The vectors are computed, accepted and refused by the Go package
// internal/translog (internal/translog/vectors_test.go).

const root = hexToBytes(vectors.root)
const size = vectors.size
const proofOf = (i: number) => vectors.entries[i]!.proof.map(hexToBytes)

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(LogError)
    return (e as Error).message
  }
  throw new Error('accepted')
}

/** flip changes one bit of a copy of b. */
function flip(b: Uint8Array, i = 0): Uint8Array<ArrayBuffer> {
  const c = new Uint8Array(b)
  c[i] = c[i]! ^ 1
  return c
}

describe('hashing', () => {
  it('hashes leaves and nodes as RFC 6962 does', async () => {
    expect(bytesToHex(await sha256())).toBe(EMPTY_ROOT_HEX)
    expect(EMPTY_ROOT_HEX).toBe(vectors.emptyRoot)
    for (const e of vectors.entries) expect(bytesToHex(await leafHash(e.entry))).toBe(e.leafHash)
    // The root of the first two entries, by hand, is the root of the size-2 tree.
    const two = await nodeHash(hexToBytes(vectors.entries[0]!.leafHash), hexToBytes(vectors.entries[1]!.leafHash))
    expect(bytesToHex(two)).toBe(vectors.consistency[2]!.fromRoot)
    // Domain separation: a leaf is not a node of the same bytes.
    const l = hexToBytes(vectors.entries[0]!.leafHash)
    expect(bytesToHex(await leafHash(new Uint8Array([...l, ...l])))).not.toBe(bytesToHex(await nodeHash(l, l)))
  })

  it('decodes base64 as Go does', () => {
    expect(decodeBase64('', false)).toEqual(new Uint8Array())
    expect(decodeBase64('AQ==', true)).toEqual(new Uint8Array([1]))
    expect(decodeBase64('AR==', false)).toEqual(new Uint8Array([1])) // unused bits: Go's non-strict decoder allows them
    expect(decodeBase64('AR==', true)).toBeNull()
    for (const bad of ['AQ', 'AQ=', 'A===', '====', 'AQ==AQ==', 'A Q==', '-_8=', 'AQ==\n']) expect(decodeBase64(bad, false)).toBeNull()
    expect(encodeBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=')
  })
})

describe('inclusion proofs', () => {
  it('verifies every entry of the Go log', async () => {
    for (const e of vectors.entries) {
      expect(await verifyInclusion(e.proof.map(hexToBytes), e.index, size, await leafHash(e.entry), root)).toBe(true)
    }
  })

  it('refuses an altered entry, index, proof, root or size', async () => {
    for (const e of vectors.entries) {
      const leaf = await leafHash(e.entry)
      const proof = e.proof.map(hexToBytes)
      const i = e.index
      expect(await verifyInclusion(proof, i, size, await leafHash(e.entry + ' '), root)).toBe(false)
      expect(await verifyInclusion(proof, i, size, flip(leaf), root)).toBe(false)
      expect(await verifyInclusion(proof, i, size, leaf, flip(root, 31))).toBe(false)
      for (const j of [i - 1, i + 1, i ^ 1, i + size]) expect(await verifyInclusion(proof, j, size, leaf, root)).toBe(false)
      // A size that changes the path refuses the proof. (Sizes whose tree
      // has the same path to this entry accept it, in Go as here: the
      // checkpoint's signature binds the root to its size.)
      for (const s of [2 * size, i, i > 0 ? 1 : 0]) expect(await verifyInclusion(proof, i, s, leaf, root)).toBe(false)
      for (let k = 0; k < proof.length; k++) {
        const p = proof.slice()
        p[k] = flip(p[k]!, 7)
        expect(await verifyInclusion(p, i, size, leaf, root)).toBe(false)
      }
      expect(await verifyInclusion(proof.slice(0, -1), i, size, leaf, root)).toBe(false)
      expect(await verifyInclusion([...proof, proof[0]!], i, size, leaf, root)).toBe(false)
      expect(await verifyInclusion(proof.slice().reverse(), i, size, leaf, root)).toBe(proof.length < 2)
      // Another entry's proof does not show this one.
      const other = vectors.entries[(i + 1) % size]!
      expect(await verifyInclusion(other.proof.map(hexToBytes), other.index, size, leaf, root)).toBe(false)
    }
    const leaf = await leafHash(vectors.entries[0]!.entry)
    for (const [i, s] of [[-1, size], [0.5, size], [0, 0], [Number.NaN, size], [2 ** 53, 2 ** 53 + 2]] as const) {
      expect(await verifyInclusion(proofOf(0), i, s, leaf, root)).toBe(false)
    }
    expect(await verifyInclusion([root.slice(0, 31)], 0, 2, leaf, root)).toBe(false)
  })

  it('verifies a one-entry tree with an empty proof', async () => {
    const leaf = await leafHash(vectors.entries[0]!.entry)
    expect(await verifyInclusion([], 0, 1, leaf, leaf)).toBe(true)
    expect(await verifyInclusion([], 0, 1, leaf, root)).toBe(false)
  })
})

describe('consistency proofs', () => {
  it('verifies every older tree of the Go log and refuses altered ones', async () => {
    for (const c of vectors.consistency) {
      const proof = c.proof.map(hexToBytes)
      const from = hexToBytes(c.fromRoot)
      const to = hexToBytes(c.toRoot)
      expect(await verifyConsistency(proof, c.from, from, c.to, to)).toBe(true)
      expect(await verifyConsistency(proof, c.from, flip(from), c.to, to)).toBe(false)
      // From the empty tree, the new root is not involved (as in Go).
      expect(await verifyConsistency(proof, c.from, from, c.to, flip(to))).toBe(c.from === 0)
      if (c.from > 0 && c.from < c.to) {
        expect(await verifyConsistency(proof, c.from, from, c.to * 2, to)).toBe(false)
        expect(await verifyConsistency(proof, c.to, from, c.from, to)).toBe(false)
        for (let k = 0; k < proof.length; k++) {
          const p = proof.slice()
          p[k] = flip(p[k]!)
          expect(await verifyConsistency(p, c.from, from, c.to, to)).toBe(false)
        }
      }
    }
    expect(await verifyConsistency([], size, root, size - 1, root)).toBe(false)
  })
})

describe('commitments', () => {
  it("equal Go's ReportCommitment", async () => {
    for (const c of vectors.commitments) expect(await reportCommitment(c.trackingCode, c.contentHash)).toBe(c.commitment)
  })

  it('refuse what Go refuses', async () => {
    for (const c of vectors.badCommitments) await refused(reportCommitment(c.trackingCode, c.contentHash))
  })
})

describe('entries', () => {
  it('parse every entry of the Go log', () => {
    for (const e of vectors.entries) {
      const p = parseEntry(e.entry)
      expect(`minhbach-log/1 ${p.event} ${p.date} ${p.commitment}`).toBe(e.entry)
    }
    expect(parseEntry(vectors.entries[0]!.entry.replace('2026-12-01', '2024-02-29')).date).toBe('2024-02-29')
    expect(parseEntry(vectors.entries[0]!.entry.replace('2026-12-01', '2000-02-29')).date).toBe('2000-02-29')
  })

  it('refuse every entry Go refuses', () => {
    for (const b of vectors.badEntries) expect(() => parseEntry(b.entry), b.why).toThrow(LogError)
    expect(() => parseEntry(vectors.entries[0]!.entry.replace('2026-12-01', '2100-02-29'))).toThrow(LogError)
  })
})

describe('the events a tracked report expects in the log', () => {
  it('counts the filing, status moves, withdrawal, appeal and extensions, not messages or ratings', () => {
    const types = ['submitted', 'message', 'status_accepted', 'evidence_added', 'deadline_extended', 'status_concluded', 'rated', 'auto_closed', 'receipt_changed']
    expect(loggedEventCount(types.map((type) => ({ type })))).toBe(5)
    expect(loggedEventCount([{ type: 'withdrawn' }, { type: 'appealed' }, { type: 'status_rejected' }, { type: 'status_transferred' }])).toBe(4)
    expect(loggedEventCount([])).toBe(0)
  })
})

describe('verifier keys', () => {
  it('parse the log key', async () => {
    const k = await parseVerifierKey(vectors.verifierKey)
    expect(k.name).toBe(vectors.origin)
    expect(k.hash.toString(16).padStart(8, '0')).toBe(vectors.verifierKey.split('+')[1])
    expect(k.publicKey.length).toBe(32)
  })

  it('refuse every key Go refuses', async () => {
    for (const b of vectors.badVerifierKeys) await refused(parseVerifierKey(b.entry))
  })
})

describe('checkpoints', () => {
  it('open every checkpoint Go opens', async () => {
    for (const c of vectors.checkpoints) {
      const got = await openCheckpoint(c.note, c.origin, c.verifierKey)
      expect([got.origin, got.size, bytesToHex(got.root)], c.why).toEqual([c.origin, c.size, c.root])
    }
    const main = await openCheckpoint(vectors.checkpoint, vectors.origin, vectors.verifierKey)
    expect(main.size).toBe(size)
    expect(bytesToHex(main.root)).toBe(vectors.root)
    expect(main.otherSignatures).toEqual([])
    const cosigned = vectors.checkpoints.find((c) => c.why.includes('0x04'))!
    const opened = await openCheckpoint(cosigned.note, cosigned.origin, cosigned.verifierKey)
    expect(opened.otherSignatures.map((s) => s.name)).toEqual([vectors.witnessName])
    const ext = vectors.checkpoints.find((c) => c.why === 'extension lines')!
    expect((await openCheckpoint(ext.note, ext.origin, ext.verifierKey)).extensions).toEqual(['ext one', 'ẩn/two ✓'])
  })

  it('refuse every checkpoint Go refuses', async () => {
    for (const c of vectors.badCheckpoints) {
      const got = await openCheckpoint(c.note, c.origin, c.verifierKey).then(
        () => 'accepted',
        (e: Error) => (e instanceof LogError ? 'refused' : `threw ${e}`),
      )
      expect(got, c.why).toBe('refused')
    }
  })

  it('refuse sizes beyond what a number holds exactly, lone surrogates, and another key', async () => {
    expect(() => parseCheckpoint(`${vectors.origin}\n9007199254740992\n${encodeBase64(root)}\n`)).toThrow(/beyond/)
    expect(() => parseCheckpoint(`${vectors.origin}\n9007199254740991\n${encodeBase64(root)}\n`)).not.toThrow()
    await refused(openCheckpoint(vectors.checkpoint.replace(vectors.origin + '\n', vectors.origin + '\ud800\n'), vectors.origin, vectors.verifierKey))
    await refused(openCheckpoint(vectors.checkpoint, vectors.origin, vectors.sameNameOtherVerifierKey))
    await refused(openCheckpoint(vectors.checkpoint, vectors.origin, vectors.witnessVerifierKey))
  })
})

describe("a report's inclusion", () => {
  const answerFor = (a: (typeof vectors.answers)[number]) => ({
    commitment: a.commitment,
    origin: a.log.origin,
    verifierKey: a.log.verifierKey,
    checkpoint: a.inclusion.checkpoint,
    size: a.inclusion.size,
    entries: a.inclusion.entries.map((e) => ({ ...e, proof: [...e.proof] })),
  })

  it('verifies the answers of the endpoints, with the commitment computed in the browser', async () => {
    for (const a of vectors.answers) {
      expect(await reportCommitment(a.trackingCode, a.contentHash)).toBe(a.commitment)
      const got = await verifyReportInclusion(answerFor(a))
      expect(got.checkpoint.size).toBe(size)
      expect(got.entries.map((e) => e.index)).toEqual(a.inclusion.entries.map((e) => e.index))
    }
    const first = await verifyReportInclusion(answerFor(vectors.answers[0]!))
    expect(first.entries.map((e) => `${e.index} ${e.event} ${e.date}`)).toEqual([
      '0 filed 2026-12-01',
      '3 accepted 2026-12-02',
      '10 concluded_partly_substantiated 2026-12-05',
    ])
  })

  it('refuses an answer altered anywhere', async () => {
    const a = vectors.answers[0]!
    const base = answerFor(a)
    const other = vectors.answers[1]!
    const cases: Record<string, (x: ReturnType<typeof answerFor>) => void> = {
      'another commitment': (x) => (x.commitment = other.commitment),
      "another report's entry": (x) => (x.entries[0] = { ...answerFor(other).entries[0]! }),
      'an entry edited': (x) => (x.entries[1]!.entry = x.entries[1]!.entry.replace('accepted', 'rejected')),
      'an index changed': (x) => (x.entries[0]!.index = 1),
      'an index beyond the tree': (x) => (x.entries[0]!.index = size),
      'a repeated entry': (x) => x.entries.push({ ...x.entries[0]! }),
      'a proof hash changed': (x) => (x.entries[2]!.proof[0] = '00'.repeat(32)),
      'a proof hash dropped': (x) => x.entries[2]!.proof.pop(),
      'a proof hash in another form': (x) => (x.entries[2]!.proof[0] = x.entries[2]!.proof[0]!.slice(2)),
      'another size': (x) => (x.size = size + 1),
      'an older checkpoint': (x) => (x.checkpoint = vectors.checkpointAtSize7),
      'the checkpoint re-sized': (x) => (x.checkpoint = x.checkpoint.replace('\n13\n', '\n14\n')),
      'another origin': (x) => (x.origin = vectors.otherLogOrigin),
      'another key': (x) => (x.verifierKey = vectors.sameNameOtherVerifierKey),
      "another log's key and origin": (x) => {
        x.origin = vectors.otherLogOrigin
        x.verifierKey = vectors.otherLogVerifierKey
      },
    }
    for (const [why, edit] of Object.entries(cases)) {
      const x = answerFor(a)
      edit(x)
      expect(JSON.stringify(x), why).not.toBe(JSON.stringify(base))
      const msg = await verifyReportInclusion(x).then(
        () => 'accepted',
        (e: Error) => (e instanceof LogError ? 'refused' : `threw ${e}`),
      )
      expect(msg, why).toBe('refused')
    }
  })

  it('refuses every refused checkpoint in an answer', async () => {
    for (const c of vectors.badCheckpoints.filter((c) => c.origin === vectors.origin && c.verifierKey === vectors.verifierKey)) {
      const x = { ...answerFor(vectors.answers[3]!), checkpoint: c.note }
      const got = await verifyReportInclusion(x).then(
        () => 'accepted',
        (e: Error) => (e instanceof LogError ? 'refused' : `threw ${e}`),
      )
      expect(got, c.why).toBe('refused')
    }
  })
})
