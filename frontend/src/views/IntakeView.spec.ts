import { describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { FakeXHR, file } from '../testing/fakeXhr'
import { fakeApi } from '../testing/fakeApi'
import { openAs, resetPageTests, settle, until } from '../testing/mountApp'
import { testMeta } from '../testing/meta'

resetPageTests(() => {
  FakeXHR.reset()
  vi.stubGlobal('XMLHttpRequest', FakeXHR)
  sessionStorage.clear()
})

const RECEIPT = '4821093375610042'
const FILED = {
  id: 'c9',
  trackingCode: 'MB-7K3M-9QX2',
  receipt: RECEIPT,
  kind: 'denunciation',
  anonymousDenunciation: false,
  channel: 'hotline',
  submittedAt: '2026-12-05T03:00:00Z',
  contentHash: 'ab'.repeat(32),
  proofUrl: '/api/v1/cases/c9/proof.pdf',
  attachments: [{ id: 'a1', name: 'thu.pdf', size: 900, type: 'application/pdf', sha256: 'cd'.repeat(32), scan: 'not_scanned', uploadedAt: '2026-12-05T03:00:00Z', source: 'report' }],
}

async function next(w: VueWrapper) {
  await w.get('form.report-form').trigger('submit')
  await settle(3)
}

/** fillDenunciation walks the web form's steps with a named denunciation and a scanned letter. */
async function fillDenunciation(w: VueWrapper) {
  await w.get('[data-testid="kind-denunciation"]').setValue(true)
  await next(w)
  await w.get('[data-testid="category"]').setValue('bribe')
  await w.get('[data-testid="title"]').setValue('Cán bộ đòi tiền')
  await w.get('[data-testid="description"]').setValue('Cán bộ quầy 3 đòi 500.000 đồng.')
  await next(w)
  await w.get('[data-testid="province"]').setValue('79')
  await next(w)
  const input = w.get('#f-files')
  Object.defineProperty(input.element, 'files', { value: [file('thu.pdf', 900, 'application/pdf')], configurable: true })
  await input.trigger('change')
  await flushPromises()
  await next(w)
}

describe('taking a report on a citizen’s behalf', () => {
  it('files with the web form’s rules, the channel and the staff token, without proof of work, and prints the slip', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    const { w } = await openAs('inspector', '/staff/intake', 'intake-channel')
    expect(w.get('h1').text()).toBe('Take a report')
    // The menu leads here; the form has no device draft.
    expect(w.find('[data-testid="staff-nav-intake"]').exists()).toBe(true)
    expect(w.find('[data-testid="draft-box"]').exists()).toBe(false)
    expect((w.get('[data-testid="channel-reception"]').element as HTMLInputElement).checked).toBe(true)
    await w.get('[data-testid="channel-hotline"]').setValue(true)

    await fillDenunciation(w)
    // The web form's identity rules: a denunciation under a name needs the name and a contact.
    await next(w)
    expect(w.find('[data-testid="error-f-identity-name"]').exists()).toBe(true)
    expect(FakeXHR.instances).toHaveLength(0)
    await w.get('[data-testid="identity-name"]').setValue('Trần Thị Bích')
    await w.get('[data-testid="identity-phone"]').setValue('0912345678')
    await next(w)

    const x = FakeXHR.last()
    expect(x.method).toBe('POST')
    expect(x.url).toBe('/api/v1/cases')
    expect(x.headers.Authorization).toBe('Bearer acc')
    expect(x.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    expect(Object.keys(x.headers).some((h) => /pow/i.test(h))).toBe(false)
    expect(api.callsTo('POST', '/api/v1/challenges')).toHaveLength(0)
    const body = (await x.jsonPart('complaint')) as Record<string, unknown>
    expect(body).toMatchObject({ channel: 'hotline', kind: 'denunciation', anonymous: false, areaCode: '79', identity: { name: 'Trần Thị Bích', phone: '0912345678' } })
    expect(x.fileNames()).toEqual(['thu.pdf'])

    x.reply(201, FILED)
    await until(() => w.find('[data-testid="intake-slip"]').exists())
    expect(w.get('[data-testid="slip-tracking-code"]').text()).toBe('MB-7K3M-9QX2')
    expect(w.get('[data-testid="slip-receipt"]').text()).toBe(RECEIPT)
    expect(w.get('[data-testid="slip-channel"]').text()).toBe('Hotline')
    expect(w.get('[data-testid="slip-track-url"]').text()).toBe(`${window.location.origin}/track`)
    expect(w.get('[data-testid="slip-verify-url"]').text()).toBe(`${window.location.origin}/verify`)
    expect(w.get('[data-testid="slip-files"]').text()).toBe('1')
    expect(w.get('[data-testid="slip-advice"]').text()).toContain('file the report yourself')
    expect(w.get('[data-testid="slip-change"]').text()).toContain('change your secret code')
    expect(w.get('[data-testid="slip-once"]').text()).toContain('ONLY ONCE')
    // Neither the receipt nor the identity is written anywhere.
    for (const store of [localStorage, sessionStorage]) {
      const all = Object.keys(store).map((k) => `${k}=${store.getItem(k)}`).join('\n')
      expect(all).not.toContain(RECEIPT)
      expect(all).not.toContain('Trần Thị Bích')
    }

    // Print, then the proof, fetched with the staff token.
    const print = vi.fn()
    vi.stubGlobal('print', print)
    window.print = print
    await w.get('[data-testid="slip-print"]').trigger('click')
    expect(print).toHaveBeenCalledOnce()
    api.on('GET', '/api/v1/cases/c9/proof.pdf', () => new Response(new Blob(['%PDF-1.7']), { status: 200, headers: { 'Content-Type': 'application/pdf' } }))
    URL.createObjectURL = vi.fn(() => 'blob:x')
    URL.revokeObjectURL = vi.fn()
    await w.get('[data-testid="slip-proof"]').trigger('click')
    await until(() => w.find('[data-testid="slip-proof-done"]').exists())
    expect(api.callsTo('GET', '/api/v1/cases/c9/proof.pdf')[0]!.headers.Authorization).toBe('Bearer acc')
    expect(w.get('[data-testid="slip-proof-done"]').text()).toContain('minh-bach-giay-xac-nhan-MB-7K3M-9QX2.pdf')

    // Another report starts empty: the slip and the answers are gone.
    await w.get('[data-testid="slip-another"]').trigger('click')
    await until(() => w.find('[data-testid="intake-channel"]').exists())
    expect(w.text()).not.toContain(RECEIPT)
    expect(w.get('[data-testid="step-heading"]').text()).toContain('Step 1 of 5')
    expect(w.findAll('input[name="kind"]').some((r) => (r.element as HTMLInputElement).checked)).toBe(false)
  })

  it('keeps the slip until the staff member confirms leaving it unprinted', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w, router } = await openAs('lead', '/staff/intake', 'intake-channel')
    await w.get('[data-testid="kind-feedback"]').setValue(true)
    await next(w)
    await w.get('[data-testid="category"]').setValue('bribe')
    await w.get('[data-testid="title"]').setValue('Đòi tiền')
    await w.get('[data-testid="description"]').setValue('Cán bộ đòi tiền.')
    await next(w)
    await w.get('[data-testid="place"]').setValue('Một cửa phường')
    await next(w)
    await next(w)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await next(w)
    FakeXHR.last().reply(201, { ...FILED, kind: 'feedback', channel: 'reception', attachments: [] })
    await until(() => w.find('[data-testid="intake-slip"]').exists())

    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    window.confirm = confirm
    await router.push('/staff/queue').catch(() => {})
    await settle()
    expect(confirm).toHaveBeenCalledOnce()
    expect(router.currentRoute.value.path).toBe('/staff/intake')
    expect(w.find('[data-testid="intake-slip"]').exists()).toBe(true)
  })

  it('is not offered to monitors or admins', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    api.json('GET', '/api/v1/recommendations/overdue', 200, { items: [] })
    const { w, router } = await openAs('monitor', '/staff/queue', 'staff-nav')
    expect(w.find('[data-testid="staff-nav-intake"]').exists()).toBe(false)
    await router.push('/staff/intake')
    await settle()
    expect(router.currentRoute.value.name).toBe('forbidden')
  })
})
