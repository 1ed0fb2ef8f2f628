import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import TrackView from './TrackView.vue'
import { createAppI18n } from '../i18n'
import type { TrackedReport } from '../api'
import { apiError, fakeApi } from '../testing/fakeApi'
import { jsonResponse } from '../testing/fakeXhr'
import { testMeta } from '../testing/meta'
import { logAnswers } from '../testing/logApi'
import { clearTrackSession, setTrackSession, useTrackSession } from '../trackSession'

// The tracking page once a report is concluded: the clocks in words, the
// outcome, rating, appealing (and the new report's codes), and the links
// between a report and its appeal.

enableAutoUnmount(afterEach)
afterEach(() => vi.restoreAllMocks())

function concluded(over: Partial<TrackedReport> = {}): TrackedReport {
  return {
    trackingCode: 'MB-7K3M-9QX2',
    kind: 'complaint',
    anonymousDenunciation: false,
    category: 'bribe',
    title: 'Bị đòi tiền khi nộp hồ sơ',
    description: 'Cán bộ quầy 3 đòi 500.000 đồng.',
    status: 'concluded',
    submittedAt: '2026-11-20T02:00:00Z',
    updatedAt: '2026-12-10T02:00:00Z',
    contentHash: 'cd'.repeat(32),
    timeline: [
      { type: 'submitted', at: '2026-11-20T02:00:00Z', status: 'received', actor: 'citizen' },
      { type: 'status_accepted', at: '2026-11-23T02:00:00Z', status: 'accepted', actor: 'staff' },
      { type: 'deadline_extended', at: '2026-11-30T02:00:00Z', actor: 'staff', note: '30' },
      { type: 'status_concluded', at: '2026-12-10T02:00:00Z', status: 'concluded', actor: 'staff' },
    ],
    messages: [],
    attachments: [],
    canWithdraw: false,
    canMessage: true,
    canAddEvidence: true,
    clocks: [
      { name: 'accept', start: '2026-11-20T02:00:00Z', due: '2026-11-30T16:59:59Z', stopped: '2026-11-23T02:00:00Z', overdue: false },
      { name: 'resolve', start: '2026-11-23T02:00:00Z', due: '2026-12-04T16:59:59Z', stopped: '2026-12-10T02:00:00Z', overdue: true },
    ],
    outcome: { result: 'partly_substantiated', reply: 'Cán bộ đã bị kỷ luật.', concludedAt: '2026-12-10T02:00:00Z' },
    round: 1,
    canRate: true,
    canAppeal: true,
    ...over,
  }
}

function mountTrack(locale: 'vi' | 'en' = 'en') {
  return mount(TrackView, { global: { plugins: [createAppI18n(locale)] }, attachTo: document.body })
}

beforeEach(() => {
  document.body.innerHTML = ''
  clearTrackSession()
})

/** The public log's answers for the reports of these tests: none is in the log yet. */
let logRoutes: Record<string, unknown> = {}
beforeAll(async () => {
  logRoutes = { ...(await logAnswers('MB-7K3M-9QX2', 'cd'.repeat(32))), ...(await logAnswers('MB-AAAA-BBBB', 'ef'.repeat(32))) }
})

function setup() {
  const api = fakeApi()
  api.json('GET', '/api/v1/meta', 200, testMeta)
  api.json('POST', '/api/v1/challenges', 200, { challenge: 'v1.4.1.test.mac', bits: 4 })
  for (const [path, body] of Object.entries(logRoutes)) api.json('GET', path, 200, body)
  return api
}

describe('a concluded report', () => {
  it('shows each clock in plain words, the outcome, and labels every event', async () => {
    const api = setup()
    api.json('GET', '/api/v1/track', 200, concluded({ canRate: false, canAppeal: false }))
    setTrackSession({ token: 'tok' })
    const w = mountTrack('en')
    await flushPromises()

    const clocks = w.findAll('[data-testid="track-clock"]')
    expect(clocks.map((c) => c.text())).toEqual([
      'Acceptance decision: decided on time, on Monday, 23 November 2026',
      'Resolution: resolved late, on Thursday, 10 December 2026 (it was due by Friday, 4 December 2026)',
    ])
    expect(clocks.map((c) => c.attributes('data-state'))).toEqual(['done', 'late'])

    const outcome = w.get('[data-testid="track-outcome"]')
    expect(w.get('[data-testid="track-outcome-result"]').text()).toBe('Partly substantiated')
    expect(w.get('[data-testid="track-outcome-meaning"]').text()).toBe('The handlers found that what you reported is partly true.')
    expect(w.get('[data-testid="track-outcome-reply"]').text()).toBe('Cán bộ đã bị kỷ luật.')
    expect(outcome.text()).toContain('10/12/2026 at 09:00')

    const events = w.findAll('[data-testid="timeline-item"]')
    expect(events.map((e) => e.get('.timeline-title').text())).toEqual([
      'Report filed · Status: Received',
      'Accepted for handling · Status: Accepted for handling',
      'Resolution deadline extended',
      'Concluded · Status: Concluded',
    ])
    expect(events[2]!.get('.timeline-note').text()).toBe('The resolution deadline was extended by 30 days.')

    // Nothing to do on it: no rating or appeal form.
    expect(w.find('[data-testid="rating"]').exists()).toBe(false)
    expect(w.find('[data-testid="appeal"]').exists()).toBe(false)
  })

  it('says in Vietnamese, with Vietnam dates, what is due and what is overdue', async () => {
    const api = setup()
    api.json(
      'GET',
      '/api/v1/track',
      200,
      concluded({
        status: 'accepted',
        outcome: null,
        canRate: false,
        canAppeal: false,
        clocks: [
          { name: 'accept', start: '2026-11-20T02:00:00Z', due: '2026-11-30T16:59:59Z', stopped: '2026-11-23T02:00:00Z', overdue: false },
          { name: 'resolve', start: '2026-11-23T02:00:00Z', due: '2099-12-04T16:59:59Z', overdue: false },
        ],
      }),
    )
    setTrackSession({ token: 'tok' })
    const w = mountTrack('vi')
    await flushPromises()
    expect(w.findAll('[data-testid="track-clock"]').map((c) => c.text())).toEqual([
      'Quyết định thụ lý: đã quyết định đúng hạn, ngày Thứ Hai, 23 tháng 11, 2026',
      'Giải quyết: hạn chót Thứ Sáu, 4 tháng 12, 2099',
    ])
    expect(w.find('[data-testid="track-outcome"]').exists()).toBe(false)
  })
})

describe('rating', () => {
  it('asks for 1 to 5 stars, sends the rating with the comment, and shows the closed report', async () => {
    const api = setup()
    api.json('GET', '/api/v1/track', 200, concluded())
    api.json(
      'POST',
      '/api/v1/track/rating',
      200,
      concluded({ status: 'closed', canRate: false, canMessage: false, canAddEvidence: false, rating: { rating: 4, comment: 'Xử lý nhanh', at: '2026-12-11T02:00:00Z' } }),
    )
    setTrackSession({ token: 'tok' })
    const w = mountTrack('en')
    await flushPromises()

    // Five labelled radio buttons in one group.
    const group = w.get('[data-testid="rating"] fieldset')
    expect(group.get('legend').text()).toContain('How satisfied are you?')
    const radios = group.findAll('input[type="radio"]')
    expect(radios).toHaveLength(5)
    expect(new Set(radios.map((r) => r.attributes('name')))).toEqual(new Set(['rating']))
    expect(group.get('label[for="rating-1"]').text()).toContain('1 of 5 stars: Very dissatisfied')
    expect(group.get('label[for="rating-5"]').text()).toContain('5 of 5 stars: Very satisfied')

    await w.get('[data-testid="rating"] form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-rating"]').text()).toBe('Choose from 1 to 5 stars.')
    expect(group.attributes('aria-invalid')).toBe('true')
    expect(document.activeElement?.id).toBe('rating-1')
    expect(api.callsTo('POST', '/api/v1/track/rating')).toHaveLength(0)

    await w.get('[data-testid="rating-4"]').setValue(true)
    await w.get('[data-testid="rating-comment"]').setValue('  Xử lý nhanh  ')
    await w.get('[data-testid="rating"] form').trigger('submit')
    await flushPromises()
    const call = api.callsTo('POST', '/api/v1/track/rating')[0]!
    expect(call.body).toEqual({ rating: 4, comment: 'Xử lý nhanh' })
    expect(call.headers.Authorization).toBe('Bearer tok')

    expect(w.get('[data-testid="track-notice-ok"]').text()).toBe('Thank you for your rating. The report is now closed.')
    expect(w.get('[data-testid="tracked-status"]').text()).toBe('Closed')
    expect(w.find('[data-testid="rating"]').exists()).toBe(false)
    expect(w.get('[data-testid="track-rating-given"]').text()).toContain('You rated it 4 of 5 stars')
    expect(w.get('[data-testid="track-rating-given"]').text()).toContain('Your comment: Xử lý nhanh')
  })

  it('says so when the report can no longer be rated', async () => {
    const api = setup()
    api.json('GET', '/api/v1/track', 200, concluded())
    api.on('POST', '/api/v1/track/rating', () => apiError(409, 'conflict'))
    setTrackSession({ token: 'tok' })
    const w = mountTrack('en')
    await flushPromises()
    await w.get('[data-testid="rating-2"]').setValue(true)
    await w.get('[data-testid="rating"] form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="rating-error"]').text()).toBe('This report cannot be rated now (it may have just been closed).')
  })
})

describe('appeal', () => {
  const appealed = () =>
    concluded({ status: 'appealed', canRate: false, canAppeal: false, appeal: 'MB-AAAA-BBBB' })
  const round2 = (): TrackedReport =>
    concluded({
      trackingCode: 'MB-AAAA-BBBB',
      title: 'Khiếu nại lần hai',
      status: 'received',
      outcome: null,
      canRate: false,
      canAppeal: false,
      round: 2,
      appealOf: 'MB-7K3M-9QX2',
      timeline: [{ type: 'submitted', at: '2026-12-12T02:00:00Z', status: 'received', actor: 'citizen' }],
      clocks: [{ name: 'accept', start: '2026-12-12T02:00:00Z', due: '2099-12-22T16:59:59Z', overdue: false }],
    })

  it('explains what an appeal is, needs a reason, then shows the new report’s codes once, its proof of filing, and can follow it once the secret code is saved', async () => {
    const api = setup()
    let reportFor: Record<string, () => TrackedReport> = { tok: () => concluded() }
    api.on('GET', '/api/v1/track', (c) => jsonResponse(200, reportFor[c.headers.Authorization!.slice(7)]!()))
    api.on(
      'POST',
      '/api/v1/track/appeal',
      () => apiError(400, 'invalid', { reason: 'too_long' }),
      () => {
        reportFor = { ...reportFor, tok: appealed, tok2: round2 }
        // The same shape as filing: the token is a citizen session for the new report.
        return jsonResponse(201, {
          trackingCode: 'MB-AAAA-BBBB',
          receipt: '1111-2222-3333-4444',
          kind: 'complaint',
          anonymousDenunciation: false,
          submittedAt: '2026-12-12T02:00:00Z',
          contentHash: 'ef'.repeat(32),
          receiptUrl: '/api/v1/track/receipt.pdf',
          token: 'tok2',
          tokenExpiresAt: '2026-12-12T03:00:00Z',
          attachments: [],
        })
      },
    )
    let pdfAuth = ''
    api.on('GET', '/api/v1/track/receipt.pdf', (c) => {
      pdfAuth = c.headers.Authorization ?? ''
      return new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf' } })
    })
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const saved: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download)
    })
    setTrackSession({ token: 'tok' })
    const w = mountTrack('en')
    await flushPromises()

    expect(w.get('[data-testid="appeal-explain"]').text()).toContain('complain a second time')
    expect(w.get('[data-testid="appeal-explain"]').text()).toContain('its own legal deadlines')

    await w.get('[data-testid="appeal"] form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-appeal-reason"]').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('appeal-reason')
    expect(api.callsTo('POST', '/api/v1/track/appeal')).toHaveLength(0)

    await w.get('[data-testid="appeal-reason"]').setValue('Tôi không đồng ý với kết luận.')
    await w.get('[data-testid="appeal"] form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-appeal-reason"]').text()).toBe('This is too long.')

    await w.get('[data-testid="appeal"] form').trigger('submit')
    await flushPromises()
    expect(api.callsTo('POST', '/api/v1/track/appeal')[1]!.body).toEqual({ reason: 'Tôi không đồng ý với kết luận.' })

    // The new report's codes, with the warning; the session stays on the old report, now appealed.
    const receipt = w.get('[data-testid="appeal-receipt-panel"]')
    expect(receipt.get('[data-testid="appeal-tracking-code"]').text()).toBe('MB-AAAA-BBBB')
    expect(receipt.get('[data-testid="appeal-receipt"]').text()).toBe('1111-2222-3333-4444')
    expect(receipt.get('[data-testid="appeal-receipt-kind"]').text()).toBe('Complaint')
    expect(receipt.text()).toContain('shown ONLY ONCE')
    expect(document.activeElement?.id).toBe('appeal-receipt-heading')
    expect(w.get('[data-testid="tracked-status"]').text()).toBe('Appealed')
    expect(w.get('[data-testid="tracked-appeal"]').text()).toContain('The appeal has the tracking code MB-AAAA-BBBB.')
    expect(w.find('[data-testid="appeal"]').exists()).toBe(false)
    expect(useTrackSession().token.value).toBe('tok')

    // The new report's signed proof of filing, at once, with the new report's token.
    await receipt.get('[data-testid="appeal-download-pdf"]').trigger('click')
    await flushPromises()
    expect(pdfAuth).toBe('Bearer tok2')
    expect(saved).toEqual(['minh-bach-MB-AAAA-BBBB.pdf'])
    expect(w.get('[data-testid="appeal-receipt-status"]').text()).toBe('Proof of filing downloaded: minh-bach-MB-AAAA-BBBB.pdf')

    // The proof of filing holds no secret code: the confirmation stays closed until the secret card is saved.
    const follow = w.get('[data-testid="appeal-follow"]')
    expect(follow.attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid="appeal-saved"]').attributes('disabled')).toBeDefined()
    await receipt.get('[data-testid="appeal-save-card"]').trigger('click')
    expect(saved).toEqual(['minh-bach-MB-AAAA-BBBB.pdf', 'minh-bach-ma-bi-mat-MB-AAAA-BBBB.txt'])
    expect(w.get('[data-testid="appeal-secret-status"]').text()).toContain('minh-bach-ma-bi-mat-MB-AAAA-BBBB.txt')
    await w.get('[data-testid="appeal-saved"]').setValue(true)
    await follow.trigger('click')
    await flushPromises()
    expect(useTrackSession().token.value).toBe('tok2')
    expect(w.get('[data-testid="tracked-code"]').text()).toBe('MB-AAAA-BBBB')
    expect(w.get('[data-testid="tracked-kind"]').text()).toBe('Complaint — second round')
    expect(w.get('[data-testid="tracked-appeal-of"]').text()).toContain('on report MB-7K3M-9QX2')
    expect(w.find('[data-testid="appeal-receipt-panel"]').exists()).toBe(false)
  })

  it('without a token in the answer, follows the appeal by opening a session with its codes', async () => {
    const api = setup()
    let reportFor: Record<string, () => TrackedReport> = { tok: () => concluded() }
    api.on('GET', '/api/v1/track', (c) => jsonResponse(200, reportFor[c.headers.Authorization!.slice(7)]!()))
    api.on('POST', '/api/v1/track/appeal', () => {
      reportFor = { ...reportFor, tok: appealed }
      return jsonResponse(201, { trackingCode: 'MB-AAAA-BBBB', receipt: '1111-2222-3333-4444', kind: 'complaint', submittedAt: '2026-12-12T02:00:00Z' })
    })
    api.on('POST', '/api/v1/track/session', () => {
      reportFor = { ...reportFor, tok2: round2 }
      return jsonResponse(200, { token: 'tok2' })
    })
    setTrackSession({ token: 'tok' })
    const w = mountTrack('en')
    await flushPromises()
    await w.get('[data-testid="appeal-reason"]').setValue('Tôi không đồng ý với kết luận.')
    await w.get('[data-testid="appeal"] form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="appeal-download-pdf"]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid="appeal-receipt-panel"]').text()).toContain('once you open it with these two codes')
    const writeText = vi.fn().mockResolvedValue(undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    await w.get('[data-testid="appeal-copy"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('Tracking code: MB-AAAA-BBBB\nSecret code: 1111-2222-3333-4444\n')
    await w.get('[data-testid="appeal-saved"]').setValue(true)
    await w.get('[data-testid="appeal-follow"]').trigger('click')
    await flushPromises()
    expect(api.callsTo('POST', '/api/v1/track/session')[0]!.body).toEqual({ trackingCode: 'MB-AAAA-BBBB', receipt: '1111-2222-3333-4444' })
    expect(useTrackSession().token.value).toBe('tok2')
    expect(w.get('[data-testid="tracked-code"]').text()).toBe('MB-AAAA-BBBB')
  })

  it('says when the report cannot be appealed, and reloads it', async () => {
    const api = setup()
    api.on(
      'GET',
      '/api/v1/track',
      () => jsonResponse(200, concluded()),
      () => jsonResponse(200, concluded({ status: 'closed', canAppeal: false, canRate: false })),
    )
    api.on('POST', '/api/v1/track/appeal', () =>
      jsonResponse(409, { error: { code: 'conflict', message: 'cannot appeal', allowed: [] } }),
    )
    setTrackSession({ token: 'tok' })
    const w = mountTrack('vi')
    await flushPromises()
    await w.get('[data-testid="appeal-reason"]').setValue('Không đồng ý')
    await w.get('[data-testid="appeal"] form').trigger('submit')
    await flushPromises()
    expect(api.callsTo('GET', '/api/v1/track')).toHaveLength(2)
    expect(w.get('[data-testid="tracked-status"]').text()).toBe('Đã đóng')
    expect(w.find('[data-testid="appeal"]').exists()).toBe(false)
  })

  it('opens the sign-in form with a linked report’s code, to follow it with its own secret code', async () => {
    const api = setup()
    api.json('GET', '/api/v1/track', 200, round2())
    setTrackSession({ token: 'tok2' })
    const w = mountTrack('en')
    await flushPromises()
    await w.get('[data-testid="tracked-follow-appeal-of"]').trigger('click')
    await flushPromises()
    expect(useTrackSession().token.value).toBe('')
    expect((w.get('[data-testid="track-code-input"]').element as HTMLInputElement).value).toBe('MB-7K3M-9QX2')
    expect(w.get('[data-testid="track-notice"]').text()).toBe('To open report MB-7K3M-9QX2, enter that report’s secret code.')
    expect(document.activeElement?.id).toBe('track-receipt')
  })
})
