import { describe, expect, it } from 'vitest'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, openAs, resetPageTests, settle, until } from '../testing/mountApp'
import { testMeta } from '../testing/meta'
import { setSession } from '../staffSession'
import type { CaseSummary, RecommendationItem } from '../staffApi'

// The queue's filters, the overdue page and the recommendations page, as a
// Front monitor (and an inspector) uses them.

resetPageTests()

const row = (over: Partial<CaseSummary> = {}): CaseSummary => ({
  id: 'c1',
  trackingCode: 'MB-7K3M-9QX2',
  kind: 'complaint',
  category: 'bribe',
  title: 'Bị đòi tiền',
  office: 'UBND Phường Sài Gòn',
  status: 'investigating',
  submittedAt: '2026-03-01T02:00:00Z',
  dueAt: '2026-03-05T16:59:59Z',
  overdue: true,
  ...over,
})

const rec = (over: Partial<RecommendationItem> = {}): RecommendationItem => ({
  id: 'r1',
  caseId: 'c1',
  trackingCode: 'MB-7K3M-9QX2',
  authorId: 'm1',
  text: 'Đề nghị trả lời sớm.',
  answerBy: '2026-03-10',
  createdAt: '2026-03-02T02:00:00Z',
  overdue: true,
  ...over,
})

describe('committee queue', () => {
  it('has labelled filters, sends them as query parameters, keeps them in the address, and loads more', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [] })
    api.json('GET', '/api/v1/cases', 200, { items: [row({ overdue: false, status: 'received' })], nextCursor: null, counts: { received: 1, investigating: 2 } })
    api.json('GET', '/api/v1/cases?status=investigating&category=bribe&area=26734&office=ubnd&overdue=true', 200, {
      items: [row()],
      nextCursor: 'n1',
      counts: { received: 1, investigating: 2 },
    })
    api.json('GET', '/api/v1/cases?status=investigating&category=bribe&area=26734&office=ubnd&overdue=true&cursor=n1', 200, {
      items: [row({ id: 'c2', trackingCode: 'MB-2222-3333', title: 'Cố tình kéo dài' })],
      nextCursor: null,
      counts: { received: 1, investigating: 2 },
    })
    const { w, router } = await openAs({ role: 'monitor', unitName: 'Ủy ban MTTQ Thành phố' }, '/staff/queue', 'queue-row')

    // Every filter has a visible label.
    const form = w.get('[data-testid="queue-filters"]')
    for (const id of ['qf-status', 'qf-kind', 'qf-category', 'qf-province', 'qf-office', 'qf-q', 'qf-overdue']) {
      expect(form.get(`label[for="${id}"]`).text(), id).not.toBe('')
    }
    expect(form.get('label[for="qf-overdue"]').text()).toBe('Overdue only')
    expect(w.get('[data-testid="qf-status"]').findAll('option').map((o) => o.text())).toContain('Being investigated (2)')
    expect(w.get('[data-testid="queue-total"]').text()).toBe('3 reports in all')
    expect(w.get('[data-testid="qf-category"]').findAll('option').map((o) => o.text())).toContain('Bribe or “fee” demanded')
    // Communes appear once a province is chosen.
    expect(w.find('[data-testid="qf-commune"]').exists()).toBe(false)

    await w.get('[data-testid="qf-status"]').setValue('investigating')
    await w.get('[data-testid="qf-category"]').setValue('bribe')
    await w.get('[data-testid="qf-province"]').setValue('79')
    await w.get('[data-testid="qf-commune"]').setValue('26734')
    await w.get('[data-testid="qf-office"]').setValue(' ubnd ')
    await w.get('[data-testid="qf-overdue"]').setValue(true)
    await w.get('[data-testid="queue-filters"]').trigger('submit')
    await until(() => w.findAll('[data-testid="queue-row"]').some((r) => r.text().includes('overdue')))
    expect(router.currentRoute.value.query).toEqual({ status: 'investigating', category: 'bribe', area: '26734', office: 'ubnd', overdue: 'true' })

    const cells = w.get('[data-testid="queue-row"]').findAll('td').map((td) => td.text())
    expect(cells[4]).toBe('Complaint')
    expect(cells[5]).toBe('Bribe or “fee” demanded')
    expect(cells[6]).toBe('Not assigned')
    expect(cells[7]).toBe('05/03/2026 — overdue')

    await w.get('[data-testid="queue-more"]').trigger('click')
    await settle()
    expect(w.findAll('[data-testid="queue-row"]')).toHaveLength(2)
    expect(w.find('[data-testid="queue-more"]').exists()).toBe(false)

    // Clearing goes back to the whole queue.
    await w.get('[data-testid="qf-clear"]').trigger('click')
    await until(() => router.currentRoute.value.fullPath === '/staff/queue')
    await settle()
    expect(w.findAll('[data-testid="queue-row"]')).toHaveLength(1)
  })

  it('opens with the filters of the address, and says when nothing matches', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', '/api/v1/cases?kind=denunciation&area=26734&office=UBND&overdue=true', 200, { items: [], nextCursor: null, counts: {} })
    const { w } = await openAs('inspector', '/staff/queue?kind=denunciation&overdue=true&area=26734&office=UBND', 'queue-empty', 'vi')
    expect(w.get('[data-testid="queue-empty"]').text()).toBe('Không có phản ánh nào khớp với bộ lọc.')
    await settle()
    expect((w.get('[data-testid="qf-kind"]').element as HTMLSelectElement).value).toBe('denunciation')
    expect((w.get('[data-testid="qf-overdue"]').element as HTMLInputElement).checked).toBe(true)
    expect((w.get('[data-testid="qf-office"]').element as HTMLInputElement).value).toBe('UBND')
    // The commune of the address is shown under its province once /meta is in.
    expect((w.get('[data-testid="qf-province"]').element as HTMLSelectElement).value).toBe('79')
    expect((w.get('[data-testid="qf-commune"]').element as HTMLSelectElement).value).toBe('26734')
  })
})

describe('overdue page', () => {
  it('lists overdue reports and overdue recommendations, each linked to its report', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', '/api/v1/cases?overdue=true', 200, { items: [row()], nextCursor: null, counts: {} })
    api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [rec()] })
    const { w } = await openAs(
      { role: 'monitor', unitName: 'Ủy ban MTTQ Thành phố' },
      '/staff/overdue',
      (page) => page.find('[data-testid="overdue-rec"]').exists() && page.find('[data-testid="queue-row"]').exists(),
      'vi',
    )
    expect(w.get('h1').text()).toBe('Quá hạn')
    expect(document.title).toBe('Quá hạn · Minh Bạch')
    expect(w.get('[data-testid="overdue-cases"] [data-testid="queue-link"]').attributes('href')).toBe('/staff/cases/c1')
    expect(w.get('[data-testid="queue-due"]').text()).toBe('05/03/2026 — quá hạn')
    expect(w.get('[data-testid="overdue-rec"] a').attributes('href')).toBe('/staff/cases/c1')
    expect(w.get('[data-testid="overdue-rec"]').text()).toContain('MB-7K3M-9QX2: trả lời trước 10/03/2026')
    expect(w.get('[data-testid="overdue-filter-link"]').attributes('href')).toBe('/staff/queue?overdue=true')
    // The staff menu links the monitoring pages.
    const nav = w.get('[data-testid="staff-nav"]')
    expect(nav.get('[data-testid="staff-nav-overdue"]').attributes('href')).toBe('/staff/overdue')
    expect(nav.get('[data-testid="staff-nav-recommendations"]').attributes('href')).toBe('/staff/recommendations')
  })

  it('says when nothing is overdue, and shows a failed load with a retry', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.on('GET', '/api/v1/cases?overdue=true', () => apiError(503, 'unavailable'), () => jsonResponse(200, { items: [], nextCursor: null, counts: {} }))
    api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [] })
    const { w } = await openAs('lead', '/staff/overdue', 'overdue-cases-error')
    expect(w.get('[data-testid="overdue-recs-none"]').text()).toBe('No recommendation is overdue.')
    await w.get('[data-testid="overdue-cases-error"] button').trigger('click')
    await until(() => w.find('[data-testid="overdue-cases-none"]').exists())
    expect(w.get('[data-testid="overdue-cases-none"]').text()).toBe('No report is overdue.')
  })

  it('is not for administrators', async () => {
    fakeApi()
    setSession(grant('acc', staffUser({ role: 'admin', unitId: '' })))
    const { router } = await mountApp('/staff/overdue')
    expect(router.currentRoute.value.name).toBe('forbidden')
    await router.push('/staff/recommendations')
    expect(router.currentRoute.value.name).toBe('forbidden')
  })
})

describe('recommendations page', () => {
  it('lists the committee’s recommendations with their answers, filtered by state in the address', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/recommendations?state=all', 200, {
      items: [
        rec(),
        rec({ id: 'r2', caseId: 'c2', trackingCode: 'MB-2222-3333', overdue: false, answer: 'Đã xử lý xong.', answeredAt: '2026-03-04T02:00:00Z', createdAt: '2026-03-03T02:00:00Z' }),
      ],
    })
    api.json('GET', '/api/v1/recommendations?state=answered', 200, {
      items: [rec({ id: 'r2', caseId: 'c2', trackingCode: 'MB-2222-3333', overdue: false, answer: 'Đã xử lý xong.', answeredAt: '2026-03-04T02:00:00Z' })],
    })
    api.json('GET', '/api/v1/recommendations?state=open', 200, { items: [] })
    const { w, router } = await openAs('monitor', '/staff/recommendations', (page) => page.findAll('[data-testid="recs-item"]').length === 2)
    expect((w.get('[data-testid="recs-state-all"]').element as HTMLInputElement).checked).toBe(true)

    // Newest first; the answered one shows its answer, the other that it is overdue.
    const [answered, open] = w.findAll('[data-testid="recs-item"]')
    expect(answered!.get('[data-testid="recs-link"]').attributes('href')).toBe('/staff/cases/c2')
    expect(answered!.get('[data-testid="recs-answer"]').text()).toContain('Answered on 04/03/2026:')
    expect(answered!.get('[data-testid="recs-answer"]').text()).toContain('Đã xử lý xong.')
    expect(open!.get('[data-testid="recs-overdue"]').text()).toContain('Answer overdue')
    expect(open!.get('[data-testid="recs-unanswered"]').text()).toBe('No answer yet.')

    await w.get('[data-testid="recs-state-answered"]').trigger('change')
    await until(() => w.findAll('[data-testid="recs-item"]').length === 1)
    expect(router.currentRoute.value.fullPath).toBe('/staff/recommendations?state=answered')

    await router.push('/staff/recommendations?state=open')
    await until(() => w.find('[data-testid="recs-none"]').exists())
    expect(w.get('[data-testid="recs-none"]').text()).toBe('No recommendation is waiting for an answer.')
  })

  it('tells an inspector where to answer', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/recommendations?state=overdue', 200, { items: [rec()] })
    const { w } = await openAs('inspector', '/staff/recommendations?state=overdue', 'recs-item', 'vi')
    expect(w.get('[data-testid="recs-unanswered"]').text()).toBe('Chưa trả lời: hãy trả lời trên trang phản ánh.')
  })

  it('shows the staffing changes of the supervised units, cooling accounts first noticed', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/staffing', 200, [
      {
        id: 's2', at: '2026-03-02T02:00:00Z', kind: 'password_reset', userId: 'u1', email: 'lead@a.vn', role: 'lead', unitId: 'ua', unitName: 'Thanh tra Quận 1',
        actorEmail: 'admin@x.vn', coolingUntil: '2026-03-05T02:00:00Z', cooling: true,
      },
      {
        id: 's1', at: '2026-02-01T02:00:00Z', kind: 'role_changed', userId: 'u2', email: 'tra@a.vn', role: 'lead', unitId: 'ua', unitName: 'Thanh tra Quận 1',
        fromRole: 'inspector', fromUnitId: 'ua', fromUnitName: 'Thanh tra Quận 1', actorEmail: 'admin@x.vn', coolingUntil: '2026-02-04T02:00:00Z', cooling: false,
      },
    ])
    const { w } = await openAs({ role: 'monitor', unitName: 'Ủy ban MTTQ Thành phố' }, '/staff/staffing', 'staffing-row', 'vi')
    expect(w.get('h1').text()).toBe('Thay đổi nhân sự')
    expect(document.title).toBe('Thay đổi nhân sự của đơn vị · Minh Bạch')
    expect(w.get('[data-testid="staffing-cooling"]').text()).toBe('1 tài khoản đang trong thời gian chờ.')
    const rows = w.findAll('[data-testid="staffing-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('Đặt lại mật khẩu')
    expect(rows[0]!.text()).toContain('lead@a.vn')
    expect(rows[0]!.text()).toContain('admin@x.vn')
    expect(rows[0]!.text()).toContain('đang chờ')
    expect(rows[1]!.text()).toContain('Thanh tra viên · Thanh tra Quận 1 → Lãnh đạo thanh tra · Thanh tra Quận 1')
    expect(rows[1]!.text()).not.toContain('đang chờ')
    expect(w.get('[data-testid="staff-nav-staffing"]').attributes('href')).toBe('/staff/staffing')
  })

  it('names an account disabled or enabled again, the disabled one without a cooling end', async () => {
    for (const [locale, disabled, enabled, noEnd] of [
      ['vi', 'Vô hiệu hoá tài khoản', 'Bật lại tài khoản', '—'],
      ['en', 'Account disabled', 'Account enabled again', '—'],
    ] as const) {
      const api = fakeApi()
      api.json('GET', '/api/v1/staffing', 200, [
        {
          id: 's2', at: '2026-03-02T02:00:00Z', kind: 'account_enabled', userId: 'u1', email: 'lead2@a.vn', role: 'lead', unitId: 'ua', unitName: 'Thanh tra Quận 1',
          actorEmail: 'admin@x.vn', coolingUntil: '2026-03-05T02:00:00Z', cooling: true,
        },
        {
          id: 's1', at: '2026-03-01T02:00:00Z', kind: 'account_disabled', userId: 'u2', email: 'lead1@a.vn', role: 'lead', unitId: 'ua', unitName: 'Thanh tra Quận 1',
          actorEmail: 'admin@x.vn', cooling: false,
        },
      ])
      const { w } = await openAs({ role: 'monitor', unitName: 'Ủy ban MTTQ Thành phố' }, '/staff/staffing', 'staffing-row', locale)
      const rows = w.findAll('[data-testid="staffing-row"]')
      expect(rows).toHaveLength(2)
      expect(rows[0]!.text()).toContain(enabled)
      expect(rows[1]!.text()).toContain(disabled)
      expect(rows[1]!.findAll('td').at(-1)!.text()).toBe(noEnd)
      w.unmount()
    }
  })
})
