// The staff session. The access token lives in this module's memory only —
// never in localStorage, sessionStorage or a readable cookie. The refresh
// token is an HttpOnly cookie that the browser sends to /api/v1/auth/* by
// itself, so a reload signs the staff member back in through one silent
// refresh, and the access token is renewed about a minute before it expires.

import { computed, readonly, ref } from 'vue'
import { ApiError, request } from './api'

export type Role = 'admin' | 'lead' | 'inspector' | 'monitor'

export const ROLES: readonly Role[] = ['admin', 'lead', 'inspector', 'monitor']

/** A staff member, as /api/v1/auth/* returns them. */
export interface StaffUser {
  id: string
  email: string
  name: string
  role: Role
  /** The inspection unit (inspector, lead) or Front committee (monitor); empty for admins. */
  unitId: string
  unitName?: string
  totpEnabled: boolean
  mustChangePassword: boolean
}

/** What a successful login, refresh or enrolment returns. */
export interface SessionGrant {
  accessToken: string
  expiresAt: string
  user: StaffUser
}

/** Refresh this long before the access token expires. */
export const REFRESH_LEAD_MS = 60_000
/** Never schedule a refresh sooner than this (a skewed clock must not cause a refresh storm). */
export const MIN_REFRESH_DELAY_MS = 5_000
/** After a failed refresh (network, 5xx), try again this much later while the token may still be valid. */
export const REFRESH_RETRY_MS = 15_000
const MAX_TIMER_MS = 2_147_483_647

const token = ref('')
const expiresAt = ref('')
const user = ref<StaffUser | null>(null)
/** Why the session last ended, if not by the staff member's choice. */
const endedReason = ref<'' | 'expired' | 'password_changed' | 'signed_out'>('')

let timer: ReturnType<typeof setTimeout> | undefined
let inflight: Promise<boolean> | null = null
let started: Promise<void> | null = null
let lostHandler: (() => void) | null = null
/** Counts sign-outs, so that a refresh answered after one does not sign the staff member back in. */
let signOuts = 0

/**
 * refreshDelay is how long to wait before renewing a token that expires at
 * `expires`: a minute before the end, or half its life when it is short, but
 * never less than MIN_REFRESH_DELAY_MS.
 */
export function refreshDelay(expires: string, now: number = Date.now()): number {
  const end = Date.parse(expires)
  if (Number.isNaN(end)) return MIN_REFRESH_DELAY_MS
  const life = end - now
  const delay = life > 2 * REFRESH_LEAD_MS ? life - REFRESH_LEAD_MS : life / 2
  return Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_DELAY_MS, Math.floor(delay)))
}

function schedule(delay: number) {
  clearTimeout(timer)
  timer = setTimeout(() => {
    timer = undefined
    refreshSession().catch(() => {
      // Offline or the server is down: keep the token (it may still be valid) and try again soon.
      if (token.value) schedule(REFRESH_RETRY_MS)
    })
  }, delay)
}

/** setSession keeps a new access token and user, and schedules the silent refresh. */
export function setSession(g: SessionGrant): void {
  token.value = g.accessToken
  expiresAt.value = g.expiresAt
  user.value = { ...g.user }
  endedReason.value = ''
  schedule(refreshDelay(g.expiresAt))
}

/** updateUser replaces the signed-in user's record (after /auth/me or a change of their own). */
export function updateUser(u: StaffUser): void {
  if (user.value) user.value = { ...u }
}

/** clearSession forgets the token and the user and stops the refresh timer. */
export function clearSession(reason: '' | 'expired' | 'password_changed' | 'signed_out' = ''): void {
  clearTimeout(timer)
  timer = undefined
  token.value = ''
  expiresAt.value = ''
  user.value = null
  endedReason.value = reason
}

/** withRefreshLock runs fn while holding a cross-tab lock, so two tabs never spend the same refresh cookie at once. */
async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks && typeof locks.request === 'function') return locks.request('mb.staff.refresh', fn) as Promise<T>
  return fn()
}

/**
 * refreshSession asks for a new access token with the refresh cookie. It
 * resolves true when signed in, false when the server says the cookie is
 * missing or no longer valid (the session is then cleared), and throws an
 * ApiError for other failures (network, 5xx, 429). Concurrent calls share one
 * request.
 */
export function refreshSession(): Promise<boolean> {
  if (inflight) return inflight
  const before = token.value
  const outs = signOuts
  inflight = (async () => {
    try {
      const g = await withRefreshLock(() => request<SessionGrant>('POST', '/api/v1/auth/refresh', { body: {} }))
      if (outs !== signOuts) return false
      setSession(g)
      return true
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        // A sign-in that finished meanwhile is not undone by an old cookie's refusal.
        if (token.value !== before) return true
        clearSession(token.value ? 'expired' : '')
        return false
      }
      throw e
    } finally {
      inflight = null
    }
  })()
  return inflight
}

/**
 * startSession tries the refresh cookie once per page load (a reload keeps the
 * staff member signed in). Later calls wait for that first attempt.
 */
export function startSession(): Promise<void> {
  if (!started) {
    // Already signed in on this page (a login): nothing to ask.
    if (token.value) return (started = Promise.resolve())
    started = refreshSession().then(
      () => undefined,
      () => undefined,
    )
  }
  return started
}

/** onSessionLost sets what happens when a staff API call finds the session gone (the router sends to login). */
export function onSessionLost(handler: (() => void) | null): void {
  lostHandler = handler
}

function sessionLost() {
  clearSession('expired')
  lostHandler?.()
}

export interface StaffRequestOptions {
  body?: unknown
  signal?: AbortSignal
  headers?: Record<string, string>
}

function withBearer(options: StaffRequestOptions, tk: string) {
  return { ...options, headers: { ...options.headers, Authorization: `Bearer ${tk}` } }
}

/**
 * staffRequest calls a staff API with the access token. On 401 it refreshes
 * once and retries once; when that fails too, the session is cleared and the
 * session-lost handler runs (the router goes to the login page).
 */
export async function staffRequest<T>(method: string, path: string, options: StaffRequestOptions = {}): Promise<T> {
  if (!token.value) {
    await startSession()
    if (!token.value) {
      sessionLost()
      throw new ApiError(401, 'unauthorized', 'not signed in')
    }
  }
  try {
    return await request<T>(method, path, withBearer(options, token.value))
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    if (!(await refreshSession())) {
      sessionLost()
      throw e
    }
    try {
      return await request<T>(method, path, withBearer(options, token.value))
    } catch (e2) {
      if (e2 instanceof ApiError && e2.status === 401) sessionLost()
      throw e2
    }
  }
}

/** logout ends the session on the server (the refresh cookie) and forgets it here, whatever the server says. */
export async function logout(): Promise<void> {
  const tk = token.value
  signOuts++
  clearSession('signed_out')
  try {
    // A JSON body: the server refuses any other on its cookie routes (a cross-site form cannot send one).
    await request<void>('POST', '/api/v1/auth/logout', { body: {}, ...(tk ? { headers: { Authorization: `Bearer ${tk}` } } : {}) })
  } catch {
    // The access token is gone from memory either way; the cookie expires on its own.
  }
}

/** accessToken is the current token, for requests that cannot go through staffRequest (downloads). */
export function accessToken(): string {
  return token.value
}

export function currentUser(): StaffUser | null {
  return user.value
}

export function useStaffSession() {
  return {
    user: readonly(user),
    signedIn: computed(() => !!token.value && !!user.value),
    expiresAt: readonly(expiresAt),
    endedReason: readonly(endedReason),
  }
}

/** resetStaffSessionForTests puts the module back as at page load. */
export function resetStaffSessionForTests(): void {
  clearSession()
  inflight = null
  started = null
  lostHandler = null
}
