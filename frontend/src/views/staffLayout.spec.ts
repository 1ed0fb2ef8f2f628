import { describe, expect, it } from 'vitest'
import { fakeApi } from '../testing/fakeApi'
import { openAs, resetPageTests, settle } from '../testing/mountApp'
import { HANDLER_CAN, caseDetail } from '../testing/caseDetail'

resetPageTests()

const PATH = '/api/v1/cases/c1'

describe('staff layout', () => {
  it('gives staff pages a compact staff bar without the citizens’ navigation, with a menu button that opens and closes', async () => {
    fakeApi().json('GET', PATH, 200, caseDetail({ can: HANDLER_CAN }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-details', 'vi')
    const header = w.get('[data-testid="staff-header"]')
    expect(header.find('.main-nav').exists()).toBe(false)
    expect(header.find('[data-testid="nav-track"]').exists()).toBe(false)
    expect(header.find('.brand-tagline').exists()).toBe(false)
    const toggle = header.get('[data-testid="staff-menu-toggle"]')
    expect(toggle.text()).toBe('Trình đơn')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(toggle.attributes('aria-controls')).toBe('staff-menu')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(w.get('#staff-menu').classes()).toContain('staff-menu-open')
    // Escape closes the menu and returns to its button.
    await w.get('[data-testid="staff-nav-queue"]').trigger('keydown', { key: 'Escape' })
    await settle(2)
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(toggle.element)
  })

  it('keeps focus on the control used after an action, and says the result in the status line', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, caseDetail({ named: false, can: { ...HANDLER_CAN, requestCustody: false } }))
    api.json('POST', `${PATH}/notes`, 201, {})
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-note-form')
    // The actions and the status line sit together in the side column.
    const side = w.get('[data-testid="case-side"]')
    expect(side.find('[data-testid="case-actions"]').exists()).toBe(true)
    expect(side.get('[data-testid="case-status"]').attributes('role')).toBe('status')

    await w.get('#note-text').setValue('Đã gọi điện')
    const send = w.get('[data-testid="case-note-form"] button[type="submit"]')
    ;(send.element as HTMLButtonElement).focus()
    await w.get('[data-testid="case-note-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/notes`)).toHaveLength(1)
    expect(w.get('[data-testid="case-status"]').text()).toBe('The note was saved.')
    expect(document.activeElement).toBe(send.element)
  })

  it('links to the report’s sections, and moves focus to the one chosen', async () => {
    fakeApi().json('GET', PATH, 200, caseDetail({ can: HANDLER_CAN }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-jump')
    const links = w.get('[data-testid="case-jump"]').findAll('a')
    expect(links.map((a) => a.attributes('href'))).toEqual(['#details-heading', '#timeline-heading', '#attachments-heading', '#actions-heading'])
    await w.get('[data-testid="case-jump-actions"]').trigger('click')
    expect(document.activeElement?.id).toBe('actions-heading')
  })

  it('names every cell of a staff table by its column, the deadline marked to come first on a card', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, {
      items: [{ id: 'c1', trackingCode: 'MB-7K3M-9QX2', title: 'Bị đòi tiền', status: 'received', kind: 'feedback', submittedAt: '2026-03-01T02:00:00Z', dueAt: '2026-03-11T10:00:00Z' }],
    })
    const { w } = await openAs('inspector', '/staff/queue', 'queue-row', 'vi')
    const cells = w.get('[data-testid="queue-row"]').findAll('td')
    const labels = cells.map((td) => td.attributes('data-label'))
    expect(labels).toEqual(w.get('[data-testid="queue-table"]').findAll('thead th').map((th) => th.text()))
    expect(w.get('[data-testid="queue-due"]').classes()).toContain('cell-lead')
    expect(cells.filter((td) => td.classes('cell-lead'))).toHaveLength(1)
  })
})
