import { describe, expect, it } from 'vitest'
import { jsonResponse } from '../../testing/fakeXhr'
import { apiError, fakeApi } from '../../testing/fakeApi'
import { openAs, resetPageTests, settle, until } from '../../testing/mountApp'
import { capabilities, caseDetail } from '../../testing/caseDetail'

resetPageTests()

const PATH = '/api/v1/cases/c1'
/** Two hours and five minutes from now, plus a little so the minute does not turn during the test. */
const until2h05 = () => new Date(Date.now() + (2 * 60 + 5) * 60_000 + 30_000).toISOString()
/** An anonymous report whose one file (a PDF) has no cleaned copy. */
const anonymous = (over: Parameters<typeof caseDetail>[0] = {}) =>
  caseDetail({
    named: false,
    attachments: [
      {
        id: 'f1',
        name: 'bang-chung-1.pdf',
        size: 1536,
        type: 'application/pdf',
        sha256: '3f2a9c1d00000000000000000000000000000000000000000000000000007b0e',
        scan: 'clean',
        uploadedAt: '2026-03-01T02:00:00Z',
        source: 'report',
        sanitized: false,
      },
    ],
    ...over,
  })

describe('access to the original files', () => {
  it('lets the unit ask with a reason, then says the request waits for a lead', async () => {
    const api = fakeApi()
    api.on(
      'GET',
      PATH,
      () => jsonResponse(200, anonymous({ can: capabilities({ requestOriginals: true }) })),
      () => jsonResponse(200, anonymous({ originalsRequestedAt: '2026-03-02T03:04:00Z' })),
    )
    api.json('POST', `${PATH}/custody`, 201, { id: 'g1', kind: 'originals', status: 'pending' })
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-originals-form', 'en')

    const form = w.get('[data-testid="case-originals-form"]')
    expect(w.get('#originals-heading').text()).toBe('Original files')
    // The file has no cleaned copy: the help says only its original can be opened, and that the identity stays hidden.
    expect(w.get('#originals-help').text()).toContain('only their original can be opened')
    expect(w.get('#originals-help').text()).toContain('never shows who filed the report')
    expect(w.get('#originals-text').attributes('aria-describedby')).toContain('originals-help')
    expect(w.find('[data-testid="identity-panel"]').exists()).toBe(false)

    // A reason is required.
    await form.trigger('submit')
    await settle()
    expect(w.get('#originals-text-error').text()).toBe('This field is required.')
    expect(api.callsTo('POST', `${PATH}/custody`)).toHaveLength(0)

    await w.get('#originals-text').setValue('  Cần đọc đơn tố cáo gửi kèm  ')
    await form.trigger('submit')
    await until(() => w.find('[data-testid="originals-pending"]').exists())
    expect(api.callsTo('POST', `${PATH}/custody`).map((c) => c.body)).toEqual([{ kind: 'originals', reason: 'Cần đọc đơn tố cáo gửi kèm' }])
    expect(w.get('[data-testid="case-status"]').text()).toBe('Your request for access to the originals was sent to the unit’s leads.')
    expect(w.get('[data-testid="originals-pending"]').text()).toMatch(/^Your request for access to the originals, sent .+, is waiting for a lead’s decision\./)
    expect(w.get('[data-testid="originals-pending"] a').attributes('href')).toBe('/staff/custody')
    expect(w.find('[data-testid="case-originals-form"]').exists()).toBe(false)
  })

  it('says in words why a request is refused (a request already waiting)', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, anonymous({ can: capabilities({ requestOriginals: true }) }))
    api.on('POST', `${PATH}/custody`, () => apiError(409, 'conflict', { custody: 'pending' }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-originals-form', 'vi')
    await w.get('#originals-text').setValue('Đọc đơn')
    await w.get('[data-testid="case-originals-form"]').trigger('submit')
    await until(() => w.find('[data-testid="case-error"]').exists())
    expect(w.get('[data-testid="case-error"]').text()).toBe('Yêu cầu trước của bạn vẫn đang chờ lãnh đạo duyệt.')
  })

  it('shows the holder the time left and the original downloads, never the identity panel', async () => {
    const api = fakeApi()
    // A named report: an originals grant still does not open the identity (no can.identity).
    api.json('GET', PATH, 200, anonymous({ named: true, can: capabilities({ originals: true }), originalsUntil: until2h05() }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'originals-time-left', 'vi')
    expect(w.get('[data-testid="originals-time-left"]').text()).toMatch(/^Bạn được tải tệp gốc đến .+ \(còn 2 giờ 05 phút\)\. Mỗi lần tải đều được ghi lại\.$/)
    const original = w.get('[data-testid="case-attachment-original"]')
    expect(original.text()).toBe('Tải bản gốc')
    expect(original.attributes('aria-label')).toBe('Tải bản gốc của bang-chung-1.pdf')
    expect(w.find('[data-testid="case-originals-form"]').exists()).toBe(false)
    expect(w.find('[data-testid="identity-panel"]').exists()).toBe(false)
  })

  it('says when the access has ended', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, anonymous({ can: capabilities({ originals: true }), originalsUntil: new Date(Date.now() - 1000).toISOString() }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'originals-ended', 'en')
    expect(w.get('[data-testid="originals-ended"]').text()).toBe('Your access to the original files has ended. Ask again if you still need them.')
  })

  it('is not there when the server allows nothing about originals', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, anonymous({ can: capabilities({ note: true }) }))
    const { w } = await openAs('monitor', '/staff/cases/c1', 'case-details', 'en')
    await settle()
    expect(w.find('[data-testid="originals-access"]').exists()).toBe(false)
  })
})
