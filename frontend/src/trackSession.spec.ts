import { beforeEach, describe, expect, it } from 'vitest'
import {
  TRACK_SESSION_KEY,
  clearTrackSession,
  restoreTrackSessionForTests,
  setTrackSession,
  storedTrackSession,
  useTrackSession,
} from './trackSession'

const now = Date.parse('2026-12-04T10:00:00Z')
const later = '2026-12-04T10:30:00Z'

describe('the tracking session in the tab', () => {
  beforeEach(() => {
    sessionStorage.clear()
    localStorage.clear()
    clearTrackSession()
  })

  it('survives a reload: kept in sessionStorage, never in localStorage', () => {
    setTrackSession({ token: 'tok-a', expiresAt: later })
    expect(JSON.parse(sessionStorage.getItem(TRACK_SESSION_KEY)!)).toEqual({ token: 'tok-a', expiresAt: later })
    expect(JSON.stringify({ ...localStorage })).not.toContain('tok-a')
    expect(document.cookie).not.toContain('tok-a')
    // A reload starts the module afresh from the tab's storage.
    restoreTrackSessionForTests(now)
    expect(useTrackSession().token.value).toBe('tok-a')
    expect(useTrackSession().endedReason.value).toBe('')
  })

  it('is removed on sign-out', () => {
    setTrackSession({ token: 'tok-b', expiresAt: later })
    clearTrackSession()
    expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toBeNull()
    restoreTrackSessionForTests(now)
    expect(useTrackSession().token.value).toBe('')
  })

  it('is removed on expiry, and the login form is told it ended', () => {
    setTrackSession({ token: 'tok-c', expiresAt: later })
    restoreTrackSessionForTests(Date.parse(later) + 1)
    expect(useTrackSession().token.value).toBe('')
    expect(useTrackSession().endedReason.value).toBe('expired')
    expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toBeNull()
    // And when the server ends it first (401), it is removed too.
    setTrackSession({ token: 'tok-d', expiresAt: later })
    clearTrackSession('expired')
    expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toBeNull()
  })

  it('drops what it cannot read', () => {
    for (const bad of ['not json', '{"token":""}', '{"token":42}', '[]', '{"token":"t","expiresAt":7}']) {
      sessionStorage.setItem(TRACK_SESSION_KEY, bad)
      expect(storedTrackSession(now)).toEqual({ session: null, expired: false })
      expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toBeNull()
    }
  })
})
