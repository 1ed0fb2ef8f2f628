import { describe, expect, it } from 'vitest'
import { fakeApi, apiError } from '../../testing/fakeApi'
import { openAs, resetPageTests, settle, until } from '../../testing/mountApp'
import { HANDLER_CAN, capabilities, caseDetail } from '../../testing/caseDetail'

resetPageTests()

const PATH = '/api/v1/cases/c1'
const IDENTITY = { name: 'Trần Thị Bình', phone: '0912 345 678', email: '', address: '12 Lê Lợi', nationalId: '' }
/** Two hours and five minutes from now, plus a little so the minute does not turn during the test. */
const until2h05 = () => new Date(Date.now() + (2 * 60 + 5) * 60_000 + 30_000).toISOString()

describe('identity panel', () => {
  it('is not on the page of someone without custody', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, caseDetail({ can: HANDLER_CAN }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-details', 'en')
    expect(w.find('[data-testid="identity-panel"]').exists()).toBe(false)
    expect(api.callsTo('GET', `${PATH}/identity`)).toHaveLength(0)
  })

  it('shows a custody holder the time left, reads the identity only on the click, and hides it again', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, caseDetail({ can: capabilities({ identity: true, originals: true, note: true }), custodyUntil: until2h05() }))
    api.json('GET', `${PATH}/identity`, 200, IDENTITY)
    const { w } = await openAs('inspector', '/staff/cases/c1', 'identity-panel', 'vi')

    const panel = w.get('[data-testid="identity-panel"]')
    expect(panel.get('h2').text()).toBe('Danh tính người phản ánh — bảo mật')
    expect(w.get('[data-testid="identity-time-left"]').text()).toMatch(/^Quyền xem còn 2 giờ 05 phút \(hết hạn .+\)\.$/)
    // Said before the click: each reading is recorded.
    const reveal = w.get('[data-testid="identity-reveal"]')
    expect(w.get(`#${reveal.attributes('aria-describedby')}`).text()).toContain('được ghi vào nhật ký')
    expect(w.find('[data-testid="identity-fields"]').exists()).toBe(false)
    expect(api.callsTo('GET', `${PATH}/identity`)).toHaveLength(0)

    await reveal.trigger('click')
    await until(() => w.find('[data-testid="identity-fields"]').exists())
    expect(api.callsTo('GET', `${PATH}/identity`)).toHaveLength(1)
    expect(w.get('[data-testid="identity-name"]').text()).toBe('Trần Thị Bình')
    expect(w.get('[data-testid="identity-phone"]').text()).toBe('0912 345 678')
    expect(w.get('[data-testid="identity-email"]').text()).toBe('Không cung cấp')
    expect(w.get('[data-testid="identity-status"]').text()).toBe('Danh tính đang hiện. Lần xem này đã được ghi lại.')

    await w.get('[data-testid="identity-hide"]').trigger('click')
    await settle()
    expect(w.find('[data-testid="identity-fields"]').exists()).toBe(false)
    expect(w.text()).not.toContain('Trần Thị Bình')
    // Showing it again is another reading.
    await w.get('[data-testid="identity-reveal"]').trigger('click')
    await until(() => w.find('[data-testid="identity-fields"]').exists())
    expect(api.callsTo('GET', `${PATH}/identity`)).toHaveLength(2)
  })

  it('says in English when the grant has ended, and offers no reading', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, caseDetail({ can: capabilities({ identity: true, originals: true }), custodyUntil: new Date(Date.now() - 1000).toISOString() }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'identity-panel', 'en')
    expect(w.get('[data-testid="identity-panel"] h2').text()).toBe('Complainant identity — confidential')
    expect(w.get('[data-testid="identity-ended"]').text()).toContain('has ended')
    expect(w.find('[data-testid="identity-reveal"]').exists()).toBe(false)
  })

  it('shows the server’s refusal when the grant no longer holds', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, caseDetail({ can: capabilities({ identity: true, originals: true }), custodyUntil: until2h05() }))
    api.on('GET', `${PATH}/identity`, () => apiError(403, 'forbidden'))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'identity-panel', 'en')
    expect(w.get('[data-testid="identity-time-left"]').text()).toMatch(/^Your grant ends in 2 h 05 min \(.+ at .+\)\.$/)
    await w.get('[data-testid="identity-reveal"]').trigger('click')
    await until(() => w.find('[data-testid="identity-error"]').exists())
    expect(w.find('[data-testid="identity-fields"]').exists()).toBe(false)
  })
})
