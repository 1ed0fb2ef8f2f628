// The citizen's tracking session. The token lives in this module's memory
// only — never in localStorage, sessionStorage or a cookie — so a reload or a
// closed tab logs the citizen out, and nothing is left on a shared device.

import { computed, readonly, ref } from 'vue'
import type { TrackSession } from './api'

const current = ref<TrackSession | null>(null)

/** Why the citizen was last sent back to the login form, if not by choice. */
const endedReason = ref<'' | 'expired'>('')

export function setTrackSession(s: TrackSession): void {
  current.value = { token: s.token, ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}) }
  endedReason.value = ''
}

/** clearTrackSession forgets the token; reason 'expired' tells the login form to say so. */
export function clearTrackSession(reason: '' | 'expired' = ''): void {
  current.value = null
  endedReason.value = reason
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
