import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { jsonResponse } from './testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from './testing/fakeApi'
import {
  accessToken,
  clearSession,
  currentUser,
  logout,
  MIN_REFRESH_DELAY_MS,
  onSessionLost,
  refreshDelay,
  refreshSession,
  REFRESH_RETRY_MS,
  resetStaffSessionForTests,
  setSession,
  staffRequest,
  startSession,
  useStaffSession,
} from './staffSession'

beforeEach(() => {
  resetStaffSessionForTests()
  localStorage.clear()
  sessionStorage.clear()
})

afterEach(() => {
  resetStaffSessionForTests()
  vi.useRealTimers()
})

describe('refreshDelay', () => {
  const now = Date.parse('2026-03-01T00:00:00Z')
  it('is a minute before the expiry of a normal token', () => {
    expect(refreshDelay('2026-03-01T00:15:00Z', now)).toBe(14 * 60_000)
  })
  it('is half the life of a short token, and never below the floor', () => {
    expect(refreshDelay('2026-03-01T00:01:30Z', now)).toBe(45_000)
    expect(refreshDelay('2026-03-01T00:00:04Z', now)).toBe(MIN_REFRESH_DELAY_MS)
    // A token that looks expired (a skewed clock) is refreshed soon, not in a loop.
    expect(refreshDelay('2026-02-28T23:00:00Z', now)).toBe(MIN_REFRESH_DELAY_MS)
    expect(refreshDelay('garbage', now)).toBe(MIN_REFRESH_DELAY_MS)
  })
})

describe('silent refresh', () => {
  it('renews the token about 60 s before it expires, again and again', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T00:00:00Z') })
    const api = fakeApi()
    let n = 1
    api.on('POST', '/api/v1/auth/refresh', () => {
      n++
      return jsonResponse(200, grant(`acc-${n}`, staffUser(), 15 * 60_000))
    })
    setSession(grant('acc-1', staffUser(), 15 * 60_000))
    expect(accessToken()).toBe('acc-1')

    await vi.advanceTimersByTimeAsync(14 * 60_000 - 1_000)
    expect(api.calls).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(api.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(1)
    expect(accessToken()).toBe('acc-2')

    // The next one is scheduled from the new expiry.
    await vi.advanceTimersByTimeAsync(14 * 60_000)
    expect(api.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(2)
    expect(accessToken()).toBe('acc-3')
  })

  it('sends the refresh cookie (same-origin credentials) and no token', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-9'))
    await refreshSession()
    const [, init] = api.fetchMock.mock.calls[0] as [string, RequestInit]
    expect(init.credentials).toBe('same-origin')
    expect(api.calls[0]!.headers.Authorization).toBeUndefined()
    // The server's cookie routes take JSON only.
    expect(api.calls[0]!.headers['Content-Type']).toBe('application/json')
  })

  it('stops when the cookie is refused, and retries later when the server is unreachable', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T00:00:00Z') })
    const api = fakeApi()
    api.on(
      'POST',
      '/api/v1/auth/refresh',
      () => {
        throw new TypeError('Failed to fetch')
      },
      () => apiError(401, 'unauthorized'),
    )
    setSession(grant('acc-1', staffUser(), 2 * 60_000))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(api.calls).toHaveLength(1)
    // Offline: the token is kept and the refresh tried again.
    expect(accessToken()).toBe('acc-1')
    await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS)
    expect(api.calls).toHaveLength(2)
    // Refused: signed out, and no more timers.
    expect(accessToken()).toBe('')
    expect(useStaffSession().endedReason.value).toBe('expired')
    await vi.advanceTimersByTimeAsync(60 * 60_000)
    expect(api.calls).toHaveLength(2)
  })

  it('tries the cookie once per page load and shares one request between callers', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-r', staffUser({ role: 'lead' })))
    await Promise.all([startSession(), startSession(), refreshSession()])
    await startSession()
    expect(api.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(1)
    expect(currentUser()?.role).toBe('lead')
    expect(useStaffSession().signedIn.value).toBe(true)
  })

  it('starts signed out when there is no cookie', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    await startSession()
    expect(currentUser()).toBeNull()
    expect(useStaffSession().endedReason.value).toBe('')
  })

  it('keeps the token in memory only', async () => {
    setSession(grant('secret-access-token'))
    expect(JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie).not.toContain(
      'secret-access-token',
    )
  })
})

describe('staffRequest', () => {
  it('sends the bearer token', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, { items: [] })
    setSession(grant('acc-1'))
    await staffRequest('GET', '/api/v1/cases')
    expect(api.calls[0]!.headers.Authorization).toBe('Bearer acc-1')
  })

  it('on 401 refreshes once and retries once with the new token', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/cases', (c) =>
      c.headers.Authorization === 'Bearer acc-2' ? jsonResponse(200, { items: [1] }) : apiError(401, 'unauthorized'),
    )
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-2'))
    const lost = vi.fn()
    onSessionLost(lost)
    setSession(grant('acc-1'))
    await expect(staffRequest('GET', '/api/v1/cases')).resolves.toEqual({ items: [1] })
    expect(api.calls.map((c) => `${c.method} ${c.url} ${c.headers.Authorization ?? ''}`)).toEqual([
      'GET /api/v1/cases Bearer acc-1',
      'POST /api/v1/auth/refresh ',
      'GET /api/v1/cases Bearer acc-2',
    ])
    expect(lost).not.toHaveBeenCalled()
  })

  it('goes to sign-in when the refresh is refused', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/cases', () => apiError(401, 'unauthorized'))
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    const lost = vi.fn()
    onSessionLost(lost)
    setSession(grant('acc-1'))
    await expect(staffRequest('GET', '/api/v1/cases')).rejects.toMatchObject({ status: 401 })
    expect(api.callsTo('GET', '/api/v1/cases')).toHaveLength(1)
    expect(lost).toHaveBeenCalledTimes(1)
    expect(accessToken()).toBe('')
  })

  it('retries only once: a second 401 after a good refresh also ends the session', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/cases', () => apiError(401, 'unauthorized'))
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-2'))
    const lost = vi.fn()
    onSessionLost(lost)
    setSession(grant('acc-1'))
    await expect(staffRequest('GET', '/api/v1/cases')).rejects.toMatchObject({ status: 401 })
    expect(api.callsTo('GET', '/api/v1/cases')).toHaveLength(2)
    expect(api.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(1)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('does not refresh on other errors', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/admin/users', () => apiError(403, 'forbidden'))
    setSession(grant('acc-1'))
    await expect(staffRequest('GET', '/api/v1/admin/users')).rejects.toMatchObject({ status: 403, code: 'forbidden' })
    expect(api.calls).toHaveLength(1)
    expect(accessToken()).toBe('acc-1')
  })

  it('uses the cookie first when the page has no token yet (after a reload)', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-r'))
    api.json('GET', '/api/v1/cases', 200, { items: [] })
    await staffRequest('GET', '/api/v1/cases')
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/auth/refresh', '/api/v1/cases'])
    expect(api.calls[1]!.headers.Authorization).toBe('Bearer acc-r')
  })
})

describe('logout', () => {
  it('ends the session on the server and forgets the token, even when the server fails', async () => {
    vi.useFakeTimers()
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/logout', () => new Response(null, { status: 204 }))
    setSession(grant('acc-1'))
    await logout()
    expect(api.calls[0]!.url).toBe('/api/v1/auth/logout')
    expect(api.calls[0]!.headers.Authorization).toBe('Bearer acc-1')
    expect(api.calls[0]!.headers['Content-Type']).toBe('application/json')
    expect(accessToken()).toBe('')
    expect(useStaffSession().endedReason.value).toBe('signed_out')
    // No refresh timer is left behind.
    await vi.advanceTimersByTimeAsync(60 * 60_000)
    expect(api.calls).toHaveLength(1)

    api.on('POST', '/api/v1/auth/logout', () => {
      throw new TypeError('offline')
    })
    setSession(grant('acc-2'))
    await logout()
    expect(accessToken()).toBe('')
    clearSession()
  })
})
