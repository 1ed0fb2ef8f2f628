// The browser's verifier of the portal's public transparency log
// (docs/transparency-log.md, "The citizen's page and the verification page").
//
// It mirrors the Go package internal/translog byte for byte: the report
// commitment and the entry format (internal/translog/entry.go), RFC 6962
// hashing and RFC 9162 proof verification (internal/translog/translog.go),
// and checkpoints as signed notes opened the way OpenCheckpoint opens them
// (internal/translog/checkpoint.go, which uses x/mod's sumdb/note): the
// note's text ends in a newline, a blank line follows, then signature lines
// "— <name> <base64(4-byte key hash || signature)>". Only the log's own
// Ed25519 signature is checked; other signatures (witness cosignatures) are
// returned unverified. It is tested against vectors computed by
// internal/translog (src/testdata/translog-vectors.json, written by
// internal/translog/vectors_test.go).
//
// Sizes and indexes are JavaScript numbers: a checkpoint whose size does not
// fit in a safe integer (2^53 - 1) is refused here although Go would accept
// it; the portal's log will not reach that size.
//
// Hashing and signatures use Web Crypto (crypto.subtle: SHA-256, Ed25519).

/** LogError: the log's answer, a checkpoint, an entry, a key or an input is refused. */
export class LogError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LogError'
  }
}

/** UnsupportedError: this browser lacks what the check needs (Web Crypto, or Ed25519 in it); it says nothing about the log. */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsupportedError'
  }
}

type Bytes = Uint8Array<ArrayBuffer>

const HASH_SIZE = 32
const encoder = new TextEncoder()

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle
  if (!s) throw new UnsupportedError('this browser has no Web Crypto (crypto.subtle), or the page is not served over HTTPS')
  return s
}

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let i = 0
  for (const p of parts) {
    out.set(p, i)
    i += p.length
  }
  return out
}

/** sha256 hashes the concatenation of parts. */
export async function sha256(...parts: Uint8Array[]): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', concat(...parts)))
}

export function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

/** hexToBytes decodes hexadecimal digits (either case); it throws a LogError on anything else. */
export function hexToBytes(hex: string): Bytes {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new LogError(`not hexadecimal: ${JSON.stringify(hex.slice(0, 80))}`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!
  return d === 0
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * decodeBase64 decodes standard, padded base64 as Go's
 * base64.StdEncoding.DecodeString does (strict: also as .Strict(), which
 * refuses non-zero unused bits). It returns null on anything else: no
 * whitespace, no URL-safe alphabet, no missing padding.
 */
export function decodeBase64(s: string, strict: boolean): Bytes | null {
  if (s.length % 4 !== 0) return null
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0
  const body = s.slice(0, s.length - pad)
  const out = new Uint8Array((s.length / 4) * 3 - pad)
  let acc = 0
  let bits = 0
  let j = 0
  for (const ch of body) {
    const v = B64.indexOf(ch)
    if (v < 0) return null
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[j++] = (acc >> bits) & 0xff
    }
    acc &= (1 << bits) - 1
  }
  if (strict && acc !== 0) return null
  return out
}

export function encodeBase64(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += String.fromCharCode(x)
  return btoa(s)
}

// ---- RFC 6962 hashing and proofs (internal/translog/translog.go) ----

/** leafHash is the RFC 6962 hash of a log entry: SHA-256 of 0x00 and the entry. */
export function leafHash(entry: Uint8Array | string): Promise<Bytes> {
  return sha256(new Uint8Array([0]), typeof entry === 'string' ? encoder.encode(entry) : entry)
}

/** nodeHash is the RFC 6962 hash of an interior node: SHA-256 of 0x01, the left and the right child. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  return sha256(new Uint8Array([1]), left, right)
}

/** The root of the empty tree: SHA-256 of no bytes. */
export const EMPTY_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}

function half(n: number): number {
  return Math.floor(n / 2)
}

/**
 * verifyInclusion checks that proof shows the entry whose leaf hash is leaf
 * at index in the tree of size entries whose root is root (RFC 9162,
 * 2.1.3.2). It returns false for any proof that does not verify, and for
 * impossible indexes, sizes or hash lengths.
 */
export async function verifyInclusion(proof: Uint8Array[], index: number, size: number, leaf: Uint8Array, root: Uint8Array): Promise<boolean> {
  if (!isSize(index) || !isSize(size) || index >= size) return false
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return false
  let fn = index
  let sn = size - 1
  let r: Uint8Array = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn)
        sn = half(sn)
      }
    } else {
      r = await nodeHash(r, p)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equalBytes(r, root)
}

/**
 * verifyConsistency checks that proof shows the tree of size newSize with
 * root newRoot to extend the tree of size oldSize with root oldRoot (RFC
 * 9162, 2.1.4.2), with internal/translog's rules for the edges: from size 0
 * the old root must be the empty root and the proof empty; between equal
 * sizes the roots must be equal and the proof empty.
 */
export async function verifyConsistency(
  proof: Uint8Array[],
  oldSize: number,
  oldRoot: Uint8Array,
  newSize: number,
  newRoot: Uint8Array,
): Promise<boolean> {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return false
  if (oldSize === 0) return proof.length === 0 && bytesToHex(oldRoot) === EMPTY_ROOT_HEX
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot)
  if (proof.length === 0) return false
  // A power of two is a complete subtree whose root the proof leaves out.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof]
  let fn = oldSize - 1
  let sn = newSize - 1
  while (fn % 2 === 1) {
    fn = half(fn)
    sn = half(sn)
  }
  let fr: Uint8Array = path[0]!
  let sr: Uint8Array = path[0]!
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr)
      sr = await nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn)
        sn = half(sn)
      }
    } else {
      sr = await nodeHash(sr, c)
    }
    fn = half(fn)
    sn = half(sn)
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot)
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1) {
    if (n % 2 === 1) return false
    n = half(n)
  }
  return n === 1
}

// ---- Entries and commitments (internal/translog/entry.go) ----

const ENTRY_TAG = 'minhbach-log/1'

/** The events an entry may carry, in internal/translog's order (Events in entry.go). */
export const LOG_EVENTS = [
  'filed',
  'accepted',
  'rejected',
  'transferred',
  'concluded_substantiated',
  'concluded_partly_substantiated',
  'concluded_unsubstantiated',
  'closed',
  'withdrawn',
  'appealed',
  'extended',
  'staffing',
  'configuration',
] as const

export type LogEvent = (typeof LOG_EVENTS)[number]

function isLogEvent(s: string): s is LogEvent {
  return (LOG_EVENTS as readonly string[]).includes(s)
}

/** One entry of the log: an event, its day, and the commitment of the report (or admin change) it belongs to. */
export interface LogEntry {
  event: LogEvent
  /** YYYY-MM-DD, the day in the portal's time zone. */
  date: string
  /** 64 lower-case hexadecimal digits. */
  commitment: string
}

const MAX_ENTRY_LEN = ENTRY_TAG.length + 1 + Math.max(...LOG_EVENTS.map((e) => e.length)) + 1 + 'YYYY-MM-DD'.length + 1 + 2 * HASH_SIZE

/** validDate: a real day of the Gregorian calendar, YYYY-MM-DD, from the year 2000 on. */
function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const y = Number(m[1])
  const mo = Number(m[2])
  const d = Number(m[3])
  if (y < 2000 || mo < 1 || mo > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!
  return d <= days
}

/**
 * parseEntry parses an entry and refuses anything but the one encoding the
 * portal writes, as ParseEntry in internal/translog/entry.go does: another
 * version, an unknown event, a date that is not a real day, upper-case or
 * short hex, extra spaces, fields or characters.
 */
export function parseEntry(line: string): LogEntry {
  if (encoder.encode(line).length > MAX_ENTRY_LEN) throw new LogError(`malformed log entry: ${line.length} characters`)
  const f = line.split(' ')
  if (f.length !== 4) throw new LogError('malformed log entry: want 4 fields separated by single spaces')
  const [tag, event, date, commitment] = f as [string, string, string, string]
  if (tag !== ENTRY_TAG) throw new LogError(`malformed log entry: not a ${ENTRY_TAG} entry`)
  if (!isLogEvent(event)) throw new LogError(`malformed log entry: event ${JSON.stringify(event)}`)
  if (!validDate(date)) throw new LogError(`malformed log entry: date ${JSON.stringify(date)}`)
  if (!/^[0-9a-f]{64}$/.test(commitment)) throw new LogError(`malformed log entry: commitment ${JSON.stringify(commitment)}`)
  return { event, date, commitment }
}

const TRACKING_CODE = /^[A-Z0-9]+(-[A-Z0-9]+)*$/

/**
 * reportCommitment is the commitment of every entry of one report, as
 * ReportCommitment in internal/translog/entry.go computes it: SHA-256 of
 * "minhbach-log/1 report", a zero byte, the tracking code as the proof of
 * filing prints it, a zero byte, and the 32 bytes of the proof's content
 * hash (64 hexadecimal digits, either case). It refuses what Go refuses. The
 * answer is 64 lower-case hexadecimal digits.
 */
export async function reportCommitment(trackingCode: string, contentSha256Hex: string): Promise<string> {
  if (trackingCode.length > 32 || !TRACKING_CODE.test(trackingCode)) throw new LogError(`tracking code ${JSON.stringify(trackingCode)}`)
  if (!/^[0-9a-fA-F]{64}$/.test(contentSha256Hex)) throw new LogError('content hash: want 64 hexadecimal digits')
  const h = await sha256(
    encoder.encode('minhbach-log/1 report\u0000'),
    encoder.encode(trackingCode),
    new Uint8Array([0]),
    hexToBytes(contentSha256Hex),
  )
  return bytesToHex(h)
}

/**
 * The types of a tracked report's public timeline events (GET /api/v1/track)
 * that become log entries, as docs/transparency-log.md lists them (the
 * status moves, the filing, a withdrawal, an appeal, a deadline extension;
 * the automatic closing is a move to closed). Messages, evidence, ratings and
 * receipt changes are not logged.
 */
const LOGGED_TIMELINE_TYPES = new Set([
  'submitted',
  'status_accepted',
  'status_rejected',
  'status_transferred',
  'status_concluded',
  'status_closed',
  'auto_closed',
  'withdrawn',
  'appealed',
  'deadline_extended',
])

/** loggedEventCount counts the timeline events that have (or will have) an entry in the log. */
export function loggedEventCount(timeline: { type: string }[]): number {
  return timeline.filter((e) => LOGGED_TIMELINE_TYPES.has(e.type)).length
}

// ---- Signed notes and checkpoints (internal/translog/checkpoint.go) ----

/**
 * Unicode White_Space, which Go's unicode.IsSpace tests (JavaScript's \s
 * differs: it has U+FEFF and lacks U+0085).
 */
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** A signed note's key name: non-empty, no space, no plus sign. */
function isValidName(name: string): boolean {
  return name !== '' && !SPACE.test(name) && !name.includes('+') && !LONE_SURROGATE.test(name)
}

/** A checkpoint's origin: a valid key name without control characters or U+FFFD. */
function validOrigin(s: string): boolean {
  return isValidName(s) && !/[\u0000-\u001f\ufffd]/.test(s)
}

/** An extension line: non-empty, without control characters or U+FFFD. */
function validExtension(s: string): boolean {
  return s !== '' && !/[\u0000-\u001f\u007f\ufffd]/.test(s) && !LONE_SURROGATE.test(s)
}

/** A signed note's verifier key, parsed: the key's name, its 4-byte hash and its Ed25519 public key. */
export interface VerifierKey {
  name: string
  /** The key hash, the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key), as an unsigned number. */
  hash: number
  publicKey: Bytes
}

async function keyHash(name: string, key: Uint8Array): Promise<number> {
  const h = await sha256(encoder.encode(name + '\n'), key)
  return new DataView(h.buffer).getUint32(0)
}

/**
 * parseVerifierKey parses a verifier key "<name>+<8 hex digits>+<base64(0x01
 * || 32-byte Ed25519 public key)>" and checks its key hash, as
 * note.NewVerifier does. Only Ed25519 keys (algorithm 0x01) are known.
 */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const cut = (s: string): [string, string] => {
    const i = s.indexOf('+')
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)]
  }
  const [name, rest] = cut(vkey)
  const [hash16, key64] = cut(rest)
  const key = decodeBase64(key64, false)
  if (!/^[0-9a-fA-F]{8}$/.test(hash16) || !key || key.length === 0 || !isValidName(name)) {
    throw new LogError('malformed verifier key')
  }
  const hash = parseInt(hash16, 16)
  if (hash !== (await keyHash(name, key))) throw new LogError('the verifier key does not match its key hash')
  if (key[0] !== 0x01) throw new LogError('the verifier key is not an Ed25519 key')
  if (key.length !== 1 + 32) throw new LogError('malformed verifier key')
  return { name, hash, publicKey: key.slice(1) }
}

async function ed25519Verify(publicKey: Bytes, signature: Bytes, message: Bytes): Promise<boolean> {
  if (signature.length !== 64) return false
  let key: CryptoKey
  try {
    key = await subtle().importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])
  } catch (e) {
    if (e instanceof UnsupportedError || (e as { name?: unknown } | null)?.name === 'NotSupportedError') {
      throw new UnsupportedError('this browser has no Ed25519 in Web Crypto')
    }
    return false // a public key that is not a point on the curve verifies nothing
  }
  return await subtle().verify({ name: 'Ed25519' }, key, signature, message)
}

/** A C2SP tlog-checkpoint: the log's origin, its size, the root hash of its tree at that size, and extension lines. */
export interface Checkpoint {
  origin: string
  size: number
  root: Bytes
  extensions: string[]
}

/** A signature of the note other than the log's: a witness's cosignature, not verified here. */
export interface OtherSignature {
  name: string
  hash: number
}

export interface OpenedCheckpoint extends Checkpoint {
  /** Signatures by other keys, kept unverified (docs/transparency-log.md: witnesses are checked elsewhere). */
  otherSignatures: OtherSignature[]
}

const MAX_INT64 = 2n ** 63n - 1n

/**
 * parseCheckpoint parses a checkpoint's note text (without its signatures)
 * and refuses anything but the one form the portal writes, as
 * ParseCheckpoint in internal/translog/checkpoint.go does: the origin line,
 * the size in decimal without a leading zero, the root hash in canonical
 * standard base64, then optional non-empty extension lines, each line ending
 * in a newline.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new LogError('checkpoint refused: the text does not end in a newline')
  const lines = text.slice(0, -1).split('\n')
  if (lines.length < 3) throw new LogError('checkpoint refused: fewer than three lines')
  const [origin, sizeLine, rootLine] = lines as [string, string, string]
  if (!validOrigin(origin)) throw new LogError(`checkpoint refused: origin ${JSON.stringify(origin)}`)
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || sizeLine.length > 19 || BigInt(sizeLine) > MAX_INT64) {
    throw new LogError(`checkpoint refused: size ${JSON.stringify(sizeLine)}`)
  }
  const size = Number(sizeLine)
  if (!Number.isSafeInteger(size)) throw new LogError(`checkpoint refused: size ${sizeLine} is beyond what this verifier counts`)
  const root = decodeBase64(rootLine, true)
  if (!root || root.length !== HASH_SIZE || encodeBase64(root) !== rootLine) {
    throw new LogError(`checkpoint refused: root hash ${JSON.stringify(rootLine)}`)
  }
  const extensions = lines.slice(3)
  for (const e of extensions) {
    if (!validExtension(e)) throw new LogError(`checkpoint refused: extension line ${JSON.stringify(e)}`)
  }
  return { origin, size, root, extensions }
}

const SIG_PREFIX = '\u2014 ' // an em dash and a space

/**
 * openCheckpoint verifies a signed checkpoint as OpenCheckpoint in
 * internal/translog/checkpoint.go does: verifierKey must be named for
 * origin; the note must be well-formed (UTF-8 text without control
 * characters other than newlines; its text, ending in a newline, then a
 * blank line, then one or more signature lines, each ending in a newline);
 * it must carry a valid signature by verifierKey over its text, and every
 * signature line that names that key (its name and key hash) must verify;
 * and its text must be a well-formed checkpoint from origin. Signatures by
 * other keys (witness cosignatures, another key of the same name) are
 * returned unverified. A repeated signature line of the log's key is
 * ignored after the first, as the Go code does.
 */
export async function openCheckpoint(noteText: string, origin: string, verifierKey: string | VerifierKey): Promise<OpenedCheckpoint> {
  const key = typeof verifierKey === 'string' ? await parseVerifierKey(verifierKey) : verifierKey
  if (key.name !== origin) throw new LogError(`checkpoint refused: the verifier key must be named for the origin ${JSON.stringify(origin)}`)
  const malformed = (why: string) => new LogError(`checkpoint refused: malformed note: ${why}`)
  if (LONE_SURROGATE.test(noteText)) throw malformed('not valid Unicode text')
  if (/[\u0000-\u0009\u000b-\u001f]/.test(noteText)) throw malformed('a control character')
  const split = noteText.lastIndexOf('\n\n')
  if (split < 0) throw malformed('no blank line before the signatures')
  const text = noteText.slice(0, split + 1)
  const sigs = noteText.slice(split + 2)
  if (sigs === '' || !sigs.endsWith('\n')) throw malformed('no signature lines, or no newline after the last')
  const lines = sigs.slice(0, -1).split('\n')
  if (lines.length > 100) throw malformed('more than 100 signatures')
  const message = encoder.encode(text)
  let signed = false
  const others: OtherSignature[] = []
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw malformed('a signature line without its em dash and space')
    const rest = line.slice(SIG_PREFIX.length)
    const sp = rest.indexOf(' ')
    const name = sp < 0 ? rest : rest.slice(0, sp)
    const b64 = sp < 0 ? '' : rest.slice(sp + 1)
    const sig = decodeBase64(b64, false)
    if (!sig || b64 === '' || !isValidName(name) || sig.length < 5) throw malformed('a signature line')
    const hash = new DataView(sig.buffer).getUint32(0)
    if (name !== key.name || hash !== key.hash) {
      if (!others.some((o) => o.name === name && o.hash === hash)) others.push({ name, hash })
      continue
    }
    if (signed) continue
    if (!(await ed25519Verify(key.publicKey, sig.slice(4), message))) {
      throw new LogError("checkpoint refused: the log's signature does not verify")
    }
    signed = true
  }
  if (!signed) throw new LogError("checkpoint refused: not signed by the log's key")
  const c = parseCheckpoint(text)
  if (c.origin !== origin) throw new LogError(`checkpoint refused: origin ${JSON.stringify(c.origin)}, want ${JSON.stringify(origin)}`)
  return { ...c, otherSignatures: others }
}

// ---- A report's inclusion, as the tracking and verification pages check it ----

/** One entry of a report as the inclusion endpoint sends it: its index, its bytes and its inclusion proof. */
export interface InclusionItem {
  index: number
  entry: string
  proof: string[]
}

/** One verified entry of a report. */
export interface VerifiedEntry {
  index: number
  event: LogEvent
  date: string
}

export interface VerifiedInclusion {
  checkpoint: OpenedCheckpoint
  /** The report's entries, by index; empty while none is in the log. */
  entries: VerifiedEntry[]
}

/**
 * verifyReportInclusion checks the log's answer for one report: the
 * checkpoint opens with the log's key for origin, and is of the size the
 * answer says the proofs are for; each entry parses, carries the commitment
 * the browser computed (commitment), sits at a distinct index of that tree,
 * and its inclusion proof leads to the checkpoint's root. It throws a
 * LogError at the first thing that does not verify.
 */
export async function verifyReportInclusion(answer: {
  commitment: string
  origin: string
  verifierKey: string
  checkpoint: string
  size: number
  entries: InclusionItem[]
}): Promise<VerifiedInclusion> {
  const cp = await openCheckpoint(answer.checkpoint, answer.origin, answer.verifierKey)
  if (cp.size !== answer.size) throw new LogError(`the proofs are for size ${answer.size}, the checkpoint is of size ${cp.size}`)
  const out: VerifiedEntry[] = []
  const seen = new Set<number>()
  for (const item of answer.entries) {
    const e = parseEntry(item.entry)
    if (e.commitment !== answer.commitment) throw new LogError(`entry ${item.index} is not this report's`)
    if (!isSize(item.index) || item.index >= cp.size || seen.has(item.index)) throw new LogError(`entry index ${item.index}`)
    seen.add(item.index)
    if (!Array.isArray(item.proof)) throw new LogError(`entry ${item.index}: no proof`)
    const proof = item.proof.map((h) => {
      if (typeof h !== 'string' || h.length !== 2 * HASH_SIZE) throw new LogError(`entry ${item.index}: a proof hash`)
      return hexToBytes(h)
    })
    if (!(await verifyInclusion(proof, item.index, cp.size, await leafHash(item.entry), cp.root))) {
      throw new LogError(`entry ${item.index}: the inclusion proof does not verify`)
    }
    out.push({ index: item.index, event: e.event, date: e.date })
  }
  out.sort((a, b) => a.index - b.index)
  return { checkpoint: cp, entries: out }
}
