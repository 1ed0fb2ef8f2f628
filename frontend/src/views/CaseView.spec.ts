import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, peopleOf, person } from '../testing/fakeApi'
import { mountApp, openAs, resetPageTests, settle, until } from '../testing/mountApp'
import { HANDLER_CAN, allCapabilities, capabilities, caseDetail } from '../testing/caseDetail'
import type { CaseCapabilities } from '../staffApi'
import en from '../locales/en'
import { testMeta } from '../testing/meta'

resetPageTests()

const PATH = '/api/v1/cases/c1'
const INVESTIGATING = en.status.investigating

const sample = caseDetail
/** What the server lets a received report's handlers do: accept, reject or transfer it. */
const RECEIVED_MOVES = ['accepted', 'rejected', 'transferred']

describe('report page', () => {
  it('says how the report came in and who took it on the citizen’s behalf, to the unit and to a monitor', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ channel: 'reception', filedBy: 'u7', people: peopleOf(person('u7', 'Lê Văn Tiếp')) }))
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-details', 'vi')
    expect(w.get('[data-testid="case-channel"]').text()).toBe('Tiếp công dân trực tiếp')
    expect(w.get('[data-testid="case-filed-by"]').text()).toBe('Lê Văn Tiếp')
    expect(w.get('[data-testid="case-details"]').text()).toContain('Kênh')
    expect(w.get('[data-testid="case-details"]').text()).toContain('Người tiếp nhận')
    w.unmount()

    api.json('GET', PATH, 200, sample({ channel: 'mail', filedBy: 'u7', people: peopleOf(person('u7', 'Lê Văn Tiếp')) }))
    const m = await openAs('monitor', '/staff/cases/c1', 'case-details', 'en')
    expect(m.w.get('[data-testid="case-channel"]').text()).toBe('Letter')
    expect(m.w.get('[data-testid="case-filed-by"]').text()).toBe('Lê Văn Tiếp')
  })

  it('calls a report without a channel a web filing, with nobody who took it', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample())
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-details', 'en')
    expect(w.get('[data-testid="case-channel"]').text()).toBe('Web portal')
    expect(w.find('[data-testid="case-filed-by"]').exists()).toBe(false)
  })

  it('shows the report from its JSON, in plain words, and never the identity', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ allowedTransitions: RECEIVED_MOVES, can: HANDLER_CAN }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-details', 'vi')

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

    // The server lets this inspector accept, reject or transfer, and ask for the identity; not recommend.
    expect(w.get('[data-testid="case-move-to"]').findAll('option').map((o) => o.attributes('value'))).toEqual([
      '',
      'accepted',
      'rejected',
      'transferred',
    ])
    expect(w.find('[data-testid="case-custody-form"]').exists()).toBe(true)
    expect(w.find('[data-testid="case-rec-form"]').exists()).toBe(false)
  })

  it('lists the other reports about the same office or official, linked, with what they share', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ can: HANDLER_CAN }))
    api.json('GET', `${PATH}/related`, 200, {
      items: [
        { id: 'c7', trackingCode: 'MB-AAAA-BBBB', title: 'Đòi tiền lần nữa', kind: 'complaint', status: 'investigating', createdAt: '2026-03-02T02:00:00Z', office: true, officials: ['lan bo phan mot cua'] },
        { id: 'c8', trackingCode: 'MB-CCCC-DDDD', title: 'Hẹn lại nhiều lần', kind: 'feedback', status: 'received', createdAt: '2026-03-01T02:00:00Z', office: false, officials: ['tran hung'] },
      ],
    })
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-related-row', 'vi')
    const rows = w.findAll('[data-testid="case-related-row"]').map((r) => r.findAll('td').map((td) => td.text()))
    expect(rows[0]![0]).toBe('MB-AAAA-BBBB')
    expect(rows[0]![2]).toBe('Đang xác minh')
    expect(rows[0]![4]).toBe('cùng cơ quan; cùng cán bộ: lan bo phan mot cua')
    expect(rows[1]![4]).toBe('cùng cán bộ: tran hung')
    expect(w.get('[data-testid="case-related-row"] a').attributes('href')).toBe('/staff/cases/c7')
  })

  it('says when no other report is about this office or official', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ can: HANDLER_CAN }))
    api.json('GET', `${PATH}/related`, 200, { items: [] })
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-related-none')
    expect(w.get('[data-testid="case-related-none"]').text()).toBe('No other report within your scope is about this office or official.')
  })

  it('names the category and the area from /meta, and shows the codes without it', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ category: 'bribe', areaCode: '26734' }))
    api.json('GET', '/api/v1/meta', 200, testMeta)
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-details', 'vi')
    await until(() => w.get('[data-testid="case-category"]').text() !== 'bribe')
    expect(w.get('[data-testid="case-category"]').text()).toBe('Đòi tiền, “bồi dưỡng”')
    expect(w.get('[data-testid="case-areaCode"]').text()).toBe('Phường Sài Gòn, Thành phố Hồ Chí Minh')

    const bare = fakeApi()
    bare.json('GET', PATH, 200, sample({ category: 'bribe', areaCode: '26734' }))
    bare.on('GET', '/api/v1/meta', () => apiError(503, 'unavailable'))
    const again = await openAs('inspector', '/staff/cases/c1', 'case-details', 'vi')
    await settle()
    expect(again.w.get('[data-testid="case-category"]').text()).toBe('bribe')
    expect(again.w.get('[data-testid="case-areaCode"]').text()).toBe('26734')
  })

  it('clears a status change’s error and aria-invalid as soon as the field is right, and keeps the others', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ allowedTransitions: RECEIVED_MOVES, can: HANDLER_CAN }))
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-move-form')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(w.get('#move-to-error').text()).toBe('This field is required.')
    expect(w.get('#move-to').attributes('aria-invalid')).toBe('true')

    // Choosing a move fixes the field: its error goes at once, without sending.
    await w.get('[data-testid="case-move-to"]').setValue('rejected')
    await settle()
    expect(w.find('#move-to-error').exists()).toBe(false)
    expect(w.get('#move-to').attributes('aria-invalid')).toBeUndefined()

    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(w.get('#move-reason').attributes('aria-invalid')).toBe('true')
    // Spaces are not a reason: the error stays.
    await w.get('#move-reason').setValue('   ')
    await settle()
    expect(w.get('#move-reason-error').text()).toBe('This field is required.')
    await w.get('#move-reason').setValue('Không thuộc thẩm quyền')
    await settle()
    expect(w.find('#move-reason-error').exists()).toBe(false)
    expect(w.get('#move-reason').attributes('aria-invalid')).toBeUndefined()
    expect(api.callsTo('POST', `${PATH}/transitions`)).toHaveLength(0)
  })

  it('clears the server’s field error of a note once the text changes', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ named: false, can: { ...HANDLER_CAN, requestCustody: false } }))
    api.on('POST', `${PATH}/notes`, () => apiError(400, 'invalid', { text: 'too_long' }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-note-form')
    await w.get('#note-text').setValue('Đã gọi điện')
    await w.get('[data-testid="case-note-form"]').trigger('submit')
    await settle()
    expect(w.get('#note-text-error').text()).toBe('This is too long.')
    expect(w.get('[data-testid="case-error"]').text()).not.toBe('')
    await w.get('#note-text').setValue('Đã gọi')
    await settle()
    expect(w.find('#note-text-error').exists()).toBe(false)
    expect(w.get('#note-text').attributes('aria-invalid')).toBeUndefined()
    // The notice "correct the marked fields" goes with the last marked field.
    expect(w.find('[data-testid="case-error"]').exists() ? w.get('[data-testid="case-error"]').text() : '').toBe('')
  })

  it('asks for a reason before rejecting, sends the move, and shows a refusal with the allowed moves', async () => {
    const api = fakeApi()
    let current = sample({ allowedTransitions: RECEIVED_MOVES, can: HANDLER_CAN })
    api.on('GET', PATH, () => jsonResponse(200, current))
    api.on(
      'POST',
      `${PATH}/transitions`,
      () => {
        current = sample({ status: 'rejected', can: HANDLER_CAN })
        return jsonResponse(200, current)
      },
      () => jsonResponse(409, { error: { code: 'conflict', message: 'not allowed', allowed: ['investigating'] } }),
    )
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-move-form')

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
    current = sample({ status: 'received', allowedTransitions: RECEIVED_MOVES, can: HANDLER_CAN })
    const { w: w2 } = await mountApp('/staff/cases/c1')
    await until(() => w2.find('[data-testid="case-move-form"]').exists())
    await w2.get('[data-testid="case-move-to"]').setValue('accepted')
    await w2.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(w2.get('[data-testid="case-error"]').text()).toBe(`This status change is not possible. Allowed steps: ${INVESTIGATING}.`)
  })

  it('offers the conclusion when the server lists it, with outcome and actions required', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ status: 'investigating', allowedTransitions: ['concluded'], can: HANDLER_CAN }))
    api.json('POST', `${PATH}/transitions`, 200, {})
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-move-form')
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
    // A conclusion cannot be undone: the form asks first, in place, focus on "yes"; "no" goes back.
    expect(api.callsTo('POST', `${PATH}/transitions`)).toHaveLength(0)
    expect(w.get('[data-testid="case-move-confirm"]').text()).toContain('A conclusion cannot be undone once sent.')
    expect(document.activeElement).toBe(w.get('[data-testid="case-move-confirm-yes"]').element)
    await w.get('[data-testid="case-move-confirm-no"]').trigger('click')
    await settle(2)
    expect(document.activeElement).toBe(w.get('[data-testid="case-move-send"]').element)
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle(2)
    ;(w.get('[data-testid="case-move-confirm-yes"]').element as HTMLButtonElement).focus()
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    // Focus returns to the send button the confirmation stood in for.
    expect(document.activeElement?.id).toBe('move-send')
    expect(api.callsTo('POST', `${PATH}/transitions`)[0]!.body).toEqual({
      to: 'concluded',
      outcome: 'partly_substantiated',
      actions: 'Kỷ luật cán bộ',
      reply: 'Cảm ơn ông bà',
    })
  })

  it('sends notes, messages and answers', async () => {
    const api = fakeApi()
    // An anonymous report: the server offers no identity request.
    api.json('GET', PATH, 200, sample({ named: false, can: { ...HANDLER_CAN, requestCustody: false } }))
    api.json('POST', `${PATH}/notes`, 201, {})
    api.json('POST', `${PATH}/messages`, 201, {})
    api.json('POST', `${PATH}/recommendations/r1/answer`, 200, {})
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-note-form')
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
    api.json('GET', PATH, 200, sample({ can: capabilities({ recommend: true }) }))
    api.json('POST', `${PATH}/recommendations`, 201, {})
    api.on(
      'GET',
      `${PATH}/audit`,
      () => jsonResponse(200, { valid: true, events: [{ seq: 1, at: '2026-03-01T02:00:00Z', actor: 'citizen', type: 'submitted', hash: 'ab'.repeat(32) }] }),
      () => jsonResponse(200, { valid: false, events: [], brokenAt: 4, reason: 'hash mismatch' }),
    )
    const { w } = await openAs('monitor', '/staff/cases/c1', 'case-rec-form', 'vi')
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

  it('labels every event type of the case handling and puts coded notes in words', async () => {
    const api = fakeApi()
    const ev = (type: string, actor: string, note?: string, ref?: string) => ({
      type,
      at: '2026-03-02T02:00:00Z',
      actor,
      public: false,
      ...(note ? { note } : {}),
      ...(ref ? { ref } : {}),
    })
    api.json(
      'GET',
      PATH,
      200,
      sample({
        status: 'investigating',
        timeline: [
          ev('assigned', 'lead-1', undefined, 'u1'),
          ev('conclusion_proposed', 'u1', 'partly_substantiated'),
          ev('summary_published', 'lead-1'),
          ev('extension_requested', 'u1', 'Cần xác minh thêm'),
          ev('extension_decided', 'lead-1', 'refused'),
          ev('extension_decided', 'lead-1', 'approved'),
          ev('deadline_extended', 'lead-1', '30'),
          ev('evidence_downloaded', 'u1', 'original'),
          ev('evidence_downloaded', 'u1', 'sanitized'),
          ev('overdue', 'system', 'resolve'),
          ev('auto_closed', 'system'),
          ev('appealed', 'citizen'),
          ev('appeal_opened', 'citizen'),
          ev('appeal_failed', 'system'),
          ev('custody_decided', 'lead-1', 'denied'),
          ev('rated', 'citizen', '5'),
          ev('withdrawn', 'citizen', 'Đã được giải quyết'),
        ],
      }),
    )
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-event')
    const events = w.findAll('[data-testid="case-event"]')
    const title = (i: number) => events[i]!.get('strong').text()
    const note = (i: number) => {
      const n = events[i]!.find('[data-testid="case-event-note"]')
      return n.exists() ? n.text() : ''
    }
    expect(events.map((_, i) => title(i))).toEqual([
      'Assigned',
      'Conclusion proposed',
      'Public summary published',
      'Extension requested',
      'Extension request decided',
      'Extension request decided',
      'Deadline extended',
      'Evidence downloaded',
      'Evidence downloaded',
      'Overdue',
      'Closed automatically (30 days after the conclusion, no rating)',
      'Appealed',
      'Opened from the first-round report (second complaint or re-denunciation)',
      'The second-round report could not be opened',
      'Identity request decided',
      'Rated by the citizen',
      'Withdrawn by the citizen',
    ])
    expect(events.map((_, i) => note(i))).toEqual([
      'Assigned to you',
      'Proposed outcome: Partly substantiated',
      '',
      'Cần xác minh thêm',
      'Refused',
      'Approved',
      '30 more days',
      'Original',
      'Cleaned copy',
      'Resolution deadline is overdue',
      '',
      '',
      '',
      '',
      'Refused',
      '5/5 stars',
      'Đã được giải quyết',
    ])
    // The signed-in user is "you"; other users are shown by id when `people` does not name them.
    expect(events[1]!.text()).toContain('— you (')
    expect(events[2]!.text()).toContain('— lead-1 (')
    expect(events[9]!.text()).toContain('— System (')
  })

  it('shows the API’s field errors (400 invalid) next to the recommendation fields', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ can: capabilities({ recommend: true }) }))
    api.on('POST', `${PATH}/recommendations`, () => apiError(400, 'invalid', { answerBy: 'past' }))
    const { w } = await openAs('monitor', '/staff/cases/c1', 'case-rec-form')
    await w.get('#rec-text').setValue('Đề nghị xử lý dứt điểm')
    await w.get('#rec-answer-by').setValue('2000-01-01')
    await w.get('[data-testid="case-rec-form"]').trigger('submit')
    await settle()
    expect(w.get('#rec-answer-by-error').text()).toBe('This date has already passed.')
    expect(document.activeElement?.id).toBe('rec-answer-by')
    expect(w.get('[data-testid="case-error"]').text()).toBe('Not saved. Please correct the marked fields.')
  })

  it('shows a load error with a retry', async () => {
    const api = fakeApi()
    api.on('GET', PATH, () => apiError(404, 'not_found'))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-load-error')
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
    const { w } = await openAs('monitor', '/staff/queue', 'queue-overdue-item', 'vi')
    expect(w.get('[data-testid="queue-link"]').attributes('href')).toBe('/staff/cases/c1')
    const item = w.get('[data-testid="queue-overdue-item"]')
    expect(item.get('a').attributes('href')).toBe('/staff/cases/c1')
    expect(item.text()).toContain('MB-7K3M-9QX2: trả lời trước 10/03/2026')
  })

  it('does not ask an inspector for overdue recommendations', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w } = await openAs('inspector', '/staff/queue', 'queue-empty')
    expect(api.callsTo('GET', '/api/v1/recommendations/overdue')).toHaveLength(0)
    expect(w.find('[data-testid="queue-overdue"]').exists()).toBe(false)
  })
})

describe('report page: rounds, proposals, extensions and evidence', () => {
  it('drives the moves from allowedTransitions, links both rounds, and shows the flags and publication', async () => {
    const api = fakeApi()
    api.json(
      'GET',
      PATH,
      200,
      sample({
        allowedTransitions: ['accepted', 'rejected'],
        round: 2,
        appealOf: { id: 'c0', trackingCode: 'MB-0000-1111' },
        appeal: { id: 'c9', trackingCode: 'MB-9999-2222' },
        complex: true,
        overdue: true,
        outcome: {
          result: 'unsubstantiated',
          actions: 'Không',
          reply: '',
          publicSummary: 'Không có vi phạm',
          concludedAt: '2026-03-04T02:00:00Z',
          published: true,
          publishedAt: '2026-03-05T02:00:00Z',
        },
      }),
    )
    api.json('POST', `${PATH}/transitions`, 200, {})
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-move-form')

    expect(w.get('[data-testid="case-move-to"]').findAll('option').map((o) => o.attributes('value'))).toEqual(['', 'accepted', 'rejected'])
    expect(w.get('[data-testid="case-overdue"]').text()).toBe('Overdue')
    expect(w.get('[data-testid="case-complex"]').text()).toContain('Complex matter')
    expect(w.get('[data-testid="case-appeal-of"]').text()).toBe('Round 2: appeal of report MB-0000-1111')
    expect(w.get('[data-testid="case-appeal-of"] a').attributes('href')).toBe('/staff/cases/c0')
    expect(w.get('[data-testid="case-appeal"] a').attributes('href')).toBe('/staff/cases/c9')
    expect(w.get('[data-testid="case-outcome-published"]').text()).toContain('Summary published on 05/03/2026 at 09:00')

    // Accepting as a complex matter asks for the longer period.
    await w.get('[data-testid="case-move-to"]').setValue('accepted')
    await w.get('[data-testid="case-move-complex"]').setValue(true)
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/transitions`)[0]!.body).toEqual({ to: 'accepted', complex: true })
  })

  it('offers no move the server does not list, even one the status machine would allow', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ allowedTransitions: [], can: HANDLER_CAN }))
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-actions')
    expect(w.find('[data-testid="case-no-moves"]').exists()).toBe(true)
  })

  it('starts a lead’s conclusion from the proposal, publishes the summary on request, and explains an identity refusal', async () => {
    const api = fakeApi()
    api.json(
      'GET',
      PATH,
      200,
      sample({
        status: 'investigating',
        allowedTransitions: ['concluded'],
        can: HANDLER_CAN,
        proposal: {
          result: 'substantiated',
          actions: 'Kỷ luật cán bộ quầy 3',
          reply: 'Cảm ơn ông bà',
          publicSummary: 'Ông Nguyễn Văn A, 0903 123 456, bị đòi tiền',
          proposedBy: 'tra@example.vn',
          proposedAt: '2026-03-03T02:00:00Z',
        },
      }),
    )
    api.on(
      'POST',
      `${PATH}/transitions`,
      () => apiError(400, 'invalid', { publicSummary: 'identity' }),
      () => jsonResponse(200, {}),
    )
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-move-form')
    expect(w.get('[data-testid="case-proposal"]').text()).toContain('Kỷ luật cán bộ quầy 3')
    expect(w.find('[data-testid="case-proposal-form"]').exists()).toBe(false)

    await w.get('[data-testid="case-move-to"]').setValue('concluded')
    await settle(2)
    expect(w.find('[data-testid="case-move-prefilled"]').exists()).toBe(true)
    expect((w.get('#move-outcome').element as HTMLSelectElement).value).toBe('substantiated')
    expect((w.get('#move-actions').element as HTMLTextAreaElement).value).toBe('Kỷ luật cán bộ quầy 3')

    // Publishing needs a summary.
    await w.get('#move-summary').setValue('')
    await w.get('[data-testid="case-move-publish"]').setValue(true)
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle()
    expect(w.get('#move-summary-error').text()).toBe('Write the public summary before approving its publication.')
    expect(api.callsTo('POST', `${PATH}/transitions`)).toHaveLength(0)

    await w.get('#move-summary').setValue('Ông Nguyễn Văn A, 0903 123 456, bị đòi tiền')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle(2)
    await w.get('[data-testid="case-move-form"]').trigger('submit') // confirmed
    await settle()
    expect(api.callsTo('POST', `${PATH}/transitions`)[0]!.body).toEqual({
      to: 'concluded',
      outcome: 'substantiated',
      actions: 'Kỷ luật cán bộ quầy 3',
      reply: 'Cảm ơn ông bà',
      publicSummary: 'Ông Nguyễn Văn A, 0903 123 456, bị đòi tiền',
      publishSummary: true,
    })
    expect(w.get('#move-summary-error').text()).toContain('contains the complainant’s personal data or contact details')
    expect(w.get('#move-summary').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement?.id).toBe('move-summary')
    expect(w.get('[data-testid="case-error"]').text()).toBe('Not saved. Please correct the marked fields.')

    await w.get('#move-summary').setValue('Cán bộ quầy 3 bị kỷ luật vì đòi tiền.')
    await w.get('[data-testid="case-move-form"]').trigger('submit')
    await settle(2)
    await w.get('[data-testid="case-move-form"]').trigger('submit') // confirmed
    await settle()
    expect((api.callsTo('POST', `${PATH}/transitions`)[1]!.body as { publicSummary: string }).publicSummary).toBe(
      'Cán bộ quầy 3 bị kỷ luật vì đòi tiền.',
    )
    expect(w.get('[data-testid="case-status"]').text()).toBe('The status is now: Concluded.')
  })

  it('lets a lead publish a concluded report’s summary afterwards, with the identity check next to the field', async () => {
    const api = fakeApi()
    const outcome = {
      result: 'substantiated',
      actions: 'Kỷ luật cán bộ',
      reply: 'Cảm ơn ông bà',
      publicSummary: 'Bà Trần Thị Bình bị đòi tiền',
      concludedAt: '2026-03-04T02:00:00Z',
      published: false,
    }
    let current = sample({ status: 'closed', allowedTransitions: [], outcome, can: capabilities({ publish: true }) })
    api.on('GET', PATH, () => jsonResponse(200, current))
    api.on(
      'POST',
      `${PATH}/publication`,
      () =>
        jsonResponse(400, {
          error: { code: 'invalid', message: 'invalid', fields: { publicSummary: 'identity' }, details: { publicSummary: ['Bà Trần Thị Bình'] } },
        }),
      (c) => {
        const summary = (c.body as { publicSummary: string }).publicSummary
        // Published: the server no longer offers it.
        current = sample({
          status: 'closed',
          allowedTransitions: [],
          outcome: { ...outcome, publicSummary: summary, published: true, publishedAt: '2026-03-05T02:00:00Z' },
          can: capabilities({ publish: false }),
        })
        return jsonResponse(200, { id: 'c1', status: 'closed', version: 9 })
      },
    )
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-publish-form')
    expect((w.get('#publish-summary').element as HTMLTextAreaElement).value).toBe('Bà Trần Thị Bình bị đòi tiền')

    await w.get('#publish-summary').setValue('')
    await w.get('[data-testid="case-publish-form"]').trigger('submit')
    await settle()
    expect(w.get('#publish-summary-error').text()).toBe('This field is required.')
    expect(api.callsTo('POST', `${PATH}/publication`)).toHaveLength(0)

    await w.get('#publish-summary').setValue('Bà Trần Thị Bình bị đòi tiền')
    await w.get('[data-testid="case-publish-form"]').trigger('submit')
    await settle()
    // The refusal names the flagged words of the summary.
    expect(w.get('#publish-summary-error').text()).toBe(
      'The public summary contains the complainant’s personal data or contact details (name, phone, email, address, ID number). Flagged words: “Bà Trần Thị Bình”. Remove or rewrite them and send again.',
    )
    expect(document.activeElement?.id).toBe('publish-summary')

    await w.get('#publish-summary').setValue('Cán bộ quầy 3 bị kỷ luật vì đòi tiền.')
    await w.get('[data-testid="case-publish-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/publication`)[1]!.body).toEqual({ publicSummary: 'Cán bộ quầy 3 bị kỷ luật vì đòi tiền.' })
    expect(w.get('[data-testid="case-status"]').text()).toBe('The public summary is published.')
    expect(w.get('[data-testid="case-outcome-published"]').text()).toMatch(/^Summary published on /)
    expect(w.find('[data-testid="case-publish-form"]').exists()).toBe(false)
  })

  it('offers no publication the server does not allow, even to a lead', async () => {
    const api = fakeApi()
    const outcome = {
      result: 'unsubstantiated',
      actions: 'Không vi phạm',
      reply: '',
      publicSummary: '',
      concludedAt: '2026-03-04T02:00:00Z',
      published: false,
    }
    api.json('GET', PATH, 200, sample({ status: 'concluded', allowedTransitions: [], outcome, can: allCapabilities({ publish: false }) }))
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-outcome')
    expect(w.find('[data-testid="case-publish-form"]').exists()).toBe(false)
  })

  it('lets an inspector who cannot conclude propose a conclusion', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ status: 'investigating', allowedTransitions: [], can: { ...HANDLER_CAN, propose: true } }))
    api.json('POST', `${PATH}/proposal`, 200, { id: 'c1', status: 'investigating', version: 4 })
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-proposal-form', 'vi')

    await w.get('[data-testid="case-proposal-form"]').trigger('submit')
    await settle()
    expect(w.get('#proposal-outcome-error').text()).toBe('Mục này là bắt buộc.')
    expect(w.find('#proposal-actions-error').exists()).toBe(true)
    expect(document.activeElement?.id).toBe('proposal-outcome')

    await w.get('#proposal-outcome').setValue('unsubstantiated')
    await w.get('#proposal-actions').setValue('Không có vi phạm')
    await w.get('[data-testid="case-proposal-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/proposal`)[0]!.body).toEqual({ outcome: 'unsubstantiated', actions: 'Không có vi phạm' })
    expect(w.get('[data-testid="case-status"]').text()).toBe('Đã gửi đề xuất kết luận cho lãnh đạo.')
  })

  it('asks for an extension, says when no more are allowed, and lets a lead decide pending ones', async () => {
    const api = fakeApi()
    const pending = { id: 'e1', days: 30, reason: 'Cần xác minh thêm', requestedBy: 'tra@example.vn', requestedAt: '2026-03-03T02:00:00Z', status: 'pending' }
    api.json('GET', PATH, 200, sample({ status: 'investigating', extensions: [pending], can: { ...HANDLER_CAN, extend: true } }))
    api.on(
      'POST',
      `${PATH}/extensions`,
      () => apiError(400, 'invalid', { days: 'invalid' }),
      () => jsonResponse(201, { ...pending, id: 'e2', days: 15, status: 'pending' }),
      () => apiError(409, 'conflict'),
    )
    const { w } = await openAs('inspector', '/staff/cases/c1', 'ext-form')
    expect(w.get('[data-testid="ext-item"]').text()).toContain('30 more days — Awaiting a decision')
    // The server does not let this inspector decide.
    expect(w.find('[data-testid="ext-decide"]').exists()).toBe(false)

    await w.get('[data-testid="ext-days"]').setValue('0')
    await w.get('[data-testid="ext-form"]').trigger('submit')
    await settle()
    expect(w.get('#ext-days-error').text()).toBe('Enter a whole number from 1 to 365.')
    expect(w.get('#ext-reason-error').text()).toBe('This field is required.')
    expect(api.callsTo('POST', `${PATH}/extensions`)).toHaveLength(0)

    await w.get('[data-testid="ext-days"]').setValue('15')
    await w.get('[data-testid="ext-reason"]').setValue('Chờ kết quả giám định')
    await w.get('[data-testid="ext-form"]').trigger('submit')
    await settle()
    expect(w.get('#ext-days-error').text()).toBe('This value is not valid.')
    await w.get('[data-testid="ext-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/extensions`)[1]!.body).toEqual({ days: 15, reason: 'Chờ kết quả giám định' })
    expect(w.get('[data-testid="ext-status"]').text()).toBe('The request for 15 more days was sent; it awaits a lead.')

    await w.get('[data-testid="ext-days"]').setValue('30')
    await w.get('[data-testid="ext-reason"]').setValue('Lần nữa')
    await w.get('[data-testid="ext-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="ext-error"]').text()).toContain('allows no (more) extensions')
  })

  it('lets a lead approve an extension, and refuse one only with a note', async () => {
    const api = fakeApi()
    const ext = (id: string) => ({ id, days: 30, reason: 'Cần xác minh thêm', requestedBy: 'tra@example.vn', requestedAt: '2026-03-03T02:00:00Z', status: 'pending' })
    api.json(
      'GET',
      PATH,
      200,
      sample({ status: 'investigating', extensions: [ext('e1'), ext('e2')], can: { ...HANDLER_CAN, extend: true, decideExtensions: true } }),
    )
    api.json('POST', `${PATH}/extensions/e1/decision`, 200, { ...ext('e1'), status: 'approved' })
    api.json('POST', `${PATH}/extensions/e2/decision`, 200, { ...ext('e2'), status: 'refused' })
    const { w } = await openAs('lead', '/staff/cases/c1', (page) => page.findAll('[data-testid="ext-decide"]').length === 2)
    expect(w.get('[data-testid="ext-form"]').text()).toContain('approved at once')

    const [first, second] = w.findAll('[data-testid="ext-decide"]')
    await first!.get('[data-testid="ext-approve"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', `${PATH}/extensions/e1/decision`)[0]!.body).toEqual({ approve: true })

    await second!.get('[data-testid="ext-refuse"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', `${PATH}/extensions/e2/decision`)).toHaveLength(0)
    expect(document.activeElement?.id).toBe('ext-note-e2')
    await w.get('#ext-note-e2').setValue('Không đủ căn cứ')
    await w.findAll('[data-testid="ext-decide"]')[1]!.get('[data-testid="ext-refuse"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', `${PATH}/extensions/e2/decision`)[0]!.body).toEqual({ approve: false, note: 'Không đủ căn cứ' })
    expect(w.get('[data-testid="ext-status"]').text()).toBe('The 30-day extension was refused.')
  })

  describe('evidence downloads', () => {
    const files = [
      { ...sample().attachments[0]!, sanitized: true },
      { ...sample().attachments[0]!, id: 'f2', name: 'ghi-am.mp3', type: 'audio/mpeg', sanitized: false },
    ]
    let saved: string[]
    beforeEach(() => {
      saved = []
      vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push(this.download)
      })
    })
    afterEach(() => vi.restoreAllMocks())

    it('downloads the cleaned copy with the access token, and originals only with custody', async () => {
      const api = fakeApi()
      const named = files.map((f, i) => (i === 1 ? { ...f, originalName: 'ghi âm.mp3' } : f))
      api.json('GET', PATH, 200, sample({ attachments: named, can: { ...HANDLER_CAN, originals: true } }))
      api.on('GET', `${PATH}/attachments/f1`, () => new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf' } }))
      api.on(
        'GET',
        `${PATH}/attachments/f2?original=1`,
        () =>
          jsonResponse(403, {
            error: { code: 'forbidden', reason: 'custody_no_grant', message: 'You hold no current custody grant for this report: request custody to open the original.' },
          }),
        () =>
          new Response('ID3', {
            status: 200,
            headers: { 'Content-Type': 'audio/mpeg', 'Content-Disposition': "attachment; filename*=UTF-8''ghi%20%C3%A2m.mp3" },
          }),
      )
      api.on('GET', `${PATH}/attachments/f1?original=1`, () => jsonResponse(409, { error: { code: 'conflict', message: 'x' } }))
      const { w } = await openAs('inspector', '/staff/cases/c1', (page) => page.findAll('[data-testid="case-attachment"]').length === 2)
      const [pdf, mp3] = w.findAll('[data-testid="case-attachment"]')

      // A custody holder also sees the citizen's own file name; others only the neutral one.
      expect(mp3!.get('[data-testid="case-attachment-original-name"]').text()).toBe('(the citizen’s own file name: ghi âm.mp3)')
      expect(pdf!.find('[data-testid="case-attachment-original-name"]').exists()).toBe(false)
      expect(mp3!.find('[data-testid="case-attachment-copy"]').exists()).toBe(false)
      expect(mp3!.get('[data-testid="case-attachment-no-copy"]').text()).toBe('No cleaned copy')

      await pdf!.get('[data-testid="case-attachment-copy"]').trigger('click')
      await settle()
      expect(api.callsTo('GET', `${PATH}/attachments/f1`)[0]!.headers.Authorization).toBe('Bearer acc')
      expect(saved).toEqual(['bien-lai.pdf'])
      expect(w.get('[data-testid="files-status"]').text()).toBe('Downloaded: bien-lai.pdf')

      await mp3!.get('[data-testid="case-attachment-original"]').trigger('click')
      await settle()
      // The page's own words for the reason, never the server's English message.
      expect(w.get('[data-testid="files-error"]').text()).toBe(en.apiReason.custody_no_grant)

      await mp3!.get('[data-testid="case-attachment-original"]').trigger('click')
      await settle()
      expect(saved).toEqual(['bien-lai.pdf', 'ghi âm.mp3'])

      await pdf!.get('[data-testid="case-attachment-original"]').trigger('click')
      await settle()
      expect(w.get('[data-testid="files-error"]').text()).toContain('request access to the originals')
    })

    it('gives a monitor the cleaned copy only', async () => {
      const api = fakeApi()
      api.json('GET', PATH, 200, sample({ attachments: files }))
      api.on('GET', `${PATH}/attachments/f1`, () => jsonResponse(409, { error: { code: 'conflict', message: 'x' } }))
      const { w } = await openAs('monitor', '/staff/cases/c1', (page) => page.findAll('[data-testid="case-attachment"]').length === 2)
      expect(w.find('[data-testid="case-attachment-original"]').exists()).toBe(false)
      await w.get('[data-testid="case-attachment-copy"]').trigger('click')
      await settle()
      expect(w.get('[data-testid="files-error"]').text()).toContain('which Front monitors may not see')
      expect(saved).toEqual([])
    })
  })
})

describe('report page: names, assignment and rating', () => {
  const TRA = person('i2', 'Lê Thanh Tra', 'inspector')
  const LEAD = person('lead-1', 'Phạm Lãnh Đạo', 'lead')
  const MONITOR = person('m9', 'Võ Giám Sát', 'monitor')
  const at = '2026-03-02T02:00:00Z'

  it('names the staff from `people` wherever it showed ids, "you" for oneself, and the id when unnamed', async () => {
    const api = fakeApi()
    api.json(
      'GET',
      PATH,
      200,
      sample({
        status: 'investigating',
        assigneeId: 'i2',
        people: peopleOf(TRA, LEAD, MONITOR, person('u1', 'Nguyễn Văn Tra')),
        timeline: [
          { type: 'assigned', at, actor: 'lead-1', ref: 'i2', public: false },
          { type: 'note', at, actor: 'i2', note: 'Đã gọi điện', public: false },
          { type: 'note', at, actor: 'x7', note: 'Tài khoản đã xóa', public: false },
          { type: 'note', at, actor: 'u1', note: 'Của tôi', public: false },
        ],
        messages: [{ id: 'm2', from: 'staff', authorId: 'i2', text: 'Xin gửi thêm biên lai', at }],
        proposal: { result: 'substantiated', actions: 'Kiểm điểm', proposedBy: 'i2', proposedAt: at },
        extensions: [
          { id: 'e1', days: 10, reason: 'Chờ giám định', requestedBy: 'i2', requestedAt: at, status: 'approved', decidedBy: 'lead-1', decidedAt: at },
        ],
      }),
    )
    api.json('GET', `${PATH}/audit`, 200, {
      valid: true,
      events: [
        { seq: 1, at, actor: 'lead-1', type: 'assigned', hash: 'ab'.repeat(32) },
        { seq: 2, type: 'redacted', redacted: true, prevHash: 'ab'.repeat(32), hash: 'cd'.repeat(32) },
      ],
    })
    const { w } = await openAs({ id: 'u1', role: 'inspector' }, '/staff/cases/c1', 'case-event')

    expect(w.get('[data-testid="case-assignee"]').text()).toBe('Lê Thanh Tra')
    const events = w.findAll('[data-testid="case-event"]')
    expect(events[0]!.text()).toContain('— Phạm Lãnh Đạo (')
    expect(events[0]!.get('[data-testid="case-event-note"]').text()).toBe('Assigned to Lê Thanh Tra')
    expect(events[1]!.text()).toContain('— Lê Thanh Tra (')
    expect(events[2]!.text()).toContain('— x7 (')
    expect(events[3]!.text()).toContain('— you (')
    expect(w.get('[data-testid="case-message"]').text()).toContain('Handling authority (Lê Thanh Tra)')
    expect(w.get('[data-testid="case-rec-by"]').text()).toMatch(/^Recommended by Võ Giám Sát on /)
    expect(w.text()).toContain('Proposed by Lê Thanh Tra on ')
    const ext = w.get('[data-testid="ext-item"]').text()
    expect(ext).toContain('Requested by Lê Thanh Tra on ')
    expect(ext).toContain('Decided by Phạm Lãnh Đạo on ')
    for (const id of ['i2', 'lead-1', 'm9']) expect(w.get('main').text()).not.toMatch(new RegExp(`\\b${id}\\b`))

    await w.get('[data-testid="case-audit-load"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="case-audit-row"]').findAll('td')[2]!.text()).toBe('Phạm Lãnh Đạo')
    // A redacted link (an internal note, as a monitor sees it): no time, no author, only the hash.
    const redacted = w.findAll('[data-testid="case-audit-row"]')[1]!.findAll('td')
    expect(redacted.map((td) => td.text()).slice(1, 4)).toEqual(['—', '—', 'Internal entry of the unit (only its hash, to check the chain)'])
  })

  it('says "you" when the report is one’s own, and that nobody has it yet', async () => {
    const api = fakeApi()
    api.on(
      'GET',
      PATH,
      () => jsonResponse(200, sample({ assigneeId: '', people: {} })),
      () => jsonResponse(200, sample({ assigneeId: 'u1', people: peopleOf(person('u1', 'Nguyễn Văn Tra')) })),
    )
    const first = await openAs({ id: 'u1', role: 'inspector' }, '/staff/cases/c1', 'case-assignee', 'vi')
    expect(first.w.get('[data-testid="case-assignee"]').text()).toBe('Chưa giao cho ai')
    first.w.unmount()
    const second = await mountApp('/staff/cases/c1', 'vi')
    await until(() => second.w.find('[data-testid="case-assignee"]').exists())
    expect(second.w.get('[data-testid="case-assignee"]').text()).toBe('bạn')
  })

  it('lets a lead assign the report to a colleague by name, then shows the new assignee', async () => {
    const api = fakeApi()
    const assignable = [LEAD, TRA, person('i3', 'Đỗ Văn Xác', 'inspector')]
    const can = { ...HANDLER_CAN, assign: true }
    let current = sample({ assigneeId: 'i3', people: peopleOf(person('i3', 'Đỗ Văn Xác', 'inspector')), assignable, can })
    api.on('GET', PATH, () => jsonResponse(200, current))
    api.on('POST', `${PATH}/assign`, (c) => {
      const id = (c.body as { assigneeId: string }).assigneeId
      current = sample({
        assigneeId: id,
        people: peopleOf(LEAD, TRA, person('i3', 'Đỗ Văn Xác', 'inspector')),
        assignable,
        can,
        timeline: [{ type: 'assigned', at, actor: 'lead-1', ref: id, public: false }],
      })
      return jsonResponse(200, current)
    })
    const { w } = await openAs({ id: 'lead-1', role: 'lead' }, '/staff/cases/c1', 'case-assign-form', 'vi')

    expect(w.get('[data-testid="case-assignee"]').text()).toBe('Đỗ Văn Xác')
    expect(w.get('#assign-help').text()).toContain('Đang giao cho Đỗ Văn Xác.')
    const options = w.get('[data-testid="case-assign-to"]').findAll('option')
    expect(options.map((o) => [o.attributes('value'), o.text()])).toEqual([
      ['', 'Chọn cán bộ'],
      ['lead-1', 'Phạm Lãnh Đạo — Lãnh đạo thanh tra'],
      ['i2', 'Lê Thanh Tra — Thanh tra viên'],
      ['i3', 'Đỗ Văn Xác — Thanh tra viên (đang được giao)'],
    ])
    expect(w.get('label[for="assign-to"]').text()).toBe('Giao cho')

    // Nobody chosen: asked in place, nothing sent.
    await w.get('[data-testid="case-assign-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/assign`)).toHaveLength(0)
    expect(w.get('[data-testid="error-assign-to"]').text()).toBe('Mục này là bắt buộc.')
    expect(document.activeElement?.id).toBe('assign-to')

    await w.get('[data-testid="case-assign-to"]').setValue('i2')
    await w.get('[data-testid="case-assign-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/assign`)[0]!.body).toEqual({ assigneeId: 'i2' })
    expect(api.callsTo('GET', PATH).length).toBeGreaterThanOrEqual(2)
    expect(w.get('[data-testid="case-status"]').text()).toBe('Đã giao phản ánh cho Lê Thanh Tra.')
    expect(w.get('[data-testid="case-assignee"]').text()).toBe('Lê Thanh Tra')
    expect(w.find('[data-testid="error-assign-to"]').exists()).toBe(false)
    expect((w.get('[data-testid="case-assign-to"]').element as HTMLSelectElement).value).toBe('')
    expect(w.get('[data-testid="case-event-note"]').text()).toBe('Giao cho Lê Thanh Tra')
  })

  it('shows the server’s refusal of an assignee (400 fields.assigneeId) next to the list', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ people: {}, assignable: [TRA], can: { ...HANDLER_CAN, assign: true } }))
    api.on('POST', `${PATH}/assign`, () => apiError(400, 'invalid', { assigneeId: 'invalid' }))
    const { w } = await openAs('inspector', '/staff/cases/c1', 'case-assign-form')
    expect(w.get('#assign-help').text()).toBe('Nobody has the report yet. Whoever you choose is told by e-mail.')
    await w.get('[data-testid="case-assign-to"]').setValue('i2')
    await w.get('[data-testid="case-assign-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', `${PATH}/assign`)).toHaveLength(1)
    expect(w.get('[data-testid="error-assign-to"]').text()).toBe(en.caseView.assignInvalid)
    expect(w.get('#assign-to').attributes('aria-invalid')).toBe('true')
    expect(w.get('#assign-to').attributes('aria-describedby')).toBe('assign-help assign-to-error')
    expect(w.get('[data-testid="case-error"]').text()).toBe(en.caseView.fixErrors)
    expect(document.activeElement?.id).toBe('assign-to')
    expect(w.get('[data-testid="case-status"]').text()).toBe('')
  })

  it('offers no assignment when the server lists nobody, nor when it does not allow it', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ assignable: [], can: { ...HANDLER_CAN, assign: true } }))
    const a = await openAs('inspector', '/staff/cases/c1', 'case-actions')
    expect(a.w.find('[data-testid="case-assign-form"]').exists()).toBe(false)
    a.w.unmount()

    // Even if a list came, a monitor does not assign: the server says so.
    api.json('GET', PATH, 200, sample({ assignable: [TRA], can: capabilities({ recommend: true }) }))
    const b = await openAs('monitor', '/staff/cases/c1', 'case-details')
    expect(b.w.find('[data-testid="case-assign-form"]').exists()).toBe(false)
  })

  it('shows the citizen’s rating, in words with its comment, to staff and monitors', async () => {
    const api = fakeApi()
    const outcome = { result: 'substantiated', actions: 'Kiểm điểm', reply: '', publicSummary: '', concludedAt: at }
    api.json(
      'GET',
      PATH,
      200,
      sample({ status: 'closed', outcome, rating: { rating: 4, comment: 'Xử lý nhanh, trả lời rõ.', at: '2026-03-05T03:00:00Z' } }),
    )
    const m = await openAs('monitor', '/staff/cases/c1', 'case-rating', 'vi')
    expect(m.w.get('#rating-heading').text()).toBe('Đánh giá của người phản ánh')
    expect(m.w.get('[data-testid="case-rating"]').text()).toMatch(/^4 trên 5 sao \(Hài lòng\), .*2026.*\.$/)
    expect(m.w.get('[data-testid="case-rating-comment"]').text()).toBe('Nhận xét: Xử lý nhanh, trả lời rõ.')
    m.w.unmount()

    api.json('GET', PATH, 200, sample({ status: 'closed', outcome, rating: { rating: 1, at: '2026-03-05T03:00:00Z' } }))
    const l = await openAs('lead', '/staff/cases/c1', 'case-rating')
    expect(l.w.get('[data-testid="case-rating"]').text()).toMatch(/^1 of 5 stars \(Very dissatisfied\), on .+\.$/)
    expect(l.w.find('[data-testid="case-rating-comment"]').exists()).toBe(false)
    expect(l.w.text()).toContain('No comment.')
    l.w.unmount()

    // No rating yet: no section.
    api.json('GET', PATH, 200, sample({ status: 'concluded', outcome }))
    const n = await mountApp('/staff/cases/c1')
    await until(() => n.w.find('[data-testid="case-details"]').exists())
    expect(n.w.find('[data-testid="case-rating"]').exists()).toBe(false)
  })
})

describe('report page: units and re-routing', () => {
  const UNITS = '/api/v1/units'
  const ROUTE = `${PATH}/route`
  const unit = (id: string, vi: string, en: string, type: 'inspection' | 'front' = 'inspection') => ({ id, code: id, name: { vi, en }, type })
  const ACTIVE = [
    unit('unit-1', 'Thanh tra phường Sài Gòn', 'Sai Gon Ward Inspectorate'),
    unit('unit-2', 'Thanh tra phường Bến Thành', 'Ben Thanh Ward Inspectorate'),
    unit('unit-3', 'Thanh tra Thành phố', 'City Inspectorate'),
    unit('front-1', 'Ủy ban MTTQ phường Sài Gòn', 'Sai Gon Ward Front Committee', 'front'),
    unit('front-2', 'Ủy ban MTTQ phường Bến Thành', 'Ben Thanh Ward Front Committee', 'front'),
  ]
  const named = {
    unitName: { vi: 'Thanh tra phường Sài Gòn', en: 'Sai Gon Ward Inspectorate' },
    frontUnitName: { vi: 'Ủy ban MTTQ phường Sài Gòn', en: 'Sai Gon Ward Front Committee' },
  }
  /** What the server lets a lead of the unit do on an open report, re-routing included. */
  const LEAD_CAN = { ...HANDLER_CAN, reroute: true }

  it('names the handling unit and the committee in the current language, to monitors too, and leaves them out when unnamed', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample(named))
    const m = await openAs('monitor', '/staff/cases/c1', 'case-details', 'vi')
    expect(m.w.get('[data-testid="case-unit"]').text()).toBe('Thanh tra phường Sài Gòn')
    expect(m.w.get('[data-testid="case-front-unit"]').text()).toBe('Ủy ban MTTQ phường Sài Gòn')
    const terms = m.w.get('[data-testid="case-details"]').findAll('dt').map((d) => d.text())
    expect(terms).toContain('Đơn vị xử lý')
    expect(terms).toContain('Ủy ban Mặt trận giám sát')
    // The language switch renames them at once.
    m.i18n.global.locale.value = 'en'
    await settle(2)
    expect(m.w.get('[data-testid="case-unit"]').text()).toBe('Sai Gon Ward Inspectorate')
    expect(m.w.get('[data-testid="case-front-unit"]').text()).toBe('Sai Gon Ward Front Committee')
    // A monitor never re-routes, and nothing asks for the units.
    expect(m.w.find('[data-testid="case-route"]').exists()).toBe(false)
    m.w.unmount()

    // An older server (or a unit without a name) sends none: no empty rows.
    api.json('GET', PATH, 200, sample())
    const i = await openAs('inspector', '/staff/cases/c1', 'case-details')
    expect(i.w.find('[data-testid="case-unit"]').exists()).toBe(false)
    expect(i.w.find('[data-testid="case-front-unit"]').exists()).toBe(false)
    expect(api.callsTo('GET', UNITS)).toHaveLength(0)
  })

  it('offers re-routing when the server allows it, and loads the units only when the form is opened', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ ...named, status: 'investigating', can: LEAD_CAN }))
    const l = await openAs('lead', '/staff/cases/c1', 'case-actions')
    expect(l.w.find('[data-testid="case-route-open"]').exists()).toBe(true)
    l.w.unmount()

    // A caller the server does not let re-route, whatever the role: no panel.
    for (const [role, can] of [
      ['lead', { ...LEAD_CAN, reroute: false }],
      ['inspector', HANDLER_CAN],
    ] as const) {
      api.json('GET', PATH, 200, sample({ ...named, status: 'investigating', can }))
      const w = await openAs(role, '/staff/cases/c1', 'case-actions')
      expect(w.w.find('[data-testid="case-route"]').exists(), role).toBe(false)
      w.w.unmount()
    }
    expect(api.callsTo('GET', UNITS)).toHaveLength(0)
  })

  it('lets a lead send the report to another unit with a reason, then says where it went and links to the queue', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ ...named, status: 'accepted', can: LEAD_CAN }))
    api.json('GET', UNITS, 200, { items: ACTIVE })
    api.json('POST', ROUTE, 200, { id: 'c1', status: 'accepted', version: 4 })
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-route-open', 'vi')

    expect(w.get('#route-heading').text()).toBe('Chuyển đơn vị xử lý')
    await w.get('[data-testid="case-route-open"]').trigger('click')
    await settle()
    expect(api.callsTo('GET', UNITS)).toHaveLength(1)
    // Other inspection units only; the committees in their own, optional list, the current one kept by default.
    const options = (sel: string) => w.get(sel).findAll('option').map((o) => [o.attributes('value'), o.text()])
    expect(options('[data-testid="case-route-unit"]')).toEqual([
      ['', 'Chọn đơn vị'],
      ['unit-2', 'Thanh tra phường Bến Thành'],
      ['unit-3', 'Thanh tra Thành phố'],
    ])
    expect(options('[data-testid="case-route-front"]')).toEqual([
      ['', 'Giữ ủy ban hiện tại (Ủy ban MTTQ phường Sài Gòn)'],
      ['front-2', 'Ủy ban MTTQ phường Bến Thành'],
    ])
    expect(w.get('label[for="route-unitId"]').text()).toContain('Đơn vị thanh tra mới')
    expect(w.get('label[for="route-reason"]').text()).toContain('Lý do chuyển')

    // Nothing chosen: asked in place, the unit focused, nothing sent.
    await w.get('[data-testid="case-route-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', ROUTE)).toHaveLength(0)
    expect(w.get('[data-testid="error-route-unitId"]').text()).toBe('Mục này là bắt buộc.')
    expect(w.get('[data-testid="error-route-reason"]').text()).toBe('Mục này là bắt buộc.')
    expect(w.get('#route-unitId').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement?.id).toBe('route-unitId')

    await w.get('[data-testid="case-route-unit"]').setValue('unit-2')
    await w.get('[data-testid="case-route-reason"]').setValue('  Vụ việc thuộc địa bàn phường Bến Thành  ')
    await w.get('[data-testid="case-route-form"]').trigger('submit')
    await settle()
    // No committee chosen: none sent, so the report keeps its own.
    expect(api.callsTo('POST', ROUTE).map((c) => c.body)).toEqual([{ unitId: 'unit-2', reason: 'Vụ việc thuộc địa bàn phường Bến Thành' }])
    // The report has left the lead's unit: no reload (it would be a 404), a confirmation and the way back.
    expect(api.callsTo('GET', PATH)).toHaveLength(1)
    expect(w.find('[data-testid="case-details"]').exists()).toBe(false)
    expect(w.get('h1').text()).toBe('Đã chuyển phản ánh MB-7K3M-9QX2')
    expect(document.activeElement?.id).toBe('rerouted-heading')
    expect(w.get('[data-testid="case-rerouted-to"]').text()).toBe('Phản ánh đã được chuyển sang Thanh tra phường Bến Thành.')
    expect(w.get('[data-testid="case-rerouted"]').text()).toContain('bạn không mở được nó nữa')
    const back = w.get('[data-testid="case-rerouted-queue"]')
    expect(back.text()).toBe('Về hàng đợi')
    expect(back.attributes('href')).toBe('/staff/queue')
  })

  it('sends another committee when one is chosen, and names both', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ ...named, status: 'investigating', can: LEAD_CAN }))
    api.json('GET', UNITS, 200, { items: ACTIVE })
    api.json('POST', ROUTE, 200, { id: 'c1', status: 'investigating', version: 4 })
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-route-open')
    await w.get('[data-testid="case-route-open"]').trigger('click')
    await until(() => w.findAll('[data-testid="case-route-unit"] option').length === 3)
    await w.get('[data-testid="case-route-unit"]').setValue('unit-3')
    await w.get('[data-testid="case-route-front"]').setValue('front-2')
    await w.get('[data-testid="case-route-reason"]').setValue('Liên quan nhiều phường')
    await w.get('[data-testid="case-route-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', ROUTE)[0]!.body).toEqual({ unitId: 'unit-3', frontUnitId: 'front-2', reason: 'Liên quan nhiều phường' })
    expect(w.get('h1').text()).toBe('Report MB-7K3M-9QX2 re-routed')
    expect(w.get('[data-testid="case-rerouted-to"]').text()).toBe(
      'The report was sent to City Inspectorate, supervised by Ben Thanh Ward Front Committee.',
    )
  })

  it('shows the server’s field errors next to their fields, and a refusal above the form, keeping the report', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ ...named, status: 'received', can: LEAD_CAN }))
    api.json('GET', UNITS, 200, { items: ACTIVE })
    api.on(
      'POST',
      ROUTE,
      () => apiError(400, 'invalid', { unitId: 'invalid', frontUnitId: 'invalid', reason: 'too_long' }),
      () => apiError(403, 'forbidden'),
    )
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-route-open')
    await w.get('[data-testid="case-route-open"]').trigger('click')
    await until(() => w.findAll('[data-testid="case-route-unit"] option').length === 3)
    await w.get('[data-testid="case-route-unit"]').setValue('unit-2')
    await w.get('[data-testid="case-route-front"]').setValue('front-2')
    await w.get('[data-testid="case-route-reason"]').setValue('Không thuộc thẩm quyền')
    await w.get('[data-testid="case-route-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-route-unitId"]').text()).toBe(en.caseView.route.unitInvalid)
    expect(w.get('[data-testid="error-route-frontUnitId"]').text()).toBe(en.caseView.route.frontInvalid)
    expect(w.get('[data-testid="error-route-reason"]').text()).toBe('This is too long.')
    expect(w.get('[data-testid="case-route-error"]').text()).toBe(en.admin.fixErrors)
    expect(document.activeElement?.id).toBe('route-unitId')

    // A non-lead (403): said above the form, the choices kept to try again, the report still shown.
    await w.get('[data-testid="case-route-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="case-route-error"]').text()).toBe(en.caseView.route.forbidden)
    expect(w.find('[data-testid="error-route-unitId"]').exists()).toBe(false)
    expect(document.activeElement?.id).toBe('route-form-error')
    expect((w.get('[data-testid="case-route-unit"]').element as HTMLSelectElement).value).toBe('unit-2')
    expect(w.find('[data-testid="case-rerouted"]').exists()).toBe(false)
    expect(w.find('[data-testid="case-details"]').exists()).toBe(true)
  })

  it('says when the units cannot be loaded (with a retry) and when there is no other unit', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ ...named, status: 'received', frontUnitId: '', frontUnitName: null, can: LEAD_CAN }))
    api.on('GET', UNITS, () => apiError(503, 'unavailable'), () => jsonResponse(200, { items: [ACTIVE[0], ACTIVE[3]] }))
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-route-open')
    await w.get('[data-testid="case-route-open"]').trigger('click')
    await settle()
    expect(w.get('[data-testid="case-route-load-error"]').text()).toContain(en.caseView.route.loadFailed)
    await w.get('[data-testid="case-route-load-error"]').get('button').trigger('click')
    await settle()
    expect(w.find('[data-testid="case-route-load-error"]').exists()).toBe(false)
    expect(w.get('[data-testid="case-route-none"]').text()).toBe(en.caseView.route.none)
    // No committee on the report: "no change", and every committee offered.
    expect(w.get('[data-testid="case-route-front"]').findAll('option').map((o) => o.text())).toEqual([
      en.caseView.route.noFront,
      'Sai Gon Ward Front Committee',
    ])
    // Cancel closes the form and gives the focus back to its button.
    await w.get('[data-testid="case-route-cancel"]').trigger('click')
    await settle()
    expect(w.find('[data-testid="case-route-form"]').exists()).toBe(false)
    expect(document.activeElement?.id).toBe('route-open')
  })
})

describe('report page: the server’s flags decide what is offered', () => {
  const pending = { id: 'e1', days: 30, reason: 'Cần xác minh thêm', requestedBy: 'i2', requestedAt: '2026-03-03T02:00:00Z', status: 'pending' }
  const outcome = { result: 'substantiated', actions: 'Kiểm điểm', reply: '', publicSummary: 'Tóm tắt', concludedAt: '2026-03-04T02:00:00Z', published: false }
  /** A report with something for every flag: an unpublished outcome, a pending extension, an open recommendation, colleagues, evidence. */
  const full = (can: CaseCapabilities) =>
    sample({ status: 'concluded', outcome, extensions: [pending], assignable: [person('i2', 'Lê Thanh Tra')], allowedTransitions: [], can })
  /** The element each flag brings. */
  const PANELS: Record<keyof CaseCapabilities, string> = {
    assign: 'case-assign-form',
    reroute: 'case-route',
    note: 'case-note-form',
    message: 'case-message-form',
    propose: 'case-proposal-form',
    publish: 'case-publish-form',
    extend: 'ext-form',
    decideExtensions: 'ext-decide',
    recommend: 'case-rec-form',
    answerRecommendations: 'case-answer-form',
    requestCustody: 'case-custody-form',
    identity: 'identity-panel',
    requestOriginals: 'case-originals-form',
    originals: 'case-attachment-original',
  }

  for (const [flag, testid] of Object.entries(PANELS) as [keyof CaseCapabilities, string][]) {
    it(`shows ${testid} when can.${flag} is true, and not when it is false`, async () => {
      const api = fakeApi()
      // Only this flag: the panel shows, to a monitor as well (the role decides nothing).
      api.json('GET', PATH, 200, full(capabilities({ [flag]: true })))
      const on = await openAs('monitor', '/staff/cases/c1', testid)
      expect(on.w.find(`[data-testid="${testid}"]`).exists()).toBe(true)
      on.w.unmount()

      // Every flag but this one: the panel is not there, to a lead either.
      api.json('GET', PATH, 200, full(allCapabilities({ [flag]: false })))
      const off = await openAs('lead', '/staff/cases/c1', 'case-details')
      await settle()
      expect(off.w.find(`[data-testid="${testid}"]`).exists()).toBe(false)
    })
  }

  it('offers exactly the moves the server lists, and no handling panel when it allows nothing', async () => {
    const api = fakeApi()
    api.json('GET', PATH, 200, sample({ allowedTransitions: ['transferred'] }))
    const a = await openAs('monitor', '/staff/cases/c1', 'case-move-form')
    expect(a.w.get('[data-testid="case-move-to"]').findAll('option').map((o) => o.attributes('value'))).toEqual(['', 'transferred'])
    a.w.unmount()

    api.json('GET', PATH, 200, sample({ allowedTransitions: [], can: capabilities({ recommend: true, answerRecommendations: true }) }))
    const b = await openAs('lead', '/staff/cases/c1', 'case-details')
    await settle()
    expect(b.w.find('[data-testid="case-actions"]').exists()).toBe(false)
    expect(b.w.find('[data-testid="case-move-form"]').exists()).toBe(false)
  })

  it('allows nothing when the answer carries no flags', async () => {
    const api = fakeApi()
    const bare: Record<string, unknown> = { ...full(allCapabilities()) }
    delete bare.can
    api.json('GET', PATH, 200, bare)
    const { w } = await openAs('lead', '/staff/cases/c1', 'case-details')
    await settle()
    for (const testid of Object.values(PANELS)) expect(w.find(`[data-testid="${testid}"]`).exists(), testid).toBe(false)
  })
})
