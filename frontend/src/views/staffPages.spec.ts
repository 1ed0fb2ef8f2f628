import { describe, expect, it } from 'vitest'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, openAs, resetPageTests, settle, until } from '../testing/mountApp'
import { setSession } from '../staffSession'
import type { AdminUser, CustodyRequest, Unit } from '../staffApi'
import { testMeta } from '../testing/meta'

resetPageTests()

describe('queue', () => {
  it('says no report was routed to the unit yet, naming the unit', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w } = await openAs({ unitName: 'Thanh tra Phường Sài Gòn' }, '/staff/queue', 'queue-empty', 'vi')
    expect(w.get('[data-testid="queue-empty"]').text()).toBe('Chưa có phản ánh nào được chuyển đến đơn vị Thanh tra Phường Sài Gòn.')
    expect(w.find('[data-testid="queue-read-only"]').exists()).toBe(false)
    expect(api.calls[0]!.headers.Authorization).toBe('Bearer acc')
  })

  it('lists the reports, and tells a monitor the page is read-only', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, {
      items: [{ id: 'c1', trackingCode: 'MB-7K3M-9QX2', title: 'Bị đòi tiền', status: 'received', submittedAt: '2026-03-01T02:00:00Z' }],
      nextCursor: null,
      counts: {},
    })
    api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [] })
    const { w } = await openAs({ role: 'monitor', unitName: 'MTTQ Thành phố' }, '/staff/queue', 'queue-row')
    expect(w.get('[data-testid="queue-row"]').findAll('td').map((td) => td.text())).toEqual([
      'MB-7K3M-9QX2',
      'Bị đòi tiền',
      'Received',
      expect.stringContaining('09:00'),
      // Kind, conduct and due date are not in this (older) item: shown as dashes.
      '—',
      '—',
      'Not assigned',
      '—',
    ])
    expect(w.get('[data-testid="queue-read-only"]').text()).toContain('cannot change')
  })

  it('marks a report that did not come through the web form with its channel', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, {
      items: [
        { id: 'c1', trackingCode: 'MB-AAAA-0001', title: 'Một', status: 'received', submittedAt: '2026-03-01T02:00:00Z', channel: 'hotline' },
        { id: 'c2', trackingCode: 'MB-AAAA-0002', title: 'Hai', status: 'received', submittedAt: '2026-03-01T02:00:00Z', channel: 'web' },
        { id: 'c3', trackingCode: 'MB-AAAA-0003', title: 'Ba', status: 'received', submittedAt: '2026-03-01T02:00:00Z' },
      ],
      nextCursor: null,
      counts: { received: 3 },
    })
    const { w } = await openAs('inspector', '/staff/queue', 'queue-row', 'vi')
    const rows = w.findAll('[data-testid="queue-row"]')
    expect(rows.map((r) => r.find('[data-testid="queue-channel"]').exists())).toEqual([true, false, false])
    expect(rows[0]!.get('[data-testid="queue-channel"]').text()).toBe('Kênh: Đường dây nóng')
  })

  it('names the assignee and marks a near due date, in colour and in words', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, {
      items: [
        { id: 'c1', trackingCode: 'MB-AAAA-0001', title: 'Một', status: 'accepted', submittedAt: '2026-03-01T02:00:00Z',
          dueAt: '2026-03-03T05:00:00Z', dueSoon: true, assigneeId: 'u1', assigneeName: 'Ngô Thị Hoa' },
        { id: 'c2', trackingCode: 'MB-AAAA-0002', title: 'Hai', status: 'received', submittedAt: '2026-03-01T02:00:00Z',
          dueAt: '2026-02-27T05:00:00Z', overdue: true },
        { id: 'c3', trackingCode: 'MB-AAAA-0003', title: 'Ba', status: 'received', submittedAt: '2026-03-01T02:00:00Z',
          dueAt: '2026-03-20T05:00:00Z', assigneeId: 'gone' },
      ],
      nextCursor: null,
      counts: { received: 2, accepted: 1 },
    })
    const { w } = await openAs('lead', '/staff/queue', 'queue-row', 'vi')
    const rows = w.findAll('[data-testid="queue-row"]')
    expect(rows.map((r) => r.get('[data-testid="queue-assignee"]').text())).toEqual(['Ngô Thị Hoa', 'Chưa giao', 'Tài khoản không còn'])
    expect(rows[0]!.classes()).toContain('row-due-soon')
    expect(rows[0]!.get('[data-testid="queue-due"]').text()).toBe('03/03/2026 — sắp đến hạn')
    expect(rows[1]!.classes()).toEqual(['row-overdue'])
    expect(rows[1]!.get('[data-testid="queue-due"]').text()).toBe('27/02/2026 — quá hạn')
    expect(rows[2]!.classes()).toEqual([])
    expect(rows[2]!.get('[data-testid="queue-due"]').text()).toBe('20/03/2026')
  })

  it('keeps the sort, "assigned to me" and the status in the address, and counts reports per status', async () => {
    const api = fakeApi()
    const page = (counts: Record<string, number>) => ({
      items: [{ id: 'c1', trackingCode: 'MB-7K3M-9QX2', title: 'Bị đòi tiền', status: 'received', submittedAt: '2026-03-01T02:00:00Z' }],
      nextCursor: null,
      counts,
    })
    api.json('GET', '/api/v1/cases?assignee=me&sort=-submitted', 200, page({ received: 4, concluded: 1 }))
    api.json('GET', '/api/v1/cases?status=concluded&assignee=me&sort=-submitted', 200, page({ received: 4, concluded: 1 }))
    api.json('GET', '/api/v1/cases?status=concluded&assignee=me&sort=status', 200, page({ received: 4, concluded: 1 }))
    api.json('GET', '/api/v1/cases?status=concluded&sort=status', 200, page({ received: 4, concluded: 1 }))
    const { w, router } = await openAs('inspector', '/staff/queue?assignee=me&sort=-submitted', 'queue-row')
    expect((w.get('[data-testid="queue-sort"]').element as HTMLSelectElement).value).toBe('-submitted')
    expect((w.get('[data-testid="qf-mine"]').element as HTMLInputElement).checked).toBe(true)
    expect(w.findAll('[data-testid="queue-counts"] a').map((a) => a.text())).toEqual(['All (5)', 'Received (4)', 'Concluded (1)'])
    expect(w.get('[data-testid="queue-count-all"]').attributes('aria-current')).toBe('true')
    // A status's count filters by it, keeping the sort and "assigned to me".
    await w.get('[data-testid="queue-count-concluded"]').trigger('click')
    await until(() => router.currentRoute.value.query.status === 'concluded')
    await until(() => api.callsTo('GET', '/api/v1/cases?status=concluded&assignee=me&sort=-submitted').length === 1)
    expect(router.currentRoute.value.query).toEqual({ assignee: 'me', sort: '-submitted', status: 'concluded' })
    // Another sort applies at once, keeping the filters.
    await w.get('[data-testid="queue-sort"]').setValue('status')
    await until(() => api.callsTo('GET', '/api/v1/cases?status=concluded&assignee=me&sort=status').length === 1)
    expect(router.currentRoute.value.query).toEqual({ assignee: 'me', sort: 'status', status: 'concluded' })
    // Unticking "assigned to me" and applying keeps the sort.
    await w.get('[data-testid="qf-mine"]').setValue(false)
    await w.get('[data-testid="queue-filters"]').trigger('submit')
    await until(() => api.callsTo('GET', '/api/v1/cases?status=concluded&sort=status').length === 1)
    expect(router.currentRoute.value.query).toEqual({ status: 'concluded', sort: 'status' })
    // Back returns to the previous sort and filter.
    router.back()
    await until(() => router.currentRoute.value.query.assignee === 'me')
    await settle()
    expect((w.get('[data-testid="qf-mine"]').element as HTMLInputElement).checked).toBe(true)
  })

  it('offers no "assigned to me" to a monitor, who is never assigned', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [] })
    const { w } = await openAs({ role: 'monitor', unitName: 'MTTQ' }, '/staff/queue', 'queue-empty')
    expect(w.find('[data-testid="qf-mine"]').exists()).toBe(false)
  })

  it('keeps filters typed before /meta arrives, and then places the area in its province', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases?area=26734', 200, { items: [], nextCursor: null, counts: {} })
    let answerMeta: (r: Response) => void = () => {}
    api.on('GET', '/api/v1/meta', () => new Promise<Response>((resolve) => (answerMeta = resolve)))
    const { w } = await openAs('inspector', '/staff/queue?area=26734', 'queue-empty')
    await w.get('[data-testid="qf-office"]').setValue('UBND phường')
    answerMeta(jsonResponse(200, testMeta))
    await until(() => w.findAll('#qf-province option').length > 1)
    await settle()
    expect((w.get('[data-testid="qf-office"]').element as HTMLInputElement).value).toBe('UBND phường')
    expect((w.get('#qf-province').element as HTMLSelectElement).value).toBe('79')
  })

  it('goes to sign-in when the session cannot be renewed', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/cases', () => apiError(401, 'unauthorized'))
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    setSession(grant('acc', staffUser()))
    const { w, router } = await mountApp('/staff/queue')
    await until(() => router.currentRoute.value.name === 'staff-login')
    expect(router.currentRoute.value.query.redirect).toBe('/staff/queue')
    expect(w.get('[data-testid="login-notice"]').text()).toBe('Your session has ended. Please sign in again.')
  })
})

describe('custody', () => {
  const req = (over: Partial<CustodyRequest>): CustodyRequest => ({
    id: 'g1',
    caseId: 'c1',
    trackingCode: 'MB-AAAA-BBBB',
    kind: 'identity',
    requesterId: 'u2',
    requesterName: 'Lê Thanh Tra',
    reason: 'Cần liên hệ người phản ánh',
    status: 'pending',
    createdAt: '2026-03-01T02:00:00Z',
    ...over,
  })

  it('lets a lead approve, and deny only with a note', async () => {
    const api = fakeApi()
    let list = [req({}), req({ id: 'g2', trackingCode: 'MB-CCCC-DDDD' }), req({ id: 'g3', status: 'denied', note: 'Không đủ lý do' })]
    api.on('GET', '/api/v1/custody', () => jsonResponse(200, list))
    api.on('POST', '/api/v1/custody/g1/decision', () => {
      list = list.map((r) => (r.id === 'g1' ? { ...r, status: 'approved', expiresAt: '2026-03-02T02:00:00Z' } : r))
      return jsonResponse(200, list[0])
    })
    api.on('POST', '/api/v1/custody/g2/decision', () => {
      list = list.map((r) => (r.id === 'g2' ? { ...r, status: 'denied', note: 'Chưa cần' } : r))
      return jsonResponse(200, list[1])
    })
    const { w } = await openAs('lead', '/staff/custody', (page) => page.findAll('[data-testid="custody-pending"]').length === 2)
    expect(w.findAll('[data-testid="custody-row"]')).toHaveLength(1)

    const [first, second] = w.findAll('[data-testid="custody-pending"]')
    await first!.get('[data-testid="custody-approve"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', '/api/v1/custody/g1/decision')[0]!.body).toEqual({ approve: true, note: '' })
    expect(w.get('[data-testid="custody-status"]').text()).toBe('The request for report MB-AAAA-BBBB was approved.')

    const g2 = w.findAll('[data-testid="custody-pending"]')[0]!
    await g2.get('[data-testid="custody-deny"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', '/api/v1/custody/g2/decision')).toHaveLength(0)
    expect(g2.get('.field-error').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('note-g2')
    await g2.get('textarea').setValue('Chưa cần')
    await g2.get('[data-testid="custody-deny"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', '/api/v1/custody/g2/decision')[0]!.body).toEqual({ approve: false, note: 'Chưa cần' })
    expect(w.find('[data-testid="custody-pending"]').exists()).toBe(false)
    expect(w.findAll('[data-testid="custody-row"]').map((r) => r.findAll('td')[4]!.text())).toEqual(['Approved', 'Denied', 'Denied'])
    void second
  })

  it('says what each request asks to open, and names people, never by e-mail', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/custody', 200, [
      req({ id: 'g1', kind: 'originals', trackingCode: 'MB-EEEE-FFFF' }),
      req({ id: 'g2', kind: 'originals', status: 'approved', decidedBy: 'u1', deciderName: 'Nguyễn Văn Tra', expiresAt: '2026-03-02T02:00:00Z' }),
      req({ id: 'g3', kind: 'identity', status: 'denied', decidedBy: 'u7', deciderName: 'Phạm Thị Lan', note: 'Không đủ lý do' }),
      req({ id: 'g4', kind: undefined as unknown as string, status: 'denied', decidedBy: 'u9', deciderName: '', requesterName: '' }),
    ])
    const { w } = await openAs('lead', '/staff/custody', 'custody-pending', 'vi')
    const card = w.get('[data-testid="custody-pending"]')
    expect(card.get('[data-testid="custody-kind"]').text()).toBe('Yêu cầu xem: Chỉ tệp gốc')
    expect(card.get('[data-testid="custody-requester"]').text()).toBe('Lê Thanh Tra')
    expect(card.get('[data-testid="custody-open"]').attributes('href')).toBe('/staff/cases/c1')
    const rows = w.findAll('[data-testid="custody-row"]')
    expect(rows.map((r) => r.get('[data-testid="custody-row-kind"]').text())).toEqual(['Chỉ tệp gốc', 'Danh tính (và tệp gốc)', 'Danh tính (và tệp gốc)'])
    // The signed-in lead (u1) is "you"; an account since removed is said so.
    expect(rows.map((r) => r.get('[data-testid="custody-row-decider"]').text())).toEqual(['bạn', 'Phạm Thị Lan', 'Tài khoản đã bị xoá'])
    expect(rows[2]!.findAll('td')[2]!.text()).toBe('Tài khoản đã bị xoá')
    expect(w.text()).not.toContain('@')
  })

  it('shows an inspector their own requests without decision buttons', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/custody', 200, [req({ status: 'approved', expiresAt: '2026-03-02T02:00:00Z' })])
    const { w } = await openAs('inspector', '/staff/custody', 'custody-row', 'vi')
    expect(w.find('[data-testid="custody-approve"]').exists()).toBe(false)
    expect(w.get('[data-testid="custody-row"]').text()).toContain('Đã duyệt')
  })
})

describe('admin: accounts', () => {
  const units: Unit[] = [
    { id: 'i1', code: 'tt-hcm', name: { vi: 'Thanh tra Thành phố', en: 'City Inspectorate' }, type: 'inspection', areaCodes: [], active: true },
    { id: 'f1', code: 'mt-hcm', name: { vi: 'Ủy ban MTTQ', en: 'Front Committee' }, type: 'front', areaCodes: [], active: true },
  ]
  const me: AdminUser = { ...staffUser({ id: 'a1', role: 'admin', unitId: '', email: 'root@example.vn', name: 'Quản trị' }), active: true }

  it('explains the server\'s password refusals on the user form', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/users', 200, [me])
    api.json('GET', '/api/v1/admin/units', 200, { items: units })
    api.on(
      'POST',
      '/api/v1/admin/users',
      () => apiError(400, 'invalid', { password: 'too_personal' }),
      () => apiError(400, 'invalid', { password: 'too_weak' }),
    )
    setSession(grant('acc', me))
    const { w } = await mountApp('/admin/users')
    await until(() => w.find('[data-testid="users-table"]').exists())
    await w.get('[data-testid="user-new"]').trigger('click')
    await settle()
    await w.get('[data-testid="user-email"]').setValue('tra@example.vn')
    await w.get('[data-testid="user-name"]').setValue('Nguyễn Tra')
    await w.get('[data-testid="user-role"]').setValue('inspector')
    await w.get('[data-testid="user-unit"]').setValue('i1')
    await w.get('[data-testid="user-password"]').setValue('NguyenTra2026!')
    await w.get('[data-testid="user-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-user-password"]').text()).toBe(
      'This password is built from the email address, the name or the portal’s name (adding digits, a year or punctuation is still easy to guess). Choose another.',
    )
    await w.get('[data-testid="user-password"]').setValue('            ')
    await w.get('[data-testid="user-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-user-password"]').text()).toBe(
      'This password is too easy to guess (only spaces, repeated characters, a sequence or a keyboard row). Use a longer, less regular phrase.',
    )
  })

  it('checks the form, shows the API field errors by their fields, creates, and shows a reset password once', async () => {
    const api = fakeApi()
    let users: AdminUser[] = [me]
    api.on('GET', '/api/v1/admin/users', () => jsonResponse(200, users))
    api.json('GET', '/api/v1/admin/units', 200, { items: units })
    api.on(
      'POST',
      '/api/v1/admin/users',
      () => apiError(409, 'conflict', { email: 'taken' }),
      (c) => {
        const b = c.body as AdminUser
        users = [...users, { ...b, id: 'u9', active: true, totpEnabled: false, mustChangePassword: false }]
        return jsonResponse(201, users.at(-1))
      },
    )
    api.json('POST', '/api/v1/admin/users/u9/reset-password', 200, { temporaryPassword: '9f8e7d6c5b4a392817' })
    setSession(grant('acc', me))
    const { w } = await mountApp('/admin/users')
    await until(() => w.find('[data-testid="users-table"]').exists())

    await w.get('[data-testid="user-new"]').trigger('click')
    await settle()
    expect(document.activeElement?.id).toBe('user-email')
    await w.get('[data-testid="user-email"]').setValue('bad')
    await w.get('[data-testid="user-role"]').setValue('inspector')
    await w.get('[data-testid="user-password"]').setValue('short')
    await w.get('[data-testid="user-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-user-email"]').text()).toBe('This is not a valid email address.')
    expect(w.get('[data-testid="error-user-name"]').text()).toBe('This field is required.')
    expect(w.get('[data-testid="error-user-unitId"]').text()).toBe('This field is required.')
    expect(w.get('[data-testid="error-user-password"]').text()).toBe('At least 12 characters.')
    expect(document.activeElement?.id).toBe('user-email')
    expect(api.callsTo('POST', '/api/v1/admin/users')).toHaveLength(0)
    // Only inspection units are offered to an inspector.
    expect(w.get('[data-testid="user-unit"]').findAll('option').map((o) => o.text())).toEqual(['Choose a unit', 'City Inspectorate (tt-hcm)'])

    await w.get('[data-testid="user-email"]').setValue('tra@example.vn')
    await w.get('[data-testid="user-name"]').setValue('Nguyễn Tra')
    await w.get('[data-testid="user-unit"]').setValue('i1')
    await w.get('[data-testid="user-password"]').setValue('một mật khẩu dài')
    await w.get('[data-testid="user-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-user-email"]').text()).toBe('This value is already in use.')
    expect(w.find('[data-testid="error-user-name"]').exists()).toBe(false)

    await w.get('[data-testid="user-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/users')[1]!.body).toEqual({
      email: 'tra@example.vn',
      name: 'Nguyễn Tra',
      role: 'inspector',
      unitId: 'i1',
      password: 'một mật khẩu dài',
    })
    expect(w.get('[data-testid="admin-status"]').text()).toBe('The account tra@example.vn was created.')
    const rows = w.findAll('[data-testid="user-row"]')
    expect(rows).toHaveLength(2)
    const row = rows.find((r) => r.text().includes('tra@example.vn'))!
    expect(row.text()).toContain('City Inspectorate')
    // The admin's own row offers no disable button.
    const mine = rows.find((r) => r.text().includes('root@example.vn'))!
    expect(mine.findAll('button').map((b) => b.text())).toEqual(['Edit'])

    const reset = row.findAll('button').find((b) => b.text() === 'Reset password')!
    await reset.trigger('click')
    await settle()
    expect(row.text()).toContain('Reset the password of tra@example.vn?')
    await row.findAll('button').find((b) => b.text() === 'Yes, go ahead')!.trigger('click')
    await settle()
    expect(w.get('[data-testid="temp-password-value"]').text()).toBe('9f8e7d6c5b4a392817')
    await w.get('[data-testid="temp-password"] button').trigger('click')
    await settle()
    expect(w.text()).not.toContain('9f8e7d6c5b4a392817')
  })
})
