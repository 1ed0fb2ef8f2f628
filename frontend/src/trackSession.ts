// The citizen's tracking session. The token lives in this module's memory
// and in the tab's sessionStorage — never in localStorage or a cookie — so a
// reload of the tracking page keeps the citizen signed in, while closing the
// tab, signing out or the token's expiry ends the session and removes it
// (docs/privacy.md, "What is kept where").

import { computed, readonly, ref } from 'vue'
import type { TrackSession } from './api'

/** The sessionStorage key of the tracking session. */
export const TRACK_SESSION_KEY = 'mb.trackSession'

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage
  } catch {
    return null // storage disabled: the session lives in memory only
  }
}

function expired(s: TrackSession, now: number): boolean {
  return !!s.expiresAt && !(Date.parse(s.expiresAt) > now)
}

/**
 * storedTrackSession reads the tab's session; one that is malformed or has
 * expired is removed, and an expired one is reported as such.
 */
export function storedTrackSession(now = Date.now()): { session: TrackSession | null; expired: boolean } {
  const st = storage()
  const raw = st?.getItem(TRACK_SESSION_KEY)
  if (!st || !raw) return { session: null, expired: false }
  try {
    const v = JSON.parse(raw) as Partial<TrackSession>
    if (typeof v.token === 'string' && v.token && (v.expiresAt === undefined || typeof v.expiresAt === 'string')) {
      const s: TrackSession = { token: v.token, ...(v.expiresAt ? { expiresAt: v.expiresAt } : {}) }
      if (!expired(s, now)) return { session: s, expired: false }
      st.removeItem(TRACK_SESSION_KEY)
      return { session: null, expired: true }
    }
  } catch {
    // Not JSON: dropped below.
  }
  st.removeItem(TRACK_SESSION_KEY)
  return { session: null, expired: false }
}

const initial = storedTrackSession()
const current = ref<TrackSession | null>(initial.session)

/** Why the citizen was last sent back to the login form, if not by choice. */
const endedReason = ref<'' | 'expired'>(initial.expired ? 'expired' : '')

export function setTrackSession(s: TrackSession): void {
  current.value = { token: s.token, ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}) }
  endedReason.value = ''
  try {
    storage()?.setItem(TRACK_SESSION_KEY, JSON.stringify(current.value))
  } catch {
    // Storage full or disabled: the session still works until a reload.
  }
}

/** clearTrackSession forgets the token, in memory and in the tab; reason 'expired' tells the login form to say so. */
export function clearTrackSession(reason: '' | 'expired' = ''): void {
  current.value = null
  endedReason.value = reason
  storage()?.removeItem(TRACK_SESSION_KEY)
}

/** restoreTrackSessionForTests re-reads the tab's storage, as a reload does. */
export function restoreTrackSessionForTests(now = Date.now()): void {
  const s = storedTrackSession(now)
  current.value = s.session
  endedReason.value = s.expired ? 'expired' : ''
}

export function useTrackSession() {
  return {
    session: readonly(current),
    token: computed(() => current.value?.token ?? ''),
    endedReason: readonly(endedReason),
    setTrackSession,
    clearTrackSession,
  }
}

/** normalizeCode accepts "mb 7k3m 9qx2" or "MB7K3M9QX2" for "MB-7K3M-9QX2". */
export function normalizeCode(v: string): string {
  const s = v.toUpperCase().replace(/[\s-]+/g, '')
  const m = /^MB([0-9A-Z]{4})([0-9A-Z]{4})$/.exec(s)
  return m ? `MB-${m[1]}-${m[2]}` : v.trim().toUpperCase()
}

/** normalizeReceipt accepts 16 digits with or without spaces or dashes, as "1234-5678-9012-3456". */
export function normalizeReceipt(v: string): string {
  const digits = v.replace(/[\s-]+/g, '')
  return /^\d{16}$/.test(digits) ? digits.replace(/(\d{4})(?=\d)/g, '$1-') : v.trim()
}
