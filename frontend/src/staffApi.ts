// Types and calls of the staff side of the API: sign-in (/auth), the admin
// configuration (/admin) and the staff pages (/cases, /custody). Everything
// after sign-in goes through staffRequest, which adds the access token and
// refreshes it once on 401.

import { ApiError, complaintForm, parseError, request, sendForm, type Clock, type LocalizedName, type OutcomeResult, type UploadHooks } from './api'
import type { OnBehalfInput, OnBehalfResult } from './intake'
import { accessToken, refreshSession, staffRequest, type Role, type SessionGrant, type StaffUser } from './staffSession'

export type { Role, SessionGrant, StaffUser } from './staffSession'
export type { ClockName, OutcomeResult } from './api'

// ---- Sign-in ---------------------------------------------------------------

/** POST /api/v1/auth/login when the account must set up two-factor sign-in first. */
export interface EnrolmentRequired {
  totpEnrolmentRequired: true
  enrolmentToken: string
  user: StaffUser
}

/**
 * POST /api/v1/auth/login with a temporary password (a new account or a reset
 * by an administrator): the password token opens only the change of password.
 */
export interface PasswordChangeRequired {
  passwordChangeRequired: true
  passwordToken: string
  user: StaffUser
}

export type LoginAnswer = SessionGrant | EnrolmentRequired | PasswordChangeRequired

export function isEnrolmentRequired(a: LoginAnswer): a is EnrolmentRequired {
  return (a as EnrolmentRequired).totpEnrolmentRequired === true
}

export function isPasswordChangeRequired(a: LoginAnswer): a is PasswordChangeRequired {
  return (a as PasswordChangeRequired).passwordChangeRequired === true
}

export function login(email: string, password: string, totp?: string): Promise<LoginAnswer> {
  const body: Record<string, string> = { email, password }
  if (totp) body.totp = totp
  return request<LoginAnswer>('POST', '/api/v1/auth/login', { body })
}

/** totpState tells what a login error says about the second factor. */
export function totpState(e: unknown): 'required' | 'invalid' | '' {
  if (!(e instanceof ApiError) || e.status !== 401) return ''
  const v = e.fields.totp
  return v === 'required' || v === 'invalid' ? v : ''
}

export interface TotpSetup {
  secret: string
  otpauthUrl: string
  /** A data:image/png URL of the QR code. */
  qrDataUrl: string
}

export interface TotpEnabled {
  recoveryCodes: string[]
  /** Present when enabling with an enrolment token: the login is complete. */
  accessToken?: string
  expiresAt?: string
  user?: StaffUser
}

/** grantOf returns the session an enrolment completed, if it did. */
export function grantOf(r: TotpEnabled): SessionGrant | null {
  return r.accessToken && r.expiresAt && r.user ? { accessToken: r.accessToken, expiresAt: r.expiresAt, user: r.user } : null
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` })

/**
 * totpSetup starts enrolment: with an enrolment token during login, or with
 * the session afterwards, when the server wants the password again.
 */
export function totpSetup(enrolmentToken?: string, password?: string): Promise<TotpSetup> {
  if (enrolmentToken) return request<TotpSetup>('POST', '/api/v1/auth/totp/setup', { headers: bearer(enrolmentToken) })
  return staffRequest<TotpSetup>('POST', '/api/v1/auth/totp/setup', { body: { password: password ?? '' } })
}

export function totpEnable(code: string, enrolmentToken?: string): Promise<TotpEnabled> {
  if (enrolmentToken) {
    return request<TotpEnabled>('POST', '/api/v1/auth/totp/enable', { body: { code }, headers: bearer(enrolmentToken) })
  }
  return staffRequest<TotpEnabled>('POST', '/api/v1/auth/totp/enable', { body: { code } })
}

export function getMe(): Promise<StaffUser> {
  return staffRequest<StaffUser>('GET', '/api/v1/auth/me')
}

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return staffRequest<void>('POST', '/api/v1/auth/password', { body: { currentPassword, newPassword } })
}

/** changeTemporaryPassword sets one's own password with the password token of a first sign-in. */
export function changeTemporaryPassword(passwordToken: string, currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('POST', '/api/v1/auth/password', { body: { currentPassword, newPassword }, headers: bearer(passwordToken) })
}

/** The shortest password the portal accepts. */
export const MIN_PASSWORD_CHARS = 12

// ---- Admin -----------------------------------------------------------------

/** A staff account as the admin pages see it. */
export interface AdminUser extends StaffUser {
  active: boolean
  createdAt?: string
  lastLoginAt?: string
}

export interface UserCreate {
  email: string
  name: string
  role: Role
  unitId: string
  password: string
}

export interface UserPatch {
  name?: string
  role?: Role
  unitId?: string
  active?: boolean
}

export type UnitType = 'inspection' | 'front'

export interface Unit {
  id: string
  code: string
  name: LocalizedName
  type: UnitType
  areaCodes: string[]
  active: boolean
}

export type UnitInput = Omit<Unit, 'id'>

/** What an edit may change: code and type never change (routing rules depend on them). */
export type UnitPatch = Pick<Unit, 'name' | 'areaCodes' | 'active'>

export interface AdminArea {
  code: string
  /** The province's code for a commune; empty for a province. */
  parent: string
  level: 'province' | 'commune'
  name: LocalizedName
  /**
   * A remote area ("vùng sâu, vùng xa"), where the law gives complaints longer
   * resolution periods; a province's mark covers its communes.
   */
  remote?: boolean
}

export interface AdminCategory {
  code: string
  name: LocalizedName
  order: number
  active: boolean
}

export interface RoutingRule {
  id: string
  /** Empty: any category. */
  category: string
  /** Empty: any area; a province also matches its communes. */
  areaCode: string
  inspectionUnitId: string
  /** Empty: no Front committee from this rule. */
  frontUnitId: string
  note: string
}

export type RoutingRuleInput = Omit<RoutingRule, 'id'>

export interface Holiday {
  date: string
  name: LocalizedName
}

/** A deadline policy: the kind, then numbers (days) and switches (working days or calendar days), and updatedAt. */
export interface DeadlinePolicy {
  kind: string
  [field: string]: string | number | boolean
}

/** The longest clock, and the most extensions, a policy may have (services/org.go). */
export const MAX_POLICY_DAYS = 365
export const MAX_POLICY_EXTENSIONS = 5

/** The policy fields the page knows words for, in the order it shows them; others follow. */
export const POLICY_FIELDS = [
  'acceptDays',
  'acceptWorkingDays',
  'resolveDays',
  'resolveWorkingDays',
  'complexResolveDays',
  'remoteResolveDays',
  'remoteComplexResolveDays',
  'round2ResolveDays',
  'round2ComplexResolveDays',
  'remoteRound2ResolveDays',
  'remoteRound2ComplexResolveDays',
  'notifyDays',
  'notifyWorkingDays',
  'maxExtensions',
  'extensionDays',
] as const

export interface AdminEvent {
  at: string
  actorId: string
  /** The acting account's name (or e-mail); absent for the system or a removed account. */
  actorName?: string
  action: string
  target: string
  /** The changed account's, unit's, area's or category's name, when it still exists. */
  targetName?: { vi: string; en: string }
  summary: string
}

/** An Open311 client's API key, as the admin page lists it: never its secret. */
export interface ApiKey {
  id: string
  name: string
  /** The secret's first characters, not secret: to tell keys apart. */
  prefix: string
  ratePerMinute: number
  createdAt: string
  createdBy: string
  revokedAt?: string
  lastUsedAt?: string
  requests: number
}

/** A key just issued, with its secret: shown this once, never stored. */
export interface ApiKeyIssued {
  key: ApiKey
  secret: string
}

export interface TemporaryPassword {
  temporaryPassword: string
}

const admin = (p: string) => `/api/v1/admin/${p}`
const seg = encodeURIComponent

/** list reads a list answer, whether the server sends a bare array or {items: [...]}. */
async function list<T>(path: string): Promise<T[]> {
  const r = await staffRequest<T[] | { items?: T[] } | null>('GET', path)
  if (Array.isArray(r)) return r
  return r?.items ?? []
}

export const adminApi = {
  users: () => list<AdminUser>(admin('users')),
  createUser: (u: UserCreate) => staffRequest<AdminUser>('POST', admin('users'), { body: u }),
  updateUser: (id: string, p: UserPatch) => staffRequest<AdminUser>('PATCH', admin(`users/${seg(id)}`), { body: p }),
  resetPassword: (id: string) => staffRequest<TemporaryPassword>('POST', admin(`users/${seg(id)}/reset-password`)),
  resetTotp: (id: string) => staffRequest<AdminUser>('POST', admin(`users/${seg(id)}/reset-totp`)),

  units: () => list<Unit>(admin('units')),
  createUnit: (u: UnitInput) => staffRequest<Unit>('POST', admin('units'), { body: u }),
  updateUnit: (id: string, u: UnitPatch) => staffRequest<Unit>('PATCH', admin(`units/${seg(id)}`), { body: u }),

  areas: () => list<AdminArea>(admin('areas')),
  createArea: (a: AdminArea) => staffRequest<AdminArea>('POST', admin('areas'), { body: a }),
  updateArea: (code: string, a: Partial<Pick<AdminArea, 'parent' | 'level' | 'name' | 'remote'>>) =>
    staffRequest<AdminArea>('PATCH', admin(`areas/${seg(code)}`), { body: a }),

  categories: () => list<AdminCategory>(admin('categories')),
  createCategory: (c: AdminCategory) => staffRequest<AdminCategory>('POST', admin('categories'), { body: c }),
  updateCategory: (code: string, c: Pick<AdminCategory, 'name' | 'order' | 'active'>) =>
    staffRequest<AdminCategory>('PATCH', admin(`categories/${seg(code)}`), { body: c }),

  routingRules: () => list<RoutingRule>(admin('routing-rules')),
  createRoutingRule: (r: RoutingRuleInput) => staffRequest<RoutingRule>('POST', admin('routing-rules'), { body: r }),
  deleteRoutingRule: (id: string) => staffRequest<void>('DELETE', admin(`routing-rules/${seg(id)}`)),

  /** holidays lists every year's holidays (the page shows one year at a time). */
  holidays: () => list<Holiday>(admin('holidays')),
  createHoliday: (h: Holiday) => staffRequest<Holiday>('POST', admin('holidays'), { body: h }),
  deleteHoliday: (date: string) => staffRequest<void>('DELETE', admin(`holidays/${seg(date)}`)),

  policies: () => list<DeadlinePolicy>(admin('deadline-policies')),
  /** updatePolicy replaces a kind's policy; the body holds only the numbers and switches (the kind is in the path). */
  updatePolicy: (kind: string, values: Record<string, number | boolean>) =>
    staffRequest<DeadlinePolicy>('PUT', admin(`deadline-policies/${seg(kind)}`), { body: values }),

  audit: () => list<AdminEvent>(admin('audit')),

  apiKeys: () => list<ApiKey>(admin('api-keys')),
  issueApiKey: (k: { name: string; ratePerMinute: number }) => staffRequest<ApiKeyIssued>('POST', admin('api-keys'), { body: k }),
  updateApiKey: (id: string, k: { name?: string; ratePerMinute?: number }) =>
    staffRequest<ApiKey>('PATCH', admin(`api-keys/${seg(id)}`), { body: k }),
  revokeApiKey: (id: string) => staffRequest<ApiKey>('POST', admin(`api-keys/${seg(id)}/revoke`)),
}

// ---- Staff pages -----------------------------------------------------------

/** One report in a queue (a unit's for inspectors and leads, a Front committee's for monitors). */
export interface CaseSummary {
  id: string
  trackingCode: string
  kind?: string
  category?: string
  title: string
  office?: string
  /** How the report came in (src/intake.ts CHANNELS); absent or "web" for the web form. */
  channel?: string
  status: string
  assigneeId?: string
  /** The assignee's display name (absent when unassigned, or the account is gone). */
  assigneeName?: string
  submittedAt: string
  dueAt?: string
  overdue?: boolean
  /** The due date comes within the warning period (48 hours) and has not passed. */
  dueSoon?: boolean
}

export interface CaseList {
  items: CaseSummary[]
  nextCursor: string | null
  /** The sort the page is in (QUEUE_SORTS). */
  sort?: string
  /** Reports per status (over the whole queue). */
  counts: Record<string, number>
}

/** The queue's filters; empty values are left out of the query. */
export interface QueueFilters {
  status?: string
  kind?: string
  category?: string
  area?: string
  /** An account id, or "me" for the reports assigned to the caller. */
  assignee?: string
  /** One of QUEUE_SORTS; absent: nearest due date first. */
  sort?: string
  /** The office concerned (case-insensitive, any part of its name). */
  office?: string
  overdue?: boolean
  q?: string
  cursor?: string
  limit?: number
}

/** The queue's sorts: by due date, filing time or stage of work; "-" first is descending. The first is the default. */
export const QUEUE_SORTS = ['due', '-due', '-submitted', 'submitted', 'status', '-status'] as const

/** queueQuery builds the query string of GET /api/v1/cases ("" when no filter is set). */
export function queueQuery(f: QueueFilters = {}): string {
  const p = new URLSearchParams()
  for (const k of ['status', 'kind', 'category', 'area', 'assignee', 'office', 'q', 'sort'] as const) {
    const v = f[k]?.trim()
    if (v) p.set(k, v)
  }
  if (f.overdue) p.set('overdue', 'true')
  if (f.cursor) p.set('cursor', f.cursor)
  if (f.limit) p.set('limit', String(f.limit))
  const q = p.toString()
  return q ? `?${q}` : ''
}

export function listCases(filters: QueueFilters = {}, signal?: AbortSignal): Promise<CaseList> {
  return staffRequest<CaseList>('GET', `/api/v1/cases${queueQuery(filters)}`, { signal })
}

/** A complainant's identity, as GET /cases/{id}/identity gives it to a custody holder. */
export interface ComplainantIdentity {
  name: string
  phone: string
  email: string
  address: string
  nationalId: string
}

export type CustodyStatus = 'pending' | 'approved' | 'denied' | 'expired'

/** What a custody request asks to open: the complainant's identity (and the originals), or the original files only. */
export type CustodyKind = 'identity' | 'originals'

/** A custody request (GET /api/v1/custody): people by their display names, never their e-mail addresses. */
export interface CustodyRequest {
  id: string
  kind: CustodyKind | string
  caseId: string
  trackingCode: string
  requesterId: string
  /** The requester's display name ('' for an account since removed). */
  requesterName: string
  reason: string
  status: CustodyStatus | string
  decidedBy?: string
  /** The display name of the lead who decided. */
  deciderName?: string
  note?: string
  expiresAt?: string
  createdAt: string
}

export function listCustody(): Promise<CustodyRequest[]> {
  return list<CustodyRequest>('/api/v1/custody')
}

export function decideCustody(id: string, approve: boolean, note: string): Promise<CustodyRequest | undefined> {
  return staffRequest<CustodyRequest | undefined>('POST', `/api/v1/custody/${seg(id)}/decision`, { body: { approve, note } })
}

export type StaffingKind = 'account_created' | 'password_reset' | 'totp_reset' | 'role_changed' | 'account_disabled' | 'account_enabled'

/** One staffing change of a unit (GET /api/v1/staffing): for its leads and the Front's monitors. */
export interface StaffingChange {
  id: string
  at: string
  kind: StaffingKind | string
  userId: string
  email: string
  role: Role
  unitId?: string
  unitName?: string
  fromRole?: Role
  fromUnitId?: string
  fromUnitName?: string
  actorEmail?: string
  /** Until then the account can neither request, approve nor read custody (none for a disabled account). */
  coolingUntil?: string
  cooling: boolean
}

export function listStaffing(): Promise<StaffingChange[]> {
  return list<StaffingChange>('/api/v1/staffing')
}

// ---- One report ------------------------------------------------------------

/** A legal clock; `due` is the end of the due day in Vietnam time. */
export type CaseClock = Clock

export interface CaseEvent {
  type: string
  at: string
  actor: string
  status?: string
  note?: string
  ref?: string
  public: boolean
}

export interface CaseMessage {
  id: string
  from: 'citizen' | 'staff' | string
  authorId?: string
  text: string
  at: string
}

export interface CaseAttachment {
  id: string
  name: string
  size: number
  type: string
  sha256: string
  scan: string
  uploadedAt: string
  source: string
  /** Whether a metadata-free copy exists (what staff and monitors download). */
  sanitized?: boolean
  /** The citizen's own file name, sent to a holder of an identity custody grant only; everyone else sees the neutral name. */
  originalName?: string
}

export interface Recommendation {
  id: string
  authorId: string
  text: string
  answerBy: string
  createdAt: string
  answer?: string
  answeredAt?: string
  overdue: boolean
}

export interface CaseOutcome {
  result: OutcomeResult | string
  actions: string
  reply: string
  publicSummary: string
  concludedAt: string
  /** Whether the lead approved publishing the public summary. */
  published?: boolean
  publishedAt?: string
}

/** An inspector's proposed conclusion, awaiting a lead. */
export interface Proposal {
  result: OutcomeResult | string
  actions: string
  reply?: string
  publicSummary?: string
  proposedBy: string
  proposedAt: string
}

export type ExtensionStatus = 'pending' | 'approved' | 'refused'

/** A request to extend the resolution deadline. */
export interface Extension {
  id: string
  days: number
  reason: string
  requestedBy: string
  requestedAt: string
  status: ExtensionStatus | string
  decidedBy?: string
  decidedAt?: string
  note?: string
}

/** A link to another report (the round-1 report appealed, or the round-2 appeal). */
export interface CaseLink {
  id: string
  trackingCode: string
}

/** A staff member a report names (GET /cases/{id}: `people`, `assignable`). */
export interface StaffName {
  id: string
  name: string
  role: Role | string
}

/** The citizen's rating of a concluded report. */
export interface CaseRating {
  /** 1 to 5 stars. */
  rating: number
  comment?: string
  at: string
}

/**
 * What the signed-in user may do with one report now (GET /cases/{id} `can`).
 * The server decides from the role, the unit, the status and the report's
 * state; the report page shows a form only when its flag is true.
 */
export interface CaseCapabilities {
  /** Give the report to someone in `assignable`. */
  assign: boolean
  /** Send the report to another unit (leads, open reports). */
  reroute: boolean
  /** Add an internal note. */
  note: boolean
  /** Write to the citizen. */
  message: boolean
  /** Propose a conclusion (an investigating report the caller cannot conclude directly). */
  propose: boolean
  /** Publish the public summary of a concluded report (a lead, summary not yet published). */
  publish: boolean
  /** Ask for an extension of the resolution deadline. */
  extend: boolean
  /** Approve or refuse pending extension requests (leads). */
  decideExtensions: boolean
  /** File a Front recommendation (monitors). */
  recommend: boolean
  /** Answer recommendations (the unit's staff). */
  answerRecommendations: boolean
  /** Ask to see the complainant's identity (unit staff, named report). */
  requestCustody: boolean
  /** Read the complainant's identity (holds a current identity custody grant). */
  identity: boolean
  /** Ask to open the original files (unit staff, any report with a file, anonymous ones too). */
  requestOriginals: boolean
  /** Download original evidence (holds a current custody grant of the originals or of the identity). */
  originals: boolean
}

/** The capability names, in the order of CaseCapabilities. */
export const CASE_CAPABILITIES: readonly (keyof CaseCapabilities)[] = [
  'assign',
  'reroute',
  'note',
  'message',
  'propose',
  'publish',
  'extend',
  'decideExtensions',
  'recommend',
  'answerRecommendations',
  'requestCustody',
  'identity',
  'requestOriginals',
  'originals',
]

/** noCapabilities allows nothing: what the page assumes of an answer that carries no `can`. */
export function noCapabilities(): CaseCapabilities {
  return Object.fromEntries(CASE_CAPABILITIES.map((k) => [k, false])) as unknown as CaseCapabilities
}

/** GET /api/v1/cases/{id}: a report as the staff see it (never the citizen's identity). */
export interface CaseDetail {
  id: string
  trackingCode: string
  kind: string
  anonymousDenunciation: boolean
  category: string
  title: string
  description: string
  incidentDate: string
  areaCode: string
  place: string
  office: string
  counter: string
  procedure: string
  dossierNumber: string
  officials: string
  /** Whether the citizen's identity exists (it is never sent here). */
  named: boolean
  /** How the report came in (src/intake.ts CHANNELS); absent or "web" for the web form. */
  channel?: string
  /** The staff member who took it on the citizen's behalf (named in `people`). */
  filedBy?: string
  status: string
  unitId: string
  frontUnitId: string
  assigneeId: string
  submittedAt: string
  updatedAt: string
  version: number
  outcome?: CaseOutcome | null
  timeline: CaseEvent[]
  messages: CaseMessage[]
  attachments: CaseAttachment[]
  recommendations: Recommendation[]
  clocks: CaseClock[]
  /** 1 for a first report, 2 for an appeal. */
  round?: number
  appealOf?: CaseLink | null
  appeal?: CaseLink | null
  /** A complex matter, with the longer legal period. */
  complex?: boolean
  overdue?: boolean
  /** The statuses this user may move the report to now (the server's status machine; none for monitors). */
  allowedTransitions: string[]
  /** What this user may do with the report now: the server decides, the page only shows what it allows. */
  can: CaseCapabilities
  /** When this user's identity custody grant ends (identity custody holders, `can.identity`, only). */
  custodyUntil?: string
  /** When this user's access to the original files ends (`can.originals` only). */
  originalsUntil?: string
  /** When this user asked to open the original files, while the request waits for a lead's decision. */
  originalsRequestedAt?: string
  proposal?: Proposal | null
  extensions?: Extension[]
  /** The citizen's rating, when given. */
  rating?: CaseRating | null
  /** The staff the report mentions (actors, assignee, authors, deciders…), by user id. */
  people?: Record<string, StaffName>
  /** Whom this user may assign the report to: the unit's active inspectors and leads (none for monitors). */
  assignable?: StaffName[]
  /** The name of the handling inspection unit (`unitId`). */
  unitName?: LocalizedName | null
  /** The name of the supervising Front committee (`frontUnitId`). */
  frontUnitName?: LocalizedName | null
}

export interface TransitionInput {
  to: string
  reason?: string
  transferTo?: string
  outcome?: OutcomeResult
  actions?: string
  reply?: string
  publicSummary?: string
  /** Only with to "accepted": a complex matter gets the longer legal period. */
  complex?: boolean
  /** Only with to "concluded", by a lead: publish the public summary. */
  publishSummary?: boolean
}

/** The body of POST /cases/{id}/route: a lead sends the report to another inspection unit. */
export interface RouteInput {
  unitId: string
  /** Another Front committee; left out, the report keeps its committee. */
  frontUnitId?: string
  reason: string
}

/** An active unit as any staff member sees it (GET /api/v1/units): to name it, or to re-route a report to it. */
export interface StaffUnit {
  id: string
  code: string
  name: LocalizedName
  type: UnitType
}

/** listUnits lists the active inspection units and Front committees. */
export function listUnits(): Promise<StaffUnit[]> {
  return list<StaffUnit>('/api/v1/units')
}

/** The body of POST /cases/{id}/proposal. */
export interface ProposalInput {
  outcome: OutcomeResult
  actions: string
  reply?: string
  publicSummary?: string
}

export interface CaseAuditEvent {
  seq: number
  /** at and actor are absent on a redacted link (an event the caller's page leaves out, e.g. an internal note for a monitor). */
  at?: string
  actor?: string
  type: string
  prevHash?: string
  hash: string
  redacted?: boolean
}

/** GET /api/v1/cases/{id}/related: another report of the caller's scope about the same office or official. */
export interface RelatedReport {
  id: string
  trackingCode: string
  title: string
  kind: string
  status: string
  createdAt: string
  /** office: about the same office; officials: the folded names of the officials both name. */
  office: boolean
  officials: string[]
}

export interface CaseAudit {
  valid: boolean
  events: CaseAuditEvent[]
  brokenAt?: number
  reason?: string
}

/** A recommendation in a list across reports (GET /recommendations, /recommendations/overdue). */
export interface RecommendationItem {
  id: string
  caseId: string
  trackingCode: string
  authorId?: string
  text: string
  answerBy: string
  createdAt?: string
  answer?: string
  answeredAt?: string
  overdue: boolean
}

/** The older name of RecommendationItem. */
export type OverdueRecommendation = RecommendationItem

export type RecommendationState = 'open' | 'answered' | 'overdue' | 'all'
export const RECOMMENDATION_STATES: readonly RecommendationState[] = ['open', 'answered', 'overdue', 'all']

/** The shortest and longest extension the page lets a user ask for (the server checks the kind's policy). */
export const MIN_EXTENSION_DAYS = 1
export const MAX_EXTENSION_DAYS = 365

/**
 * staffDownload fetches a file with the access token (a plain link cannot
 * carry it), refreshing the session once on 401; it throws ApiError.
 */
export async function staffDownload(path: string): Promise<{ blob: Blob; name: string }> {
  const get = async () => {
    try {
      return await fetch(path, { method: 'GET', headers: { Authorization: `Bearer ${accessToken()}` }, credentials: 'same-origin' })
    } catch (e) {
      throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e))
    }
  }
  let res = await get()
  if (res.status === 401 && (await refreshSession())) res = await get()
  if (!res.ok) throw await parseError(res)
  return { blob: await res.blob(), name: fileNameOf(res.headers.get('Content-Disposition')) }
}

/**
 * fileOnBehalf files a report an inspector or lead took from a citizen
 * (POST /api/v1/cases, docs/intake.md) as multipart, with upload progress, the
 * access token and the Idempotency-Key; on 401 it refreshes the session once
 * and sends it again (nothing was filed: the key makes a repeat safe anyway).
 */
export async function fileOnBehalf(input: OnBehalfInput, files: readonly File[], idempotencyKey: string, hooks: UploadHooks = {}): Promise<OnBehalfResult> {
  const send = () =>
    sendForm<OnBehalfResult>('/api/v1/cases', complaintForm(input, files), {
      headers: { 'Idempotency-Key': idempotencyKey, Authorization: `Bearer ${accessToken()}` },
      ...hooks,
    })
  try {
    return await send()
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401 || !(await refreshSession())) throw e
    return await send()
  }
}

/** fileNameOf reads the file name of a Content-Disposition header ("" when none). */
export function fileNameOf(cd: string | null): string {
  if (!cd) return ''
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim())
    } catch {
      // Fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(cd)
  return plain ? plain[1]!.trim() : ''
}

const caseP = (id: string, rest = '') => `/api/v1/cases/${seg(id)}${rest}`

export const caseApi = {
  get: (id: string, signal?: AbortSignal) => staffRequest<CaseDetail>('GET', caseP(id), { signal }),
  transition: (id: string, body: TransitionInput) => staffRequest<unknown>('POST', caseP(id, '/transitions'), { body }),
  /** assign gives the report to an inspector or lead of its unit (400 with fields.assigneeId otherwise). */
  assign: (id: string, assigneeId: string) => staffRequest<unknown>('POST', caseP(id, '/assign'), { body: { assigneeId } }),
  /**
   * route sends the report to another inspection unit (a lead of its unit; 400 with fields.unitId,
   * fields.frontUnitId or fields.reason; 403 otherwise). The report leaves the lead's unit.
   */
  route: (id: string, body: RouteInput) => staffRequest<{ id: string; status: string; version: number }>('POST', caseP(id, '/route'), { body }),
  note: (id: string, text: string) => staffRequest<unknown>('POST', caseP(id, '/notes'), { body: { text } }),
  message: (id: string, text: string) => staffRequest<unknown>('POST', caseP(id, '/messages'), { body: { text } }),
  /** custody asks for custody of the identity (the default) or of the original files, with a reason. */
  custody: (id: string, reason: string, kind: CustodyKind = 'identity') =>
    staffRequest<CustodyRequest>('POST', caseP(id, '/custody'), { body: { kind, reason } }),
  /** identity reads the complainant's identity (custody holders only); the server records every reading. */
  identity: (id: string) => staffRequest<ComplainantIdentity>('GET', caseP(id, '/identity')),
  recommend: (id: string, text: string, answerBy: string) =>
    staffRequest<unknown>('POST', caseP(id, '/recommendations'), { body: { text, answerBy } }),
  answer: (id: string, rid: string, answer: string) =>
    staffRequest<unknown>('POST', caseP(id, `/recommendations/${seg(rid)}/answer`), { body: { answer } }),
  audit: (id: string) => staffRequest<CaseAudit>('GET', caseP(id, '/audit')),
  /** related lists the other reports of the caller's unit (or committee) about the same office or official. */
  related: (id: string) => staffRequest<{ items: RelatedReport[] }>('GET', caseP(id, '/related')),
  /** publish approves publishing a concluded report's public summary (a lead), replacing it when summary is given. */
  publish: (id: string, publicSummary: string) =>
    staffRequest<{ id: string; status: string; version: number }>('POST', caseP(id, '/publication'), { body: { publicSummary } }),
  propose: (id: string, body: ProposalInput) => staffRequest<{ id: string; status: string; version: number }>('POST', caseP(id, '/proposal'), { body }),
  requestExtension: (id: string, days: number, reason: string) =>
    staffRequest<Extension>('POST', caseP(id, '/extensions'), { body: { days, reason } }),
  decideExtension: (id: string, eid: string, approve: boolean, note: string) => {
    const body: { approve: boolean; note?: string } = { approve }
    if (note) body.note = note
    return staffRequest<Extension>('POST', caseP(id, `/extensions/${seg(eid)}/decision`), { body })
  },
  /** attachment downloads the metadata-free copy, or with original the sealed original (custody holders only). */
  attachment: (id: string, aid: string, original = false) =>
    staffDownload(caseP(id, `/attachments/${seg(aid)}${original ? '?original=1' : ''}`)),
  overdueRecommendations: () => list<RecommendationItem>('/api/v1/recommendations/overdue'),
  recommendations: (state: RecommendationState = 'all') => list<RecommendationItem>(`/api/v1/recommendations?state=${seg(state)}`),
}
