// A scriptable fetch for unit tests: answers by "METHOD path", records every
// call with its headers and body, and fails loudly on an unexpected request.

import { vi } from 'vitest'
import { jsonResponse } from './fakeXhr'
import type { Role, SessionGrant, StaffUser } from '../staffSession'
import type { StaffName } from '../staffApi'

export interface Call {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

export type Handler = (call: Call) => Response | Promise<Response>

export function fakeApi() {
  const routes = new Map<string, Handler[] | Handler>()
  const calls: Call[] = []
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    const call: Call = {
      method: init.method ?? 'GET',
      url,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    calls.push(call)
    const key = `${call.method} ${url}`
    const h = routes.get(key)
    if (!h) throw new Error(`unexpected ${key}`)
    // A list of handlers answers one call each, the last one again and again.
    if (Array.isArray(h)) {
      const next = h.length > 1 ? h.shift()! : h[0]!
      return next(call)
    }
    return h(call)
  })
  vi.stubGlobal('fetch', fetchMock)
  return {
    calls,
    fetchMock,
    /** on answers every call of method+path with h (or each in turn, when given several). */
    on(method: string, path: string, ...h: Handler[]) {
      routes.set(`${method} ${path}`, h.length === 1 ? h[0]! : h)
    },
    json(method: string, path: string, status: number, body: unknown, headers: Record<string, string> = {}) {
      routes.set(`${method} ${path}`, () => jsonResponse(status, body, headers))
    },
    callsTo(method: string, path: string): Call[] {
      return calls.filter((c) => c.method === method && c.url === path)
    },
  }
}

export function apiError(status: number, code: string, fields?: Record<string, string>, headers: Record<string, string> = {}) {
  return jsonResponse(status, { error: { code, message: code, ...(fields ? { fields } : {}) } }, headers)
}

export function staffUser(over: Partial<StaffUser> = {}): StaffUser {
  return {
    id: 'u1',
    email: 'thanh.tra@example.vn',
    name: 'Nguyễn Văn Tra',
    role: 'inspector',
    unitId: 'unit-1',
    unitName: 'Thanh tra Thành phố',
    totpEnabled: false,
    mustChangePassword: false,
    ...over,
  }
}

export function grant(token = 'acc-1', user: StaffUser = staffUser(), expiresInMs = 15 * 60_000, now = Date.now()): SessionGrant {
  return { accessToken: token, expiresAt: new Date(now + expiresInMs).toISOString(), user }
}

/** person is a staff member as a report's `people` and `assignable` name them. */
export function person(id: string, name: string, role: Role = 'inspector'): StaffName {
  return { id, name, role }
}

/** peopleOf indexes staff members by id, as GET /cases/{id} sends `people`. */
export function peopleOf(...list: StaffName[]): Record<string, StaffName> {
  return Object.fromEntries(list.map((p) => [p.id, p]))
}
