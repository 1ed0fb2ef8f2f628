import { describe, expect, it } from 'vitest'
import { fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, openAs, resetPageTests, settle } from '../testing/mountApp'
import { testMeta } from '../testing/meta'
import { logInfo, witness } from '../testing/logWitnesses'
import { setSession } from '../staffSession'
import type { LogInfo } from '../api'

// The staff page of the public log and its witnesses (/staff/log), its place
// in the staff menu, and the monitors' alert on their landing page (the queue).

resetPageTests()

const REFUSING = logInfo([
  witness({
    cosigned: { size: 1200, at: '2026-12-05T02:00:00Z' },
    refused: { size: 1100, at: '2026-12-05T02:30:00Z', reason: 'rollback' },
    alarm: true,
  }),
])

function serveQueue(info: LogInfo | null) {
  const api = fakeApi()
  api.json('GET', '/api/v1/meta', 200, testMeta)
  api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [] })
  api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
  if (info) api.json('GET', '/api/v1/log', 200, info)
  return api
}

describe('staff page of the public log', () => {
  it('shows the log and its witnesses to a monitor, linked right after the queue in the menu', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/log', 200, REFUSING)
    const { w } = await openAs({ role: 'monitor', unitName: 'Ủy ban MTTQ Thành phố' }, '/staff/log', 'log-witness-table', 'vi')
    expect(w.get('h1').text()).toBe('Sổ công khai và bên chứng kiến')
    expect(document.title).toBe('Sổ công khai và bên chứng kiến · Minh Bạch')
    expect(w.get('[data-testid="staff-log-monitor"]').text()).toContain('Ủy ban bạn')
    expect(w.get('[data-testid="log-witness-refused-alert"]').text()).toContain('sổ quay về một trạng thái cũ hơn')
    const links = w.get('[data-testid="staff-nav"]').findAll('a').map((a) => a.attributes('href'))
    expect(links.slice(0, 2)).toEqual(['/staff/queue', '/staff/log'])
    expect(w.get('[data-testid="staff-nav-log"]').text()).toBe('Sổ công khai')
    expect(w.get('[data-testid="staff-nav-log"]').attributes('aria-current')).toBe('page')
    expect(api.calls.every((c) => c.url !== '/api/v1/log' || !c.headers.Authorization)).toBe(true)
  })

  it('is open to every staff role, and in their menus', async () => {
    for (const role of ['inspector', 'lead', 'admin'] as const) {
      const api = fakeApi()
      api.json('GET', '/api/v1/log', 200, logInfo([]))
      setSession(grant('acc', staffUser({ role, ...(role === 'admin' ? { unitId: '' } : {}) })))
      const { w, router } = await mountApp('/staff/log', 'en')
      await settle()
      expect(router.currentRoute.value.name, role).toBe('staff-log')
      expect(w.get('h1').text()).toBe('Public log and witnesses')
      expect(w.find('[data-testid="log-no-witnesses"]').exists(), role).toBe(true)
      expect(w.find('[data-testid="staff-log-monitor"]').exists()).toBe(false)
      expect(w.get('[data-testid="staff-nav-log"]').attributes('href')).toBe('/staff/log')
      w.unmount()
    }
  })

  it('asks a visitor who is not signed in to sign in', async () => {
    fakeApi().json('POST', '/api/v1/auth/refresh', 401, { error: { code: 'unauthorized', message: 'no' } })
    const { router } = await mountApp('/staff/log')
    await settle()
    expect(router.currentRoute.value.name).toBe('staff-login')
    expect(router.currentRoute.value.query.redirect).toBe('/staff/log')
  })
})

describe('the monitors’ alert on the queue', () => {
  it('links to the log page when a witness refused', async () => {
    serveQueue(REFUSING)
    const { w, router } = await openAs({ role: 'monitor', unitName: 'Ủy ban MTTQ Thành phố' }, '/staff/queue', 'log-alarm', 'vi')
    const alarm = w.get('[data-testid="log-alarm"]')
    expect(alarm.attributes('role')).toBe('alert')
    const link = alarm.get('[data-testid="log-alarm-link"]')
    expect(link.text()).toBe('Bên chứng kiến đã từ chối đồng xác nhận sổ công khai — xem chi tiết')
    expect(link.attributes('href')).toBe('/staff/log')
    await link.trigger('click')
    await settle()
    expect(router.currentRoute.value.path).toBe('/staff/log')
  })

  it('says a silent witness, and nothing when all is well or the log cannot be read', async () => {
    serveQueue(logInfo([witness({ cosigned: { size: 3, at: '2026-12-05T01:00:00Z' }, alarm: true })]))
    const silent = await openAs({ role: 'monitor', unitName: 'MTTQ' }, '/staff/queue', 'log-alarm', 'en')
    expect(silent.w.get('[data-testid="log-alarm-link"]').text()).toBe('A witness has not co-signed the public log for a long time — see the details')
    silent.w.unmount()

    const api = serveQueue(logInfo([witness({ cosigned: { size: 3, at: '2026-12-05T02:59:00Z' } })]))
    const ok = await openAs({ role: 'monitor', unitName: 'MTTQ' }, '/staff/queue', 'queue-empty', 'en')
    await settle()
    expect(api.callsTo('GET', '/api/v1/log')).toHaveLength(1)
    expect(ok.w.find('[data-testid="log-alarm"]').exists()).toBe(false)
    ok.w.unmount()

    serveQueue(null)
    const down = await openAs({ role: 'monitor', unitName: 'MTTQ' }, '/staff/queue', 'queue-empty', 'en')
    await settle()
    expect(down.w.find('[data-testid="log-alarm"]').exists()).toBe(false)
  })

  it('is not asked for inspectors', async () => {
    const api = serveQueue(REFUSING)
    const { w } = await openAs('inspector', '/staff/queue', 'queue-empty', 'en')
    await settle()
    expect(api.callsTo('GET', '/api/v1/log')).toHaveLength(0)
    expect(w.find('[data-testid="log-alarm"]').exists()).toBe(false)
  })
})
