// Types and a small fetch wrapper for the portal's JSON API (/api/v1).
// Every shape the frontend exchanges with the backend lives in this file.

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
}

/** GET /api/v1/meta */
export interface Meta {
  kinds: Kind[]
  categories: Category[]
  areas: Area[]
  limits: Limits
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

/** The 201 answer of POST /api/v1/complaints. */
export interface SubmitResult {
  trackingCode: string
  receipt: string
  kind: string
  anonymousDenunciation: boolean
  submittedAt: string
  contentHash: string
  receiptUrl?: string
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

/** The error body: {"error":{"code","message","fields"}}. */
export interface ErrorBody {
  error: {
    code: ErrorCode
    message: string
    fields?: Record<string, FieldErrorCode>
  }
}

/** ApiError is thrown by the wrapper for every answer that is not 2xx. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly fields: Record<string, FieldErrorCode>

  constructor(status: number, code: ErrorCode, message: string, fields: Record<string, FieldErrorCode> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
  }
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
    case 429:
      return 'rate_limited'
    case 503:
      return 'unavailable'
    default:
      return 'internal'
  }
}

/** parseError turns a non-2xx response into an ApiError, whatever its body holds. */
export async function parseError(res: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined
  }
  const err = (body as Partial<ErrorBody> | undefined)?.error
  if (err && typeof err === 'object') {
    const code = knownCodes.includes(err.code) ? err.code : codeForStatus(res.status)
    const fields: Record<string, string> = {}
    if (err.fields && typeof err.fields === 'object') {
      for (const [k, v] of Object.entries(err.fields)) {
        if (typeof v === 'string') fields[k] = v
      }
    }
    return new ApiError(res.status, code, typeof err.message === 'string' ? err.message : '', fields)
  }
  return new ApiError(res.status, codeForStatus(res.status), res.statusText)
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

export function submitComplaint(input: ComplaintInput, idempotencyKey: string): Promise<SubmitResult> {
  return request<SubmitResult>('POST', '/api/v1/complaints', {
    body: input,
    headers: { 'Idempotency-Key': idempotencyKey },
  })
}
