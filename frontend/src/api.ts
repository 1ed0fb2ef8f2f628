// Types and a small fetch wrapper for the portal's JSON API (/api/v1).
// Every shape the frontend exchanges with the backend lives in this file.

import { publicStatsSearch } from './publicStats'

export type Locale = 'vi' | 'en'

/** A name in both of the portal's languages. */
export interface LocalizedName {
  vi: string
  en: string
}

export type KindCode = 'feedback' | 'complaint' | 'denunciation'

export interface Kind {
  code: KindCode | string
  name: LocalizedName
  requiresIdentity: boolean
}

export interface Category {
  code: string
  name: LocalizedName
}

export interface Area {
  code: string
  /** The parent area's code; empty for a top-level (province) area. */
  parent: string
  level: 'province' | 'commune' | string
  name: LocalizedName
}

export interface Limits {
  maxFileBytes: number
  maxReportBytes: number
  maxFiles: number
  maxTitleChars: number
  maxDescriptionChars: number
  maxFieldChars: number
  /** Files one tracking message may carry (5 when the backend does not say). */
  maxMessageFiles?: number
  /** Characters of one tracking message (5000 when the backend does not say). */
  maxMessageChars?: number
}

/** One accepted evidence type: a MIME type and a file name extension. */
export interface AllowedType {
  mime: string
  ext: string
}

/** GET /api/v1/meta */
export interface Meta {
  kinds: Kind[]
  categories: Category[]
  areas: Area[]
  limits: Limits
  /** The evidence types the backend accepts (it decides by content; the list is a courtesy). */
  allowedTypes?: AllowedType[]
  /** The deadline policies the server counts clocks with (docs/workflow.md, "Deadlines"). */
  deadlines?: DeadlinePolicy[]
}

/**
 * One kind's legal time limits, in days; each *WorkingDays flag says whether
 * the period counts working days (Monday to Friday, minus holidays) or
 * calendar days. Zero means the period does not apply.
 */
export interface DeadlinePolicy {
  kind: string
  acceptDays: number
  acceptWorkingDays: boolean
  notifyDays: number
  notifyWorkingDays: boolean
  resolveDays: number
  resolveWorkingDays: boolean
  complexResolveDays: number
  remoteResolveDays: number
  remoteComplexResolveDays: number
  round2ResolveDays: number
  round2ComplexResolveDays: number
  remoteRound2ResolveDays: number
  remoteRound2ComplexResolveDays: number
  maxExtensions: number
  extensionDays: number
}

/** The evidence types the backend accepts (it decides by content: docs/privacy.md, "Evidence"), used when /meta does not list them. */
export const DEFAULT_ALLOWED_TYPES: readonly AllowedType[] = [
  { mime: 'image/jpeg', ext: 'jpg' },
  { mime: 'image/jpeg', ext: 'jpeg' },
  { mime: 'image/png', ext: 'png' },
  { mime: 'image/webp', ext: 'webp' },
  { mime: 'application/pdf', ext: 'pdf' },
  { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' },
  { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  { mime: 'audio/mpeg', ext: 'mp3' },
  { mime: 'audio/mp4', ext: 'm4a' },
  { mime: 'video/mp4', ext: 'mp4' },
]

export const DEFAULT_MAX_MESSAGE_FILES = 5
export const DEFAULT_MAX_MESSAGE_CHARS = 5000
/** The backend's limit on a withdrawal or appeal reason (services.MaxReasonChars; not in /meta). */
export const MAX_REASON_CHARS = 2000
/** The limit on a rating comment (the backend's limit on a reason; not in /meta). */
export const MAX_RATING_COMMENT_CHARS = 2000

/** The backend's default limits, used only when /meta cannot be loaded (the backend still enforces its own). */
export const DEFAULT_LIMITS: Required<Limits> = {
  maxFileBytes: 25 << 20,
  maxReportBytes: 100 << 20,
  maxFiles: 10,
  maxTitleChars: 200,
  maxDescriptionChars: 10000,
  maxFieldChars: 500,
  maxMessageFiles: DEFAULT_MAX_MESSAGE_FILES,
  maxMessageChars: DEFAULT_MAX_MESSAGE_CHARS,
}

export interface Identity {
  name: string
  phone: string
  email: string
  address: string
  nationalId: string
}

/** The body of POST /api/v1/complaints. */
export interface ComplaintInput {
  kind: string
  category: string
  title: string
  description: string
  incidentDate?: string
  areaCode?: string
  place: string
  office: string
  counter: string
  procedure: string
  dossierNumber: string
  officials: string
  language: Locale
  anonymous: boolean
  identity?: Identity
}

export type ScanState = 'not_scanned' | 'clean' | 'infected'
export type AttachmentSource = 'report' | 'message' | 'addition'

/** A stored evidence file. */
export interface Attachment {
  id: string
  name: string
  size: number
  /** The MIME type the backend found by content. */
  type: string
  sha256: string
  scan: ScanState | string
  uploadedAt: string
  source: AttachmentSource | string
}

/** The 201 answer of POST /api/v1/complaints. */
export interface SubmitResult {
  trackingCode: string
  receipt: string
  kind: string
  anonymousDenunciation: boolean
  submittedAt: string
  contentHash: string
  receiptUrl?: string
  /** A citizen session token for this report, so the receipt PDF can be fetched at once. */
  token?: string
  tokenExpiresAt?: string
  attachments?: Attachment[]
}

export type CaseStatus =
  | 'received'
  | 'accepted'
  | 'rejected'
  | 'transferred'
  | 'investigating'
  | 'concluded'
  | 'closed'
  | 'appealed'
  | 'withdrawn'

export type Actor = 'citizen' | 'staff' | 'system'

/** One public event of a report's life. Unknown types are shown generically. */
export interface TimelineEvent {
  type: string
  at: string
  status?: CaseStatus | string
  actor: Actor | string
  note?: string
}

export interface Message {
  id: string
  from: 'citizen' | 'staff' | string
  text: string
  at: string
  attachments: Attachment[]
}

export type ClockName = 'accept' | 'notify' | 'resolve'

/** One legal clock of a report: when it started, its due instant (the end of the due day in Vietnam), when it stopped. */
export interface Clock {
  name: ClockName | string
  start: string
  due: string
  stopped?: string | null
  overdue: boolean
}

export type OutcomeResult = 'substantiated' | 'partly_substantiated' | 'unsubstantiated'

/** The three outcomes, in the order the pages offer them. */
export const OUTCOMES: readonly OutcomeResult[] = ['substantiated', 'partly_substantiated', 'unsubstantiated']

/** The conclusion as the citizen sees it. */
export interface CitizenOutcome {
  result: OutcomeResult | string
  reply?: string
  concludedAt: string
}

/** The citizen's rating of a concluded report. */
export interface Rating {
  rating: number
  comment?: string
  at: string
}

/** GET /api/v1/track: the report as the citizen sees it. */
export interface TrackedReport {
  trackingCode: string
  kind: string
  anonymousDenunciation: boolean
  category: string
  title: string
  description: string
  status: CaseStatus | string
  submittedAt: string
  updatedAt: string
  contentHash: string
  timeline: TimelineEvent[]
  messages: Message[]
  attachments: Attachment[]
  canWithdraw: boolean
  clocks?: Clock[]
  outcome?: CitizenOutcome | null
  /** 1 for a first report, 2 for an appeal (a second-round complaint or a re-denunciation). */
  round?: number
  /** The tracking code of the round-1 report this one appeals. */
  appealOf?: string
  /** The tracking code of the round-2 report opened by appealing this one. */
  appeal?: string
  canRate?: boolean
  canAppeal?: boolean
  /** The citizen may still write to the unit (the server decides). */
  canMessage?: boolean
  /** The citizen may still add evidence (the server decides). */
  canAddEvidence?: boolean
  rating?: Rating | null
}

/**
 * The 201 answer of POST /api/v1/track/appeal: the new round-2 report's
 * credentials (shown once), in the shape of a filing's answer; its token is a
 * citizen session for the new report (for its PDF receipt).
 */
export type AppealResult = SubmitResult

/** GET /api/v1/outcomes: one published (anonymized) outcome. */
export interface PublishedOutcome {
  id: string
  kind: string
  category: string
  areaCode?: string
  office?: string
  procedure?: string
  result: OutcomeResult | string
  summary: string
  concludedAt: string
  publishedAt: string
  /** Set when the outcome was appealed: the second round is still being handled, or has ended. */
  appeal?: 'under_review' | 'decided'
}

export interface OutcomePage {
  items: PublishedOutcome[]
  nextCursor: string | null
}

/** Why a public count is not shown: it counts fewer than k reports, or it is withheld so that no small count can be worked out. */
export type WithheldReason = 'fewer_than_k' | 'withheld'

/**
 * GET /api/v1/stats/public: figures anyone may read (docs/statistics.md,
 * "Public figures"). A count is null when it is not published, and
 * `withheld` says why under its JSON name ("byOutcome.substantiated" for an
 * outcome); a rate, median or percentile is null when it cannot be published.
 */
export interface PublicFigures {
  received: number | null
  /** Second-round reports received. */
  appeals: number | null
  accepted: number | null
  rejected: number | null
  transferred: number | null
  withdrawn: number | null
  concluded: number | null
  byOutcome: Record<string, number | null>
  onTime: number | null
  late: number | null
  /** 0..1 */
  onTimeRate: number | null
  medianDays: number | null
  p90Days: number | null
  rated: number | null
  /** Ratings of 4 or 5 stars. */
  satisfied: number | null
  satisfiedRate: number | null
  /** First-round reports appealed. */
  appealed: number | null
  extended: number | null
  recFiled: number | null
  recAnswered: number | null
  recOnTime: number | null
  recOnTimeRate: number | null
  /** Open and overdue now, whatever the range. */
  open: number | null
  overdue: number | null
  withheld: Record<string, WithheldReason | string>
}

/** The dimensions the public figures list slices of. */
export type PublicStatsBy = 'province' | 'commune' | 'unit' | 'kind' | 'category'

/** A slice of the public figures: dim "" is every report. */
export interface PublicSlice {
  dim: PublicStatsBy | ''
  key: string
  name: LocalizedName
}

export interface PublicStatsRow extends PublicFigures {
  month: string
}

export interface PublicStatsGroup extends PublicSlice, PublicFigures {}

export interface PublicStatsAnswer {
  from: string
  to: string
  /** The smallest count shown. */
  k: number
  slice: PublicSlice
  rows?: PublicStatsRow[]
  groups?: PublicStatsGroup[]
  total: PublicFigures
}

/** What a public statistics request asks for (at most one of area, unit, kind, category; by alone, or commune with a province). */
export interface PublicStatsQuery {
  from?: string
  to?: string
  monthly?: boolean
  area?: string
  unit?: string
  kind?: string
  category?: string
  by?: PublicStatsBy
}

/** The server-drawn charts of the public figures (GET /api/v1/stats/public/chart.svg). */
export type PublicChart = 'flow' | 'ontime' | 'slices'

/** POST /api/v1/track/session */
export interface TrackSession {
  token: string
  expiresAt?: string
}

export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'rate_limited'
  | 'unavailable'
  | 'internal'
  /** An Idempotency-Key reused with a different request (HTTP 422). */
  | 'idempotency_mismatch'
  /** The request never got an answer (offline, DNS, connection reset). */
  | 'network'

/** Field error codes the backend sends in error.fields. */
export type FieldErrorCode =
  | 'required'
  | 'too_long'
  | 'invalid'
  | 'unknown'
  | 'not_allowed'
  | 'future'
  | string

/**
 * The error body: {"error":{"code","message","fields"}}. Validation errors are
 * HTTP 400 with code "invalid" and the fields in error; pages decide by code
 * and fields, never by status.
 */
export interface ErrorBody {
  error: {
    code: ErrorCode
    /** The stable name of the situation (services/reasons.go). */
    reason?: string
    message: string
    fields?: Record<string, FieldErrorCode>
    /** On a refused status move (409): the moves that are allowed from the current status. */
    allowed?: string[]
    /** Per field, the parts of the request's own input that were refused (e.g. the words of a public summary that look like personal data). */
    details?: Record<string, string[]>
  }
}

/** ApiError is thrown by the wrapper for every answer that is not 2xx. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly fields: Record<string, FieldErrorCode>
  /** Seconds to wait before trying again (the Retry-After header), when the server said. */
  readonly retryAfter?: number
  /** On a refused status move (409): the moves allowed from the current status. */
  allowed?: string[]
  /** Per field, the parts of the request's own input that were refused. */
  details: Record<string, string[]> = {}
  /** The stable name of the situation (services/reasons.go), which the page words itself (errors.ts); the message is the server's English, never shown. */
  reason = ''

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    fields: Record<string, FieldErrorCode> = {},
    retryAfter?: number,
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    if (retryAfter !== undefined) this.retryAfter = retryAfter
  }
}

/** parseRetryAfter reads a Retry-After value (seconds, or an HTTP date) as whole seconds from now. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, Math.ceil((at - now) / 1000))
}

const knownCodes: readonly ErrorCode[] = [
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unsupported',
  'rate_limited',
  'unavailable',
  'internal',
  'idempotency_mismatch',
]

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid'
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'conflict'
    case 413:
      return 'too_large'
    case 415:
      return 'unsupported'
    case 422:
      return 'idempotency_mismatch'
    case 429:
      return 'rate_limited'
    case 503:
      return 'unavailable'
    default:
      return 'internal'
  }
}

/** errorFromBody builds the ApiError for a non-2xx answer from its parsed body (anything, or undefined). */
export function errorFromBody(status: number, body: unknown, statusText = '', retryAfter?: number): ApiError {
  const err = (body as Partial<ErrorBody> | undefined)?.error
  if (err && typeof err === 'object') {
    const code = knownCodes.includes(err.code) ? err.code : codeForStatus(status)
    const fields: Record<string, string> = {}
    if (err.fields && typeof err.fields === 'object') {
      for (const [k, v] of Object.entries(err.fields)) {
        if (typeof v === 'string') fields[k] = v
      }
    }
    const e = new ApiError(status, code, typeof err.message === 'string' ? err.message : '', fields, retryAfter)
    if (typeof err.reason === 'string') e.reason = err.reason
    if (Array.isArray(err.allowed)) e.allowed = err.allowed.filter((a): a is string => typeof a === 'string')
    if (err.details && typeof err.details === 'object') {
      for (const [k, v] of Object.entries(err.details)) {
        if (Array.isArray(v)) e.details[k] = v.filter((w): w is string => typeof w === 'string')
      }
    }
    return e
  }
  return new ApiError(status, codeForStatus(status), statusText, {}, retryAfter)
}

/** parseError turns a non-2xx response into an ApiError, whatever its body holds. */
export async function parseError(res: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined
  }
  return errorFromBody(res.status, body, res.statusText, parseRetryAfter(res.headers.get('Retry-After')))
}

/** request sends a JSON request and returns the parsed JSON answer, or throws ApiError. */
export async function request<T>(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers }
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: options.signal }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(options.body)
  }
  let res: Response
  try {
    res = await fetch(path, init)
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e))
  }
  if (!res.ok) throw await parseError(res)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** newIdempotencyKey returns a random UUID v4, also where crypto.randomUUID is missing (plain-HTTP origins). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export function getMeta(signal?: AbortSignal): Promise<Meta> {
  return request<Meta>('GET', '/api/v1/meta', { signal })
}

/** Upload progress of one multipart request: bytes of the whole body sent so far and in all. */
export interface UploadProgress {
  loaded: number
  /** The body's size; 0 when the browser does not know it. */
  total: number
}

/** How a caller follows and stops an upload: progress events, and a signal that aborts it (composables/useUpload.ts). */
export interface UploadHooks {
  onProgress?: (p: UploadProgress) => void
  /** Aborting rejects the upload with a DOMException named AbortError. */
  signal?: AbortSignal
}

export interface UploadOptions extends UploadHooks {
  headers?: Record<string, string>
}

/**
 * sendForm POSTs a multipart/form-data body with XMLHttpRequest (fetch reports
 * no upload progress) and returns the parsed JSON answer, or throws ApiError
 * (a DOMException AbortError when options.signal aborts it). The browser
 * writes the Content-Type with its boundary. It is the portal's one upload
 * request; forms drive it through composables/useUpload.ts.
 */
export function sendForm<T>(path: string, body: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('Accept', 'application/json')
    for (const [k, v] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(k, v)
    const progress = options.onProgress
    if (progress) {
      xhr.upload.addEventListener('progress', (e) => {
        progress({ loaded: e.loaded, total: e.lengthComputable ? e.total : 0 })
      })
    }
    if (options.signal?.aborted) {
      reject(new DOMException('aborted', 'AbortError'))
      return
    }
    const abort = () => xhr.abort()
    options.signal?.addEventListener('abort', abort, { once: true })
    const done = () => options.signal?.removeEventListener('abort', abort)
    xhr.addEventListener('load', () => {
      done()
      let parsed: unknown
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        parsed = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T)
        return
      }
      reject(errorFromBody(xhr.status, parsed, xhr.statusText, parseRetryAfter(xhr.getResponseHeader('Retry-After'))))
    })
    xhr.addEventListener('error', () => {
      done()
      reject(new ApiError(0, 'network', 'network error'))
    })
    xhr.addEventListener('timeout', () => {
      done()
      reject(new ApiError(0, 'network', 'timeout'))
    })
    xhr.addEventListener('abort', () => {
      done()
      reject(new DOMException('aborted', 'AbortError'))
    })
    xhr.send(body)
  })
}

/** jsonPart wraps a JSON value as a multipart part of type application/json. */
export function jsonPart(value: unknown): Blob {
  return new Blob([JSON.stringify(value)], { type: 'application/json' })
}

/**
 * complaintForm builds the multipart body of POST /api/v1/complaints: the
 * report as a "complaint" JSON part, then one "files" part per file, in order
 * (the order the backend's files[i] errors and the progress bars refer to).
 */
export function complaintForm(input: ComplaintInput, files: readonly File[]): FormData {
  const fd = new FormData()
  fd.append('complaint', jsonPart(input), 'complaint.json')
  for (const f of files) fd.append('files', f, f.name)
  return fd
}

/** submitComplaint files a report (with its evidence) as multipart/form-data. */
export function submitComplaint(
  input: ComplaintInput,
  files: readonly File[],
  idempotencyKey: string,
  hooks: UploadHooks = {},
  pow: Record<string, string> = {},
): Promise<SubmitResult> {
  return sendForm<SubmitResult>('/api/v1/complaints', complaintForm(input, files), {
    headers: { 'Idempotency-Key': idempotencyKey, ...pow },
    ...hooks,
  })
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` }
}

/**
 * openTrackSession exchanges a tracking code and receipt for a citizen
 * token; pow is the solved challenge's header (pow.ts).
 */
export function openTrackSession(trackingCode: string, receipt: string, pow: Record<string, string> = {}): Promise<TrackSession> {
  return request<TrackSession>('POST', '/api/v1/track/session', { body: { trackingCode, receipt }, headers: pow })
}

export function getTrackedReport(token: string, signal?: AbortSignal): Promise<TrackedReport> {
  return request<TrackedReport>('GET', '/api/v1/track', { headers: bearer(token), signal })
}

/** sendTrackMessage sends a message to the handlers: JSON without files, multipart with them. */
export function sendTrackMessage(token: string, text: string, files: readonly File[] = [], hooks: UploadHooks = {}): Promise<Message> {
  if (files.length === 0) {
    return request<Message>('POST', '/api/v1/track/messages', { body: { text }, headers: bearer(token), signal: hooks.signal })
  }
  const fd = new FormData()
  fd.append('message', jsonPart({ text }), 'message.json')
  for (const f of files) fd.append('files', f, f.name)
  return sendForm<Message>('/api/v1/track/messages', fd, { headers: bearer(token), ...hooks })
}

export function addTrackAttachments(token: string, files: readonly File[], hooks: UploadHooks = {}): Promise<{ attachments: Attachment[] }> {
  const fd = new FormData()
  for (const f of files) fd.append('files', f, f.name)
  return sendForm<{ attachments: Attachment[] }>('/api/v1/track/attachments', fd, { headers: bearer(token), ...hooks })
}

export function withdrawReport(token: string, reason: string): Promise<TrackedReport> {
  return request<TrackedReport>('POST', '/api/v1/track/withdraw', { body: { reason }, headers: bearer(token) })
}

/** ReceiptChange is a new receipt (shown this once) and the session opened under it. */
export interface ReceiptChange {
  receipt: string
  token: string
  expiresAt: string
}

/** changeReceipt replaces the citizen's receipt; the old one and every session opened with it stop working. */
export function changeReceipt(token: string): Promise<ReceiptChange> {
  return request<ReceiptChange>('POST', '/api/v1/track/receipt', { body: {}, headers: bearer(token) })
}

/** rateReport records the citizen's rating (1 to 5) of a concluded report, which closes it. */
export function rateReport(token: string, rating: number, comment: string): Promise<TrackedReport> {
  return request<TrackedReport>('POST', '/api/v1/track/rating', { body: { rating, comment }, headers: bearer(token) })
}

/** appealReport opens a round-2 report on this one; the answer holds the new report's credentials. */
export function appealReport(token: string, reason: string, pow: Record<string, string> = {}): Promise<AppealResult> {
  return request<AppealResult>('POST', '/api/v1/track/appeal', { body: { reason }, headers: { ...bearer(token), ...pow } })
}

/**
 * listOutcomes reads one page of the published outcomes (public), newest
 * published first: after cursor, and limit of them (the server's default, 20,
 * when not given).
 */
export function listOutcomes(cursor?: string, limit?: number, signal?: AbortSignal): Promise<OutcomePage> {
  const p = new URLSearchParams()
  if (cursor) p.set('cursor', cursor)
  if (limit) p.set('limit', String(limit))
  const q = p.toString()
  return request<OutcomePage>('GET', `/api/v1/outcomes${q ? `?${q}` : ''}`, { signal })
}

/** publicStatsUrl is the address of the public figures: JSON, or CSV (the open data download). */
export function publicStatsUrl(q: PublicStatsQuery, format: 'json' | 'csv' = 'json'): string {
  return `/api/v1/stats/public${publicStatsSearch(q, format === 'csv' ? { format: 'csv' } : {})}`
}

/** publicChartUrl is the address of a chart of the public figures, drawn by the server as SVG, in a language. */
export function publicChartUrl(q: PublicStatsQuery, chart: PublicChart, lang: Locale): string {
  return `/api/v1/stats/public/chart.svg${publicStatsSearch(q, { chart, lang })}`
}

/** getPublicStats reads the public figures (no sign-in). */
export function getPublicStats(q: PublicStatsQuery, signal?: AbortSignal): Promise<PublicStatsAnswer> {
  return request<PublicStatsAnswer>('GET', publicStatsUrl(q), { signal })
}

/** fetchReceiptPdf downloads the signed proof-of-filing receipt. */
export async function fetchReceiptPdf(token: string, path = '/api/v1/track/receipt.pdf'): Promise<Blob> {
  let res: Response
  try {
    res = await fetch(path, {
      method: 'GET',
      headers: { Accept: 'application/pdf', ...bearer(token) },
      credentials: 'same-origin',
    })
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e))
  }
  if (!res.ok) throw await parseError(res)
  return await res.blob()
}

/** GET /api/v1/log: the public transparency log's origin and Ed25519 verifier key (docs/transparency-log.md). */
export interface LogInfo {
  origin: string
  /** A signed-note verifier key, "<origin>+<key hash>+<base64 key>". */
  verifierKey: string
  size: number
  /** The Front committees' witnesses, sorted by name (services/publiclogread.go, LogWitnessStatus). */
  witnesses: LogWitness[]
}

/** A witness's latest cosignature (size and time), or its latest refusal (with its reason and the refusal's detail line). */
export interface LogWitnessSeen {
  size: number
  /** RFC 3339. */
  at: string
  /** On a refusal: inconsistent, rollback, fork, unavailable or bad_signature. */
  reason?: string
  detail?: string
}

/** One witness of the public log as GET /api/v1/log shows it. */
export interface LogWitness {
  name: string
  /** Its cosignature verifier key. */
  verifierKey: string
  cosigned: LogWitnessSeen | null
  refused: LogWitnessSeen | null
  /** Refused after its latest cosignature, or silent for too long while the log is not empty. */
  alarm: boolean
}

/** One entry of a report in GET /api/v1/log/inclusion: its index, the entry line, and its inclusion proof (hex hashes). */
export interface LogInclusionEntry {
  index: number
  entry: string
  proof: string[]
}

/** GET /api/v1/log/inclusion: a report's entries with their proofs in the tree of the signed checkpoint's size; none while not yet integrated. */
export interface LogInclusion {
  size: number
  /** The signed checkpoint (a signed note) the proofs are for. */
  checkpoint: string
  entries: LogInclusionEntry[]
}

export function getLogInfo(signal?: AbortSignal): Promise<LogInfo> {
  return request<LogInfo>('GET', '/api/v1/log', { signal })
}

/** getLogInclusion asks for the entries of a report's commitment (64 hex digits, computed in the browser). */
export function getLogInclusion(commitment: string, signal?: AbortSignal): Promise<LogInclusion> {
  return request<LogInclusion>('GET', `/api/v1/log/inclusion?commitment=${encodeURIComponent(commitment)}`, { signal })
}

/** What POST /api/v1/receipts/verify answers: whether a proof of filing is genuine and unchanged, and then what it states. */
export interface ProofCheck {
  valid: boolean
  trackingCode?: string
  submittedAt?: string
  contentHash?: string
  keyId?: string
}

/** The largest proof of filing the verify API reads (services.MaxProofBytes). */
export const MAX_PROOF_BYTES = 2 << 20

/** verifyProof sends a proof-of-filing PDF, exactly as chosen, to the public verify API. */
export async function verifyProof(file: Blob): Promise<ProofCheck> {
  let res: Response
  try {
    res = await fetch('/api/v1/receipts/verify', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/pdf' },
      credentials: 'same-origin',
      body: file,
    })
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e))
  }
  if (!res.ok) throw await parseError(res)
  return (await res.json()) as ProofCheck
}
