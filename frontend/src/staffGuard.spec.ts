import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { createAppRouter } from './router'
import { guard, homePath, landingPath, safeRedirect } from './staffGuard'
import { resetStaffSessionForTests, setSession, type Role } from './staffSession'
import { apiError, fakeApi, grant, staffUser } from './testing/fakeApi'

beforeEach(() => resetStaffSessionForTests())
afterEach(() => resetStaffSessionForTests())

async function landing(path: string, role: Role | null, over = {}) {
  const api = fakeApi()
  api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
  if (role) setSession(grant('acc', staffUser({ role, unitId: role === 'admin' ? '' : 'u1', ...over })))
  const router = createAppRouter(createMemoryHistory())
  await router.push(path)
  return { path: router.currentRoute.value.fullPath, name: router.currentRoute.value.name, api }
}

describe('route guards', () => {
  const table: [string, Role | null, string][] = [
    ['/admin/users', 'admin', '/admin/users'],
    ['/admin/units', 'admin', '/admin/units'],
    ['/admin', 'admin', '/admin/users'],
    ['/staff/queue', 'admin', '/staff/forbidden?from=/staff/queue'],
    ['/staff/custody', 'admin', '/staff/forbidden?from=/staff/custody'],
    ['/admin/users', 'inspector', '/staff/forbidden?from=/admin/users'],
    ['/staff/queue', 'inspector', '/staff/queue'],
    ['/staff/custody', 'inspector', '/staff/custody'],
    ['/staff/queue', 'lead', '/staff/queue'],
    ['/staff/custody', 'lead', '/staff/custody'],
    ['/admin/holidays', 'lead', '/staff/forbidden?from=/admin/holidays'],
    ['/staff/queue', 'monitor', '/staff/queue'],
    ['/staff/custody', 'monitor', '/staff/forbidden?from=/staff/custody'],
    ['/staff/security', 'monitor', '/staff/security'],
    ['/staff', 'monitor', '/staff/queue'],
    ['/staff', 'admin', '/admin/users'],
    ['/staff/login', 'lead', '/staff/queue'],
    ['/staff/login', 'admin', '/admin/users'],
    ['/staff/login', null, '/staff/login'],
    ['/staff/queue', null, '/staff/login?redirect=/staff/queue'],
    ['/admin/audit', null, '/staff/login?redirect=/admin/audit'],
  ]
  it.each(table)('%s as %s → %s', async (path, role, want) => {
    const r = await landing(path, role)
    expect(decodeURIComponent(r.path)).toBe(want)
  })

  it('sends a staff member who must change their password to the security page first', async () => {
    const r = await landing('/staff/queue', 'inspector', { mustChangePassword: true })
    expect(r.name).toBe('staff-security')
    const r2 = await landing('/staff/security', 'inspector', { mustChangePassword: true })
    expect(r2.name).toBe('staff-security')
  })

  it('never asks the server about a staff session on citizen pages', async () => {
    for (const p of ['/', '/report', '/track', '/nope']) {
      const r = await landing(p, null)
      expect(r.api.calls).toEqual([])
    }
  })

  it('checks the refresh cookie once before the first staff page (a reload stays signed in)', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-r', staffUser({ role: 'lead' })))
    const router = createAppRouter(createMemoryHistory())
    await router.push('/staff/custody')
    expect(router.currentRoute.value.fullPath).toBe('/staff/custody')
    await router.push('/staff/queue')
    expect(api.callsTo('POST', '/api/v1/auth/refresh')).toHaveLength(1)
  })
})

describe('redirect after sign-in', () => {
  const rolesOf = (p: string): readonly Role[] | undefined =>
    p.startsWith('/admin') ? ['admin'] : p.startsWith('/staff/custody') ? ['inspector', 'lead'] : p.startsWith('/staff') ? ['inspector', 'lead', 'monitor'] : undefined

  it('goes to the page asked for when the role may see it, else home', () => {
    expect(landingPath(staffUser({ role: 'admin' }), '/admin/units', rolesOf)).toBe('/admin/units')
    expect(landingPath(staffUser({ role: 'monitor' }), '/staff/custody', rolesOf)).toBe('/staff/queue')
    expect(landingPath(staffUser({ role: 'inspector' }), '', rolesOf)).toBe('/staff/queue')
    expect(landingPath(staffUser({ role: 'admin' }), '//evil.example/x', rolesOf)).toBe('/admin/users')
    expect(landingPath(staffUser({ role: 'admin' }), 'https://evil.example/', rolesOf)).toBe('/admin/users')
    expect(landingPath(staffUser({ role: 'lead', mustChangePassword: true }), '/staff/queue', rolesOf)).toBe('/staff/security?must=1')
  })

  it('accepts only paths of this site', () => {
    expect(safeRedirect('/staff/queue?x=1')).toBe('/staff/queue?x=1')
    expect(safeRedirect('//evil.example')).toBe('')
    expect(safeRedirect('/\\evil.example')).toBe('')
    expect(safeRedirect('javascript:alert(1)')).toBe('')
    expect(safeRedirect(['/a'])).toBe('')
  })

  it('home pages', () => {
    expect(homePath('admin')).toBe('/admin/users')
    expect(homePath('monitor')).toBe('/staff/queue')
    expect(guard({ fullPath: '/', meta: {} }, null)).toBe(true)
  })
})
