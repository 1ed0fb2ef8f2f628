import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { enableAutoUnmount } from '@vue/test-utils'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, settle, until } from '../testing/mountApp'
import { resetStaffSessionForTests, setSession } from '../staffSession'
import type { CaseDetail } from '../staffApi'
import en from '../locales/en'

enableAutoUnmount(afterEach)

beforeEach(() => {
  resetStaffSessionForTests()
  localStorage.clear()
  document.body.innerHTML = ''
})
afterEach(() => resetStaffSessionForTests())

const PATH = '/api/v1/cases/c1'
const INVESTIGATING = en.status.investigating

function sample(over: Partial<CaseDetail> = {}): CaseDetail {
  return {
    id: 'c1',
    trackingCode: 'MB-7K3M-9QX2',
    kind: 'complaint',
    anonymousDenunciation: false,
    category: 'bribery',
    title: 'Bị đòi tiền khi nộp hồ sơ',
    description: 'Cán bộ yêu cầu 500.000 đồng để nhận hồ sơ.',
    incidentDate: '2026-02-27',
    areaCode: '79-26734',
    place: 'Bộ phận một cửa',
    office: 'UBND Phường Sài Gòn',
    counter: 'Quầy 3',
    procedure: 'Cấp giấy phép xây dựng',
    dossierNumber: 'HS-123',
    officials: 'Ông A',
    named: true,
    status: 'received',
    unitId: 'unit-1',
    frontUnitId: 'front-1',
    assigneeId: '',
    submittedAt: '2026-03-01T02:00:00Z',
    updatedAt: '2026-03-02T02:00:00Z',
    version: 3,
    timeline: [
      { type: 'submitted', at: '2026-03-01T02:00:00Z', actor: 'citizen', status: 'received', public: true },
      { type: 'note', at: '2026-03-01T03:00:00Z', actor: 'u1', note: 'Cần xác minh quầy 3', public: false },
      { type: 'mystery_event', at: '2026-03-01T04:00:00Z', actor: 'system', public: false },
    ],
    messages: [{ id: 'm1', from: 'citizen', authorId: '', text: 'Tôi có thêm ảnh chụp.', at: '2026-03-01T05:00:00Z' }],
    attachments: [
      {
        id: 'f1',
        name: 'bien-lai.pdf',
        size: 1536,
        type: 'application/pdf',
        sha256: '3f2a9c1d00000000000000000000000000000000000000000000000000007b0e',
        scan: 'clean',
        uploadedAt: '2026-03-01T02:00:00Z',
        source: 'report',
      },
    ],
    recommendations: [
      { id: 'r1', authorId: 'm9', text: 'Đề nghị trả lời sớm.', answerBy: '2026-03-10', createdAt: '2026-03-02T02:00:00Z', overdue: true },
    ],
    clocks: [
      { name: 'accept', start: '2026-03-01T02:00:00Z', due: '2026-03-05T16:59:59Z', stopped: '2026-03-02T02:00:00Z', overdue: false },
      { name: 'resolve', start: '2026-03-01T02:00:00Z', due: '2026-03-06T16:59:59Z', overdue: true },
    ],
    ...over,
  }
}

describe('report page', () => {
  it('shows the report from its JSON, in plain words, and never the identity', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample())
    setSession(grant('acc', staffUser({ role: 'inspector' })))
    const { w } = await mountApp('/staff/cases/c1', 'vi')
    await until(() => w.find('[data-testid="case-details"]').exists())

    expect(w.get('h1').text()).toBe('Phản ánh MB-7K3M-9QX2')
    expect(w.get('[data-testid="case-status-now"]').text()).toBe('Trạng thái: Đã tiếp nhận')
    const details = w.get('[data-testid="case-details"]').text()
    expect(details).toContain('Bị đòi tiền khi nộp hồ sơ')
    expect(details).toContain('Quầy 3')
    expect(w.get('[data-testid="case-identity"]').text()).toContain('Có danh tính')

    const clocks = w.findAll('[data-testid="case-clock"]').map((c) => c.text())
    expect(clocks[0]).toBe('Thời hạn thụ lý: đã hoàn thành ngày 02/03/2026')
    expect(clocks[1]).toMatch(/^Thời hạn giải quyết: quá hạn \d+ ngày \(hạn 06\/03\/2026\)$/)

    const events = w.findAll('[data-testid="case-event"]').map((e) => e.text())
    expect(events[0]).toContain('Gửi đơn')
    expect(events[0]).toContain('Người phản ánh')
    expect(events[1]).toContain('Ghi chú nội bộ')
    expect(events[1]).toContain('Cần xác minh quầy 3')
    expect(events[2]).toContain('Sự kiện khác (mystery_event)')
    expect(events[2]).toContain('Hệ thống')

    expect(w.get('[data-testid="case-message"]').text()).toContain('Tôi có thêm ảnh chụp.')
    const file = w.get('[data-testid="case-attachment"]').findAll('td').map((td) => td.text())
    expect(file[0]).toBe('bien-lai.pdf')
    expect(file[3]).toBe('Đã quét, không có virus')
    expect(file[6]).toBe('3f2a9c1d…7b0e')
    expect(w.find('a[href*="f1"]').exists()).toBe(false)

    const rec = w.get('[data-testid="case-rec"]')
    expect(rec.text()).toContain('Trả lời trước 10/03/2026')
    expect(rec.find('[data-testid="case-rec-overdue"]').exists()).toBe(true)

    // An inspector on a received report may accept, reject or transfer, and ask for the identity.
    expect(w.get('[data-testid="case-move-to"]').findAll('option').map((o) => o.attributes('value'))).toEqual([
      '',
      'accepted',
      'rejected',
      'transferred',
    ])
    expect(w.find('[data-testid="case-custody-form"]').exists()).toBe(true)
    expect(w.find('[data-testid="case-rec-form"]').exists()).toBe(false)
  })

  it('asks for a reason before rejecting, sends the move, and shows a refusal with the allowed moves', async () => {
    const api = fakeApi()
    let current = sample()
    api.on('GET', PATH, () => jsonResponse(200, current))
    api.on(
      'POST',
      `${PATH}/transitions`,
      () => {
        current = sample({ status: 'rejected' })
        return jsonResponse(200, current)
      },
      () => jsonResponse(409, { error: { code: 'conflict', message: 'not allowed', allowed: ['investigating'] } }),
    )
    setSession(grant('acc', staffUser({ role: 'lead' })))
    const { w } = await mountApp('/staff/cases/c1')
    await until(() => w.find('[data-testid="case-move-form"]').exists())

    await w.get('[data-testid="case-move-to"]').setValue('rejected')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/transitions`)).toHaveLength(0)
    expect(w.get('#move-reason-error').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('move-reason')

    await w.get('#move-reason').setValue('Không thuộc thẩm quyền')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/transitions`)[0]!.body).toEqual({ to: 'rejected', reason: 'Không thuộc thẩm quyền' })
    expect(w.get('[data-testid="case-status"]').text()).toBe('The status is now: Not accepted.')
    expect(w.find('[data-testid="case-no-moves"]').exists()).toBe(true)

    // Another tab moved it meanwhile: the 409 names what is allowed now.
    current = sample({ status: 'received' })
    const { w: w2 } = await mountApp('/staff/cases/c1')
    await until(() => w2.find('[data-testid="case-move-form"]').exists())
    await w2.get('[data-testid="case-move-to"]').setValue('accepted')
    await w2.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(w2.get('[data-testid="case-error"]').text()).toBe(`This status change is not possible. Allowed steps: ${INVESTIGATING}.`)
  })

  it('offers the conclusion to a lead only, with outcome and actions required', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ status: 'investigating' }))
    api.json('POST', `${PATH}/transitions`, 200, {})
    setSession(grant('acc', staffUser({ role: 'lead' })))
    const { w } = await mountApp('/staff/cases/c1')
    await until(() => w.find('[data-testid="case-move-form"]').exists())
    await w.get('[data-testid="case-move-to"]').setValue('concluded')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(w.find('#move-outcome-error').exists()).toBe(true)
    expect(w.find('#move-actions-error').exists()).toBe(true)
    await w.get('#move-outcome').setValue('partly_substantiated')
    await w.get('#move-actions').setValue('Kỷ luật cán bộ')
    await w.get('#move-reply').setValue('Cảm ơn ông bà')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/transitions`)[0]!.body).toEqual({
      to: 'concluded',
      outcome: 'partly_substantiated',
      actions: 'Kỷ luật cán bộ',
      reply: 'Cảm ơn ông bà',
    })
  })

  it('sends notes, messages and answers', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ named: false }))
    api.json('POST', `${PATH}/notes`, 201, {})
    api.json('POST', `${PATH}/messages`, 201, {})
    api.json('POST', `${PATH}/recommendations/r1/answer`, 200, {})
    setSession(grant('acc', staffUser({ role: 'inspector' })))
    const { w } = await mountApp('/staff/cases/c1')
    await until(() => w.find('[data-testid="case-note-form"]').exists())
    expect(w.find('[data-testid="case-custody-form"]').exists()).toBe(false)

    await w.get('#note-text').setValue('Đã gọi điện')
    await w.get('[data-testid="case-note-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/notes`)[0]!.body).toEqual({ text: 'Đã gọi điện' })
    expect(w.get('[data-testid="case-status"]').text()).toBe('The note was saved.')

    await w.get('#message-text').setValue('Xin gửi thêm biên lai')
    await w.get('[data-testid="case-message-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/messages`)[0]!.body).toEqual({ text: 'Xin gửi thêm biên lai' })

    await w.get('#answer-r1').setValue('Đang xác minh')
    await w.get('[data-testid="case-rec"] form').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/recommendations/r1/answer`)[0]!.body).toEqual({ answer: 'Đang xác minh' })
  })

  it('lets a monitor file a recommendation and check the audit chain, without handling actions', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample())
    api.json('POST', `${PATH}/recommendations`, 201, {})
    api.on(
      'GET',
      `${PATH}/audit`,
      () => jsonResponse(200, { valid: true, events: [{ seq: 1, at: '2026-03-01T02:00:00Z', actor: 'citizen', type: 'submitted', hash: 'ab'.repeat(32) }] }),
      () => jsonResponse(200, { valid: false, events: [], brokenAt: 4, reason: 'hash mismatch' }),
    )
    setSession(grant('acc', staffUser({ role: 'monitor' })))
    const { w } = await mountApp('/staff/cases/c1', 'vi')
    await until(() => w.find('[data-testid="case-rec-form"]').exists())
    expect(w.find('[data-testid="case-actions"]').exists()).toBe(false)
    expect(w.find('[data-testid="case-answer-send"]').exists()).toBe(false)

    await w.get('[data-testid="case-rec-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/recommendations`)).toHaveLength(0)
    await w.get('#rec-text').setValue('Đề nghị xử lý dứt điểm')
    await w.get('#rec-answer-by').setValue('2099-04-01')
    await w.get('[data-testid="case-rec-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/recommendations`)[0]!.body).toEqual({ text: 'Đề nghị xử lý dứt điểm', answerBy: '2099-04-01' })

    await w.get('[data-testid="case-audit-load"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="case-audit-result"]').text()).toBe('Chuỗi nhật ký hợp lệ')
    expect(w.findAll('[data-testid="case-audit-row"]')).toHaveLength(1)
    await w.get('[data-testid="case-audit-load"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="case-audit-result"]').text()).toBe('Chuỗi nhật ký bị phá vỡ tại sự kiện 4')
  })

  it('shows a load error with a retry', async () => {
    const api = fakeApi()
    api.on('GET', PATH, () => apiError(404, 'not_found'))
    setSession(grant('acc', staffUser()))
    const { w } = await mountApp('/staff/cases/c1')
    await until(() => w.find('[data-testid="case-load-error"]').exists())
    expect(w.get('[data-testid="case-load-error"]').text()).toContain('Not found')
  })
})

describe('queue links and overdue recommendations', () => {
  it('links each report to its page, and lists overdue recommendations for a monitor', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, {
      items: [{ id: 'c1', trackingCode: 'MB-7K3M-9QX2', title: 'Bị đòi tiền', status: 'received', submittedAt: '2026-03-01T02:00:00Z' }],
      nextCursor: null,
      counts: {},
    })
    api.json('GET', '/api/v1/recommendations/overdue', 200, {
      items: [{ id: 'r1', caseId: 'c1', trackingCode: 'MB-7K3M-9QX2', text: 'Đề nghị trả lời sớm.', answerBy: '2026-03-10', overdue: true }],
    })
    setSession(grant('acc', staffUser({ role: 'monitor' })))
    const { w } = await mountApp('/staff/queue', 'vi')
    await until(() => w.find('[data-testid="queue-overdue-item"]').exists())
    expect(w.get('[data-testid="queue-link"]').attributes('href')).toBe('/staff/cases/c1')
    const item = w.get('[data-testid="queue-overdue-item"]')
    expect(item.get('a').attributes('href')).toBe('/staff/cases/c1')
    expect(item.text()).toContain('MB-7K3M-9QX2: trả lời trước 10/03/2026')
  })

  it('does not ask an inspector for overdue recommendations', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    setSession(grant('acc', staffUser({ role: 'inspector' })))
    const { w } = await mountApp('/staff/queue')
    await until(() => w.find('[data-testid="queue-empty"]').exists())
    expect(api.callsTo('GET', '/api/v1/recommendations/overdue')).toHaveLength(0)
    expect(w.find('[data-testid="queue-overdue"]').exists()).toBe(false)
  })
})
