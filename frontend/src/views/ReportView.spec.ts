import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import { defineComponent, h } from 'vue'
import { RouterView } from 'vue-router'
import { createAppI18n } from '../i18n'
import { createAppRouter } from '../router'
import { FakeXHR, jsonResponse } from '../testing/fakeXhr'
import { testMeta } from '../testing/meta'
import { clearTrackSession, useTrackSession } from '../trackSession'
import { endReportSession } from '../reportDraft'

const result = {
  trackingCode: 'MB-7K3M-9QX2',
  receipt: '1234-5678-9012-3456',
  kind: 'feedback',
  anonymousDenunciation: true,
  submittedAt: '2026-11-27T06:00:00Z',
  contentHash: 'ab'.repeat(32),
  receiptUrl: '/api/v1/track/receipt.pdf',
  token: 'citizen-token',
  tokenExpiresAt: '2026-11-27T07:00:00Z',
  attachments: [
    {
      id: 'a1',
      name: 'photo.png',
      size: 2048,
      type: 'image/png',
      sha256: '0123456789abcdef'.repeat(4),
      scan: 'not_scanned',
      uploadedAt: '2026-11-27T06:00:00Z',
      source: 'report',
    },
  ],
}

const Root = defineComponent({ render: () => h(RouterView) })

/** mountReport files an anonymous denunciation through the real form and returns on the receipt. */
async function mountReceipt() {
  const router = createAppRouter(createMemoryHistory())
  await router.push('/report')
  const w = mount(Root, { global: { plugins: [createAppI18n('en'), router] }, attachTo: document.body })
  await flushPromises()
  const submit = async () => {
    await w.get('form').trigger('submit')
    await flushPromises()
  }
  await w.get('[data-testid="kind-denunciation"]').setValue(true)
  await submit()
  await w.get('[data-testid="category"]').setValue('bribe')
  await w.get('[data-testid="title"]').setValue('Fee')
  await w.get('[data-testid="description"]').setValue('Asked for money')
  await submit()
  await w.get('[data-testid="province"]').setValue('79')
  await submit()
  await submit()
  await w.get('[data-testid="anonymous-yes"]').setValue(true)
  await submit()
  FakeXHR.last().reply(201, result)
  await flushPromises()
  return { w, router }
}

enableAutoUnmount(afterEach)

describe('receipt page', () => {
  beforeEach(() => {
    localStorage.clear()
    endReportSession()
    document.body.innerHTML = ''
    clearTrackSession()
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/v1/meta') return jsonResponse(200, testMeta)
        if (url === '/api/v1/challenges') return jsonResponse(200, { challenge: '', bits: 0 })
        throw new Error(`unexpected fetch ${url}`)
      }),
    )
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('shows the codes once, with the warning, how the report was filed and the files received', async () => {
    const { w } = await mountReceipt()
    expect(w.get('[data-testid="tracking-code"]').text()).toBe('MB-7K3M-9QX2')
    expect(w.get('[data-testid="receipt"]').text()).toBe('1234-5678-9012-3456')
    expect(w.text()).toContain('The receipt is shown ONLY ONCE.')
    expect(w.text()).toContain('Mã biên nhận chỉ hiển thị MỘT LẦN.')
    expect(w.get('[data-testid="receipt-kind"]').text()).toBe('Feedback / recommendation')
    expect(w.get('[data-testid="receipt-anonymous-denunciation"]').text()).toContain('filed as feedback')
    expect(w.get('[data-testid="attachment-name"]').text()).toBe('photo.png')
    expect(w.get('[data-testid="attachment-hash"]').text()).toBe('01234567…cdef')
    expect(w.get('[data-testid="attachment-hash"]').attributes('title')).toBe('0123456789abcdef'.repeat(4))
    expect(w.get('[data-testid="attachment-scan"]').text()).toBe('Not scanned (the portal has no virus scanner)')
    expect(document.activeElement?.id).toBe('receipt-heading')
  })

  it('downloads the signed PDF with the token from the 201 answer', async () => {
    const { w } = await mountReceipt()
    const fetchMock = vi.fn().mockResolvedValue(new Response('%PDF-1.7 x', { status: 200, headers: { 'Content-Type': 'application/pdf' } }))
    vi.stubGlobal('fetch', fetchMock)
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:receipt')
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const clicked: { href: string; download: string }[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download })
    })
    await w.get('[data-testid="download-pdf"]').trigger('click')
    await flushPromises()
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(url).toBe('/api/v1/track/receipt.pdf')
    expect(init.headers).toMatchObject({ Authorization: 'Bearer citizen-token' })
    expect(created).toHaveBeenCalledTimes(1)
    expect(clicked).toEqual([{ href: 'blob:receipt', download: 'minh-bach-MB-7K3M-9QX2.pdf' }])
    expect(w.get('[data-testid="receipt-status"]').text()).toBe('Receipt downloaded: minh-bach-MB-7K3M-9QX2.pdf')
  })

  it('says so when the download fails', async () => {
    const { w } = await mountReceipt()
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse(401, { error: { code: 'unauthorized', message: 'x' } })))
    await w.get('[data-testid="download-pdf"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="receipt-status"]').text()).toContain('The download session has expired.')
  })

  it('keeps the citizen on the page until they confirm they saved the receipt', async () => {
    const { w, router } = await mountReceipt()
    const follow = w.get('[data-testid="follow"]')
    const cont = w.get('[data-testid="continue"]')
    expect((follow.element as HTMLButtonElement).disabled).toBe(true)
    expect((cont.element as HTMLButtonElement).disabled).toBe(true)

    // Leaving by the header links asks first; refusing stays on the receipt.
    const confirm = vi.fn().mockReturnValue(false)
    Object.defineProperty(window, 'confirm', { value: confirm, configurable: true, writable: true })
    await router.push('/')
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('It will not be shown again'))
    expect(router.currentRoute.value.path).toBe('/report')
    // Closing or reloading the tab is guarded too.
    const ev = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(ev)
    expect(ev.defaultPrevented).toBe(true)

    await w.get('[data-testid="saved"]').setValue(true)
    expect((follow.element as HTMLButtonElement).disabled).toBe(false)
    const ev2 = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(ev2)
    expect(ev2.defaultPrevented).toBe(false)

    vi.stubGlobal('fetch', vi.fn().mockReturnValue(new Promise(() => {})))
    confirm.mockClear()
    await follow.trigger('click')
    await flushPromises()
    // The tracking page is a lazy chunk: wait for the navigation to finish.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/track'), { timeout: 10_000 })
    expect(confirm).not.toHaveBeenCalled()
    // The token of the 201 answer opens the tracking session, in memory only.
    expect(useTrackSession().token.value).toBe('citizen-token')
    expect(JSON.stringify({ ...localStorage })).not.toContain('citizen-token')
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('citizen-token')
  })
})

describe('report form with unsent input', () => {
  beforeEach(() => {
    localStorage.clear()
    endReportSession()
    document.body.innerHTML = ''
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/v1/meta') return jsonResponse(200, testMeta)
        throw new Error(`unexpected fetch ${url}`)
      }),
    )
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('asks before leaving, and keeps the answers, identity included, when the citizen comes back', async () => {
    const router = createAppRouter(createMemoryHistory())
    await router.push('/report')
    const w = mount(Root, { global: { plugins: [createAppI18n('en'), router] }, attachTo: document.body })
    await flushPromises()
    const confirm = vi.fn().mockReturnValue(true)
    Object.defineProperty(window, 'confirm', { value: confirm, configurable: true, writable: true })

    // Nothing typed: leaving asks nothing.
    const ev0 = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(ev0)
    expect(ev0.defaultPrevented).toBe(false)
    await router.push('/')
    expect(confirm).not.toHaveBeenCalled()
    await router.push('/report')
    await flushPromises()

    await w.get('[data-testid="kind-feedback"]').setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()
    await w.get('[data-testid="title"]').setValue('Typed on a phone')
    const ev = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(ev)
    expect(ev.defaultPrevented).toBe(true)

    confirm.mockReturnValue(false)
    await router.push('/')
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('The report has not been sent'))
    expect(router.currentRoute.value.path).toBe('/report')

    confirm.mockReturnValue(true)
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/')
    await router.push('/report')
    await flushPromises()
    expect((w.get('[data-testid="title"]').element as HTMLInputElement).value).toBe('Typed on a phone')
    // Without the opt-in nothing went to the device.
    expect(localStorage.length).toBe(0)
  })
})
