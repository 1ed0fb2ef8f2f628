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
    expect(w.text()).toContain('The secret code is shown ONLY ONCE.')
    expect(w.text()).toContain('Mã bí mật chỉ hiển thị MỘT LẦN.')
    expect(w.text()).toContain('The proof of filing (PDF) does not contain the secret code.')
    // Who gets change notices, and who must come back with both codes.
    expect(w.get('[data-testid="receipt-notices"]').text()).toContain('If you filed anonymously or gave no e-mail address, you get no notices')
    expect(w.get('[data-testid="receipt-kind"]').text()).toBe('Feedback / recommendation')
    expect(w.get('[data-testid="receipt-anonymous-denunciation"]').text()).toContain('filed as feedback')
    expect(w.get('[data-testid="attachment-name"]').text()).toBe('photo.png')
    expect(w.get('[data-testid="attachment-hash"]').text()).toBe('01234567…cdef')
    expect(w.get('[data-testid="attachment-hash"]').attributes('title')).toBe('0123456789abcdef'.repeat(4))
    expect(w.get('[data-testid="attachment-scan"]').text()).toBe('Not scanned (the portal has no virus scanner)')
    expect(document.activeElement?.id).toBe('receipt-heading')
  })

  it('downloads the signed proof of filing with the token from the 201 answer, which does not enable the confirmation', async () => {
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
    expect(w.get('[data-testid="receipt-status"]').text()).toBe('Proof of filing downloaded: minh-bach-MB-7K3M-9QX2.pdf')
    // The proof of filing holds no secret code: it does not count as saving it.
    expect((w.get('[data-testid="saved"]').element as HTMLInputElement).disabled).toBe(true)
    expect((w.get('[data-testid="follow"]').element as HTMLButtonElement).disabled).toBe(true)
  })

  it('saves the secret card in the browser, with both codes and the warning, which enables the confirmation', async () => {
    const { w } = await mountReceipt()
    const fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    const blobs: Blob[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob)
      return 'blob:card'
    })
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
    const clicked: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    const box = w.get('[data-testid="saved"]').element as HTMLInputElement
    expect(box.disabled).toBe(true)
    await w.get('[data-testid="save-card"]').trigger('click')
    await flushPromises()
    // Made in the browser: no request carries the secret code.
    expect(fetchMock).not.toHaveBeenCalled()
    expect(clicked).toEqual(['minh-bach-ma-bi-mat-MB-7K3M-9QX2.txt'])
    const text = await blobs[0]!.text()
    expect(text).toContain('MB-7K3M-9QX2')
    expect(text).toContain('1234-5678-9012-3456')
    expect(text).toContain('DO NOT SHARE. Anyone with both codes can read your report and act on it')
    expect(text).toContain('KHÔNG CHIA SẺ.')
    expect(w.get('[data-testid="secret-status"]').text()).toContain('minh-bach-ma-bi-mat-MB-7K3M-9QX2.txt')
    expect(box.disabled).toBe(false)
    await w.get('[data-testid="saved"]').setValue(true)
    expect((w.get('[data-testid="follow"]').element as HTMLButtonElement).disabled).toBe(false)
  })

  it('copying both codes, or printing them, also enables the confirmation; a failed copy does not', async () => {
    const { w } = await mountReceipt()
    const writeText = vi.fn().mockRejectedValueOnce(new Error('denied')).mockResolvedValue(undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const box = w.get('[data-testid="saved"]').element as HTMLInputElement
    await w.get('[data-testid="copy"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="secret-status"]').text()).toContain('Copying failed.')
    expect(box.disabled).toBe(true)
    await w.get('[data-testid="copy"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenLastCalledWith('Tracking code: MB-7K3M-9QX2\nSecret code: 1234-5678-9012-3456\n')
    expect(box.disabled).toBe(false)

    const { w: w2 } = await mountReceipt()
    const print = vi.fn()
    vi.stubGlobal('print', print)
    const box2 = w2.get('[data-testid="saved"]').element as HTMLInputElement
    expect(box2.disabled).toBe(true)
    await w2.get('[data-testid="print"]').trigger('click')
    expect(print).toHaveBeenCalledTimes(1)
    expect(box2.disabled).toBe(false)
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

    vi.stubGlobal('print', vi.fn())
    await w.get('[data-testid="print"]').trigger('click')
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
    // The token of the 201 answer opens the tracking session, in memory and this tab's sessionStorage, never localStorage.
    expect(useTrackSession().token.value).toBe('citizen-token')
    expect(JSON.stringify({ ...localStorage })).not.toContain('citizen-token')
    expect(JSON.stringify({ ...sessionStorage })).toContain('citizen-token')
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
