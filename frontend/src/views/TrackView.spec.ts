import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import TrackView from './TrackView.vue'
import { createAppI18n } from '../i18n'
import type { TrackedReport } from '../api'
import { FakeXHR, file, jsonResponse } from '../testing/fakeXhr'
import { testMeta } from '../testing/meta'
import { TRACK_SESSION_KEY, clearTrackSession, setTrackSession, useTrackSession } from '../trackSession'
import { logAnswers, loggedReport } from '../testing/logApi'
import { until } from '../testing/mountApp'

const hashA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const hashB = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'

function sampleReport(): TrackedReport {
  return {
    trackingCode: 'MB-7K3M-9QX2',
    kind: 'feedback',
    anonymousDenunciation: false,
    category: 'bribe',
    title: 'Bị đòi tiền khi nộp hồ sơ',
    description: 'Cán bộ quầy 3 đòi 500.000 đồng.\nTôi không đưa.',
    status: 'received',
    submittedAt: '2026-03-01T02:00:00Z',
    updatedAt: '2026-03-02T03:30:00Z',
    contentHash: 'cd'.repeat(32),
    timeline: [
      { type: 'message', at: '2026-03-02T03:30:00Z', actor: 'staff' },
      { type: 'submitted', at: '2026-03-01T02:00:00Z', status: 'received', actor: 'citizen' },
      { type: 'custody_note', at: '2026-03-02T04:00:00Z', actor: 'system', note: 'Ghi chú công khai' },
    ],
    messages: [
      { id: 'm2', from: 'citizen', text: 'Tôi có thêm ảnh.', at: '2026-03-02T05:00:00Z', attachments: [] },
      {
        id: 'm1',
        from: 'staff',
        text: 'Chúng tôi đã nhận đơn.',
        at: '2026-03-02T03:30:00Z',
        attachments: [],
      },
    ],
    attachments: [
      {
        id: 'a1',
        name: 'anh-quay-3.png',
        size: 1536,
        type: 'image/png',
        sha256: hashA,
        scan: 'clean',
        uploadedAt: '2026-03-01T02:00:00Z',
        source: 'report',
      },
      {
        id: 'a2',
        name: 'bien-nhan.pdf',
        size: 2 << 20,
        type: 'application/pdf',
        sha256: hashB,
        scan: 'infected',
        uploadedAt: '2026-03-01T02:00:00Z',
        source: 'addition',
      },
    ],
    canWithdraw: true,
    canMessage: true,
    canAddEvidence: true,
  }
}

type Handler = (init: RequestInit) => Response | Promise<Response>
let routes: Record<string, Handler>
let fetchMock: ReturnType<typeof vi.fn>

function route(method: string, path: string, h: Handler) {
  routes[`${method} ${path}`] = h
}

function mountTrack(locale: 'vi' | 'en' = 'en') {
  return mount(TrackView, { global: { plugins: [createAppI18n(locale)] }, attachTo: document.body })
}

async function login(w: VueWrapper, code = 'mb 7k3m 9qx2', receipt = '1234 5678 9012 3456') {
  await w.get('[data-testid="track-code-input"]').setValue(code)
  await w.get('[data-testid="track-receipt-input"]').setValue(receipt)
  await w.get('[data-testid="track-login"]').trigger('submit')
  await flushPromises()
}

enableAutoUnmount(afterEach)

describe('TrackView', () => {
  beforeEach(async () => {
    localStorage.clear()
    sessionStorage.clear()
    document.body.innerHTML = ''
    clearTrackSession()
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    routes = {}
    route('GET', '/api/v1/meta', () => jsonResponse(200, testMeta))
    route('POST', '/api/v1/challenges', () => jsonResponse(200, { challenge: 'v1.4.1.test.mac', bits: 4 }))
    // The public log: the sample report is not in it yet.
    for (const [path, body] of Object.entries(await logAnswers(sampleReport().trackingCode, sampleReport().contentHash))) {
      route('GET', path, () => jsonResponse(200, body))
    }
    fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
      const h = routes[`${init.method ?? 'GET'} ${url}`]
      if (!h) throw new Error(`unexpected ${init.method} ${url}`)
      return h(init)
    })
    vi.stubGlobal('fetch', fetchMock)
  })

  it('asks for both codes', async () => {
    const w = mountTrack()
    await w.get('[data-testid="track-login"]').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-track-code"]').text()).toBe('This field is required.')
    expect(w.get('[data-testid="error-track-receipt"]').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('track-code')
    expect(fetchMock).not.toHaveBeenCalledWith('/api/v1/track/session', expect.anything())
  })

  it('opens a session with the normalized codes and renders the report', async () => {
    let sessionBody: unknown
    let pow = ''
    route('POST', '/api/v1/track/session', (init) => {
      sessionBody = JSON.parse(init.body as string)
      pow = (init.headers as Record<string, string>)['X-Portal-PoW'] ?? ''
      return jsonResponse(200, { token: 'tok-1', expiresAt: '2026-03-02T06:00:00Z' })
    })
    let auth = ''
    route('GET', '/api/v1/track', (init) => {
      auth = (init.headers as Record<string, string>).Authorization ?? ''
      return jsonResponse(200, sampleReport())
    })
    const w = mountTrack('en')
    await login(w)
    expect(sessionBody).toEqual({ trackingCode: 'MB-7K3M-9QX2', receipt: '1234-5678-9012-3456' })
    expect(pow).toMatch(/^v1\.4\.1\.test\.mac:\d+$/) // the solved challenge
    expect(auth).toBe('Bearer tok-1')

    // The token is in memory and in this tab's sessionStorage only (a reload keeps it), never in localStorage.
    expect(useTrackSession().token.value).toBe('tok-1')
    expect(JSON.stringify({ ...localStorage })).not.toContain('tok-1')
    expect(JSON.parse(sessionStorage.getItem(TRACK_SESSION_KEY)!)).toEqual({ token: 'tok-1', expiresAt: '2026-03-02T06:00:00Z' })
    expect(document.cookie).not.toContain('tok-1')

    expect(w.get('[data-testid="tracked-code"]').text()).toBe('MB-7K3M-9QX2')
    expect(w.get('[data-testid="tracked-title"]').text()).toBe('Bị đòi tiền khi nộp hồ sơ')
    expect(document.activeElement?.id).toBe('tracked-title')
    expect(w.get('[data-testid="tracked-status"]').text()).toBe('Received')
    expect(w.get('[data-testid="tracked-status-help"]').text()).toContain('within the legal deadline')
    expect(w.get('[data-testid="tracked-kind"]').text()).toBe('Feedback / recommendation')
    expect(w.text()).toContain('Bribe or “fee” demanded')

    // The timeline in time order, in words; an unknown event type is shown generically.
    const events = w.findAll('[data-testid="timeline-item"]')
    expect(events.map((e) => e.get('.timeline-title').text())).toEqual([
      'Report filed · Status: Received',
      'Message',
      'Update',
    ])
    expect(events[0]!.get('.timeline-meta').text()).toContain('You')
    expect(events[1]!.get('.timeline-meta').text()).toContain('Handlers')
    expect(events[2]!.text()).toContain('Ghi chú công khai')
    // Dates in Vietnam's time zone: 02:00 UTC is 09:00 in Hanoi.
    expect(events[0]!.get('time').text()).toContain('09:00')

    // Messages both ways, oldest first.
    const bubbles = w.findAll('[data-testid="message"]')
    expect(bubbles.map((b) => b.classes().find((c) => c.startsWith('bubble-')))).toEqual(['bubble-staff', 'bubble-citizen'])
    expect(bubbles[0]!.text()).toContain('Handlers')
    expect(bubbles[1]!.get('[data-testid="message-text-shown"]').text()).toBe('Tôi có thêm ảnh.')

    // Evidence: name, size, type, short hash with the full value, scan state in words.
    const files = w.get('[data-testid="evidence-list"]').findAll('[data-testid="attachment"]')
    expect(files.map((f) => f.get('[data-testid="attachment-name"]').text())).toEqual(['anh-quay-3.png', 'bien-nhan.pdf'])
    expect(files[0]!.text()).toContain('1.5 KB')
    expect(files[0]!.text()).toContain('PNG image')
    expect(files[1]!.text()).toContain('2 MB')
    expect(files[1]!.text()).toContain('PDF document')
    expect(files[0]!.get('[data-testid="attachment-hash"]').text()).toBe('e3b0c442…b855')
    expect(files[0]!.get('[data-testid="attachment-hash"]').attributes('title')).toBe(hashA)
    expect(files[0]!.get('[data-testid="attachment-hash-full"]').text()).toBe(hashA)
    expect(files[0]!.get('[data-testid="attachment-scan"]').text()).toBe('Scanned, no virus found')
    expect(files[1]!.get('[data-testid="attachment-scan"]').text()).toBe('Malware found; the file is quarantined')
    expect(files[1]!.text()).toContain('Added later')

    expect(w.find('[data-testid="withdraw"]').exists()).toBe(true)
  })

  it('shows the report being added to the public log, then its entries verified in the browser', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, sampleReport()))
    const w = mountTrack('en')
    await until(() => w.find('[data-testid="log-pending"]').exists())
    expect(w.get('[data-testid="log-pending"]').text()).toContain('Your report is being added to the public log')
    w.unmount()

    // The report of the Go vectors' log, with three public events and a fourth not yet integrated.
    const logged = { ...sampleReport(), ...loggedReport }
    logged.timeline = [
      { type: 'submitted', at: '2026-12-01T02:00:00Z', status: 'received', actor: 'citizen' },
      { type: 'status_accepted', at: '2026-12-02T02:00:00Z', status: 'accepted', actor: 'staff' },
      { type: 'message', at: '2026-12-03T02:00:00Z', actor: 'staff' },
      { type: 'status_concluded', at: '2026-12-05T02:00:00Z', status: 'concluded', actor: 'staff' },
      { type: 'status_closed', at: '2026-12-06T02:00:00Z', status: 'closed', actor: 'staff' },
    ]
    for (const [path, body] of Object.entries(await logAnswers(logged.trackingCode, logged.contentHash))) {
      route('GET', path, () => jsonResponse(200, body))
    }
    route('GET', '/api/v1/track', () => jsonResponse(200, logged))
    const v = mountTrack('en')
    await until(() => v.find('[data-testid="log-verified"]').exists())
    expect(v.get('[data-testid="log-verified"]').text()).toBe('Your report’s public events are entries 0, 3, 10 of the public log.')
    expect(v.findAll('[data-testid="log-entry"]').map((e) => e.attributes('data-event'))).toEqual(['filed', 'accepted', 'concluded_partly_substantiated'])
    expect(v.get('[data-testid="log-more-pending"]').text()).toContain('(1)')
  })

  it('renders in Vietnamese by default', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, { ...sampleReport(), status: 'investigating' }))
    const w = mountTrack('vi')
    await flushPromises()
    expect(w.get('[data-testid="tracked-status"]').text()).toBe('Đang xác minh')
    expect(w.get('[data-testid="tracked-kind"]').text()).toBe('Phản ánh, kiến nghị')
    expect(w.findAll('[data-testid="attachment-scan"]')[0]!.text()).toBe('Đã quét, không có virus')
  })

  it('says when the codes are wrong', async () => {
    route('POST', '/api/v1/track/session', () => jsonResponse(401, { error: { code: 'unauthorized', message: 'x' } }))
    const w = mountTrack('en')
    await login(w)
    expect(w.get('[data-testid="track-login-error"]').text()).toBe('The tracking code or the secret code is not right. Please check them.')
    expect(useTrackSession().token.value).toBe('')
  })

  it('says the browser check failed, not that the codes are wrong, when the server refuses the proof of work', async () => {
    route('POST', '/api/v1/track/session', () => jsonResponse(400, { error: { code: 'invalid', message: 'x', fields: { pow: 'reused' } } }))
    const w = mountTrack('en')
    await login(w)
    expect(w.get('[data-testid="track-login-error"]').text()).toBe('The browser check did not pass. Please try again.')
  })

  it('tells how long to wait after too many attempts, and waits', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      route('POST', '/api/v1/track/session', () =>
        jsonResponse(429, { error: { code: 'rate_limited', message: 'x' } }, { 'Retry-After': '30' }),
      )
      const w = mountTrack('en')
      await login(w)
      const alert = w.get('[data-testid="track-login-error"]')
      expect(alert.text()).toBe('Too many attempts. Please try again in 30 seconds.')
      expect(alert.element.closest('[role="alert"]')).not.toBeNull()
      const button = w.get('[data-testid="track-open"]').element as HTMLButtonElement
      expect(button.disabled).toBe(true)
      vi.advanceTimersByTime(30_000)
      await flushPromises()
      expect(button.disabled).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('goes back to the login form when the session has ended', async () => {
    setTrackSession({ token: 'old' })
    route('GET', '/api/v1/track', () => jsonResponse(401, { error: { code: 'unauthorized', message: 'x' } }))
    const w = mountTrack('en')
    await flushPromises()
    expect(w.find('[data-testid="track-login"]').exists()).toBe(true)
    expect(w.get('[data-testid="track-notice"]').text()).toContain('Your tracking session has ended.')
    expect(useTrackSession().token.value).toBe('')
    expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toBeNull()
  })

  it('sends a message with a file, showing progress, and shows it after reloading the report', async () => {
    setTrackSession({ token: 'tok' })
    const report = sampleReport()
    route('GET', '/api/v1/track', () => jsonResponse(200, report))
    const w = mountTrack('en')
    await flushPromises()

    await w.get('[data-testid="message-form"]').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-msg-text"]').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('msg-text')

    await w.get('[data-testid="message-text"]').setValue('Đây là biên nhận.')
    const input = w.get('#msg-files')
    Object.defineProperty(input.element, 'files', { value: [file('bn.pdf', 100)], configurable: true })
    await input.trigger('change')
    await w.get('[data-testid="message-form"]').trigger('submit')
    await flushPromises()
    const x = FakeXHR.last()
    expect(x.url).toBe('/api/v1/track/messages')
    expect(x.headers.Authorization).toBe('Bearer tok')
    expect(await x.jsonPart('message')).toEqual({ text: 'Đây là biên nhận.' })
    expect(x.fileNames()).toEqual(['bn.pdf'])
    x.progress(60, 150)
    await flushPromises()
    expect(w.get('[data-testid="message-form"] [data-testid="file-progress"]').attributes('value')).toBe('10')

    report.messages.push({ id: 'm3', from: 'citizen', text: 'Đây là biên nhận.', at: '2026-03-03T00:00:00Z', attachments: [] })
    x.reply(201, report.messages[2])
    await flushPromises()
    expect(w.findAll('[data-testid="message-text-shown"]').map((m) => m.text())).toContain('Đây là biên nhận.')
    expect(w.get('[data-testid="message-status"]').text()).toBe('Message sent.')
    expect((w.get('[data-testid="message-text"]').element as HTMLTextAreaElement).value).toBe('')
  })

  it('refuses too many message files before upload', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, sampleReport()))
    const w = mountTrack('en')
    await flushPromises()
    const input = w.get('#msg-files')
    Object.defineProperty(input.element, 'files', { value: [file('1.png', 1), file('2.png', 1), file('3.png', 1)], configurable: true })
    await input.trigger('change')
    expect(w.get('[data-testid="msg-files-rejected"]').text()).toContain('3.png: there are already 2 files')
  })

  it('adds evidence, shows a 429 wait and the file errors of the backend', async () => {
    setTrackSession({ token: 'tok' })
    const report = sampleReport()
    route('GET', '/api/v1/track', () => jsonResponse(200, report))
    const w = mountTrack('en')
    await flushPromises()

    await w.get('[data-testid="evidence-form"]').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-add-files"]').text()).toBe('Choose at least one file.')
    expect(FakeXHR.instances).toHaveLength(0)

    const input = w.get('#add-files')
    Object.defineProperty(input.element, 'files', { value: [file('a.jpg', 10), file('b.png', 10)], configurable: true })
    await input.trigger('change')
    await w.get('[data-testid="evidence-form"]').trigger('submit')
    await flushPromises()
    FakeXHR.last().reply(429, { error: { code: 'rate_limited', message: 'x' } }, { 'Retry-After': '5' })
    await flushPromises()
    expect(w.get('[data-testid="evidence-error"]').text()).toBe('Too many requests. Please try again in 5 seconds.')

    await w.get('[data-testid="evidence-form"]').trigger('submit')
    await flushPromises()
    FakeXHR.last().reply(400, { error: { code: 'invalid', message: 'x', fields: { 'files[0]': 'too_many_pixels' } } })
    await flushPromises()
    const items = w.get('[data-testid="evidence-form"]').findAll('[data-testid="chosen-file"]')
    expect(items[0]!.get('[data-testid="file-error"]').text()).toContain('resolution is too high')
    expect(items[1]!.find('[data-testid="file-error"]').exists()).toBe(false)

    await items[0]!.get('[data-testid="remove-file"]').trigger('click')
    await w.get('[data-testid="evidence-form"]').trigger('submit')
    await flushPromises()
    const x = FakeXHR.last()
    expect(x.url).toBe('/api/v1/track/attachments')
    expect(x.fileNames()).toEqual(['b.png'])
    const added = { ...report.attachments[0]!, id: 'a3', name: 'b.png', source: 'addition' }
    report.attachments.push(added)
    x.reply(201, { attachments: [added] })
    await flushPromises()
    expect(w.get('[data-testid="evidence-status"]').text()).toBe('Files added: 1.')
    expect(
      w.get('[data-testid="evidence-list"]').findAll('[data-testid="attachment-name"]').map((n) => n.text()),
    ).toContain('b.png')
  })

  it('cancels an addition of evidence and a message with files, keeping what was chosen', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, sampleReport()))
    const w = mountTrack('en')
    await flushPromises()

    const add = w.get('#add-files')
    Object.defineProperty(add.element, 'files', { value: [file('a.jpg', 10)], configurable: true })
    await add.trigger('change')
    await w.get('[data-testid="evidence-form"]').trigger('submit')
    await flushPromises()
    FakeXHR.last().progress(5, 100)
    await flushPromises()
    await w.get('[data-testid="evidence-form"] [data-testid="upload-cancel"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="evidence-status"]').text()).toBe('Sending was cancelled. You can send again.')
    expect(w.find('[data-testid="evidence-error"]').exists()).toBe(false)
    expect(w.get('[data-testid="evidence-form"]').findAll('[data-testid="chosen-file"]')).toHaveLength(1)

    await w.get('[data-testid="message-text"]').setValue('Kèm ảnh')
    const msg = w.get('#msg-files')
    Object.defineProperty(msg.element, 'files', { value: [file('b.png', 10)], configurable: true })
    await msg.trigger('change')
    await w.get('[data-testid="message-form"]').trigger('submit')
    await flushPromises()
    await w.get('[data-testid="message-form"] [data-testid="upload-cancel"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="message-status"]').text()).toBe('Sending was cancelled. You can send again.')
    expect((w.get('[data-testid="message-text"]').element as HTMLTextAreaElement).value).toBe('Kèm ảnh')
    expect(FakeXHR.instances).toHaveLength(2)
  })

  it('withdraws only with a reason and after confirmation', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, sampleReport()))
    let reason = ''
    route('POST', '/api/v1/track/withdraw', (init) => {
      reason = JSON.parse(init.body as string).reason
      return jsonResponse(200, { ...sampleReport(), status: 'withdrawn', canWithdraw: false, canMessage: false, canAddEvidence: false })
    })
    const w = mountTrack('en')
    await flushPromises()
    const dialog = w.get('[data-testid="withdraw-dialog"]').element as HTMLDialogElement

    await w.get('[data-testid="withdraw-open"]').trigger('click')
    await w.get('[data-testid="withdraw"] form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="error-withdraw-reason"]').text()).toBe('This field is required.')
    expect(dialog.open).toBe(false)

    await w.get('[data-testid="withdraw-reason"]').setValue('Đã được giải quyết')
    await w.get('[data-testid="withdraw"] form').trigger('submit')
    expect(dialog.open).toBe(true)
    await w.get('[data-testid="withdraw-cancel"]').trigger('click')
    expect(dialog.open).toBe(false)
    expect(reason).toBe('')

    await w.get('[data-testid="withdraw"] form').trigger('submit')
    await w.get('[data-testid="withdraw-confirm"]').trigger('click')
    await flushPromises()
    expect(reason).toBe('Đã được giải quyết')
    expect(w.get('[data-testid="tracked-status"]').text()).toBe('Withdrawn')
    expect(w.find('[data-testid="withdraw"]').exists()).toBe(false)
    expect(w.find('[data-testid="message-form"]').exists()).toBe(false)
    expect(w.get('[data-testid="track-notice-ok"]').text()).toBe('Your report has been withdrawn.')
  })

  it('changes the receipt after confirmation, shows the new one once, and goes on under the new session', async () => {
    setTrackSession({ token: 'old-tok' })
    const auths: string[] = []
    route('GET', '/api/v1/track', (init) => {
      auths.push((init.headers as Record<string, string>).Authorization ?? '')
      return jsonResponse(200, sampleReport())
    })
    let changeAuth = ''
    route('POST', '/api/v1/track/receipt', (init) => {
      changeAuth = (init.headers as Record<string, string>).Authorization ?? ''
      return jsonResponse(200, { receipt: '9999-8888-7777-6666', token: 'new-tok', expiresAt: '2099-01-01T00:00:00Z' })
    })
    const w = mountTrack('en')
    await flushPromises()
    const dialog = w.get('[data-testid="receipt-change-dialog"]').element as HTMLDialogElement
    await w.get('[data-testid="receipt-change-open"]').trigger('click')
    expect(dialog.open).toBe(true)
    await w.get('[data-testid="receipt-change-cancel"]').trigger('click')
    expect(dialog.open).toBe(false)
    expect(changeAuth).toBe('')

    await w.get('[data-testid="receipt-change-open"]').trigger('click')
    await w.get('[data-testid="receipt-change-confirm"]').trigger('click')
    await flushPromises()
    expect(changeAuth).toBe('Bearer old-tok')
    expect(w.get('[data-testid="receipt-new"]').text()).toBe('9999-8888-7777-6666')
    expect(w.get('[data-testid="receipt-changed"]').text()).toBe('Your receipt has been changed. The old one no longer works.')
    expect(useTrackSession().token.value).toBe('new-tok')
    expect(auths.at(-1)).toBe('Bearer new-tok')
    // The new receipt is never stored.
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('9999-8888')
    expect(JSON.stringify({ ...localStorage })).not.toContain('9999-8888')
    await w.get('[data-testid="receipt-saved"]').trigger('click')
    expect(w.find('[data-testid="receipt-new"]').exists()).toBe(false)
  })

  it('offers messages and evidence exactly when the server allows them', async () => {
    setTrackSession({ token: 'tok' })
    // An open report the server no longer takes additions for, and the reverse: the flags decide, not the status.
    route('GET', '/api/v1/track', () => jsonResponse(200, { ...sampleReport(), status: 'accepted', canMessage: false, canAddEvidence: true }))
    const w = mountTrack('en')
    await flushPromises()
    expect(w.find('[data-testid="message-form"]').exists()).toBe(false)
    expect(w.find('[data-testid="evidence-form"]').exists()).toBe(true)
    route('GET', '/api/v1/track', () => jsonResponse(200, { ...sampleReport(), status: 'closed', canMessage: true, canAddEvidence: false }))
    const w2 = mountTrack('en')
    await flushPromises()
    expect(w2.find('[data-testid="message-form"]').exists()).toBe(true)
    expect(w2.find('[data-testid="evidence-form"]').exists()).toBe(false)
  })

  it('downloads the proof of filing with the session token', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, sampleReport()))
    let auth = ''
    route('GET', '/api/v1/track/receipt.pdf', (init) => {
      auth = (init.headers as Record<string, string>).Authorization ?? ''
      return new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf' } })
    })
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const names: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    const w = mountTrack('en')
    await flushPromises()
    await w.get('[data-testid="track-download-pdf"]').trigger('click')
    await flushPromises()
    expect(auth).toBe('Bearer tok')
    expect(names).toEqual(['minh-bach-MB-7K3M-9QX2.pdf'])
    expect(w.get('[data-testid="track-pdf-status"]').text()).toBe('Proof of filing downloaded: minh-bach-MB-7K3M-9QX2.pdf')
  })

  it('signs out on request', async () => {
    setTrackSession({ token: 'tok' })
    route('GET', '/api/v1/track', () => jsonResponse(200, sampleReport()))
    const w = mountTrack('en')
    await flushPromises()
    expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toContain('tok')
    await w.get('[data-testid="track-logout"]').trigger('click')
    await flushPromises()
    expect(useTrackSession().token.value).toBe('')
    expect(sessionStorage.getItem(TRACK_SESSION_KEY)).toBeNull()
    expect(w.find('[data-testid="track-login"]').exists()).toBe(true)
    expect(w.find('[data-testid="track-notice"]').exists()).toBe(false)
    expect(w.find('[data-testid="tracked-report"]').exists()).toBe(false)
  })
})
