import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ReportForm from './ReportForm.vue'
import { createAppI18n } from '../i18n'
import type { Meta } from '../api'

const meta: Meta = {
  kinds: [
    { code: 'feedback', name: { vi: 'Phản ánh, kiến nghị', en: 'Feedback / recommendation' }, requiresIdentity: false },
    { code: 'complaint', name: { vi: 'Khiếu nại', en: 'Complaint' }, requiresIdentity: true },
    { code: 'denunciation', name: { vi: 'Tố cáo', en: 'Denunciation' }, requiresIdentity: true },
  ],
  categories: [
    { code: 'bribe', name: { vi: 'Đòi tiền, “bồi dưỡng”', en: 'Bribe or “fee” demanded' } },
    { code: 'delay', name: { vi: 'Cố tình kéo dài', en: 'Deliberate delay' } },
  ],
  areas: [
    { code: '79', parent: '', level: 'province', name: { vi: 'Thành phố Hồ Chí Minh', en: 'Ho Chi Minh City' } },
    { code: '26734', parent: '79', level: 'commune', name: { vi: 'Phường Sài Gòn', en: 'Sai Gon Ward' } },
    { code: '01', parent: '', level: 'province', name: { vi: 'Thành phố Hà Nội', en: 'Ha Noi' } },
  ],
  limits: {
    maxFileBytes: 26214400,
    maxReportBytes: 104857600,
    maxFiles: 10,
    maxTitleChars: 200,
    maxDescriptionChars: 10000,
    maxFieldChars: 500,
  },
}

function mountForm(locale: 'vi' | 'en' = 'vi') {
  return mount(ReportForm, {
    props: { meta },
    global: { plugins: [createAppI18n(locale)] },
    attachTo: document.body,
  })
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

async function fillValid(w: ReturnType<typeof mountForm>) {
  await w.get('[data-testid="category"]').setValue('bribe')
  await w.get('[data-testid="title"]').setValue('  Bị đòi tiền khi nộp hồ sơ  ')
  await w.get('[data-testid="description"]').setValue('Cán bộ quầy 3 đòi 500.000 đồng.')
  await w.get('[data-testid="place"]').setValue('Trung tâm hành chính công')
}

describe('ReportForm', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
  })

  it('offers the kinds and categories from meta in the current language', () => {
    const w = mountForm('en')
    expect(w.text()).toContain('Feedback / recommendation')
    expect(w.findAll('[data-testid="category"] option').map((o) => o.text())).toContain('Deliberate delay')
    expect(w.text()).toContain('May be anonymous.')
  })

  it('shows the identity block only when the report is named', async () => {
    const w = mountForm()
    expect(w.find('[data-testid="identity"]').exists()).toBe(true)
    expect(w.find('[data-testid="identity-name"]').exists()).toBe(true)

    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    expect(w.find('[data-testid="identity"]').exists()).toBe(false)

    await w.get('[data-testid="anonymous-no"]').setValue(true)
    expect(w.find('[data-testid="identity"]').exists()).toBe(true)
  })

  it('refuses anonymity for a complaint and warns about an anonymous denunciation', async () => {
    const w = mountForm('en')
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    expect(w.find('[data-testid="anonymous-denunciation-notice"]').exists()).toBe(false)

    await w.get('[data-testid="kind-denunciation"]').setValue(true)
    expect(w.get('[data-testid="anonymous-denunciation-notice"]').text()).toContain('filed as feedback')

    await w.get('[data-testid="kind-complaint"]').setValue(true)
    expect((w.get('[data-testid="anonymous-yes"]').element as HTMLInputElement).disabled).toBe(true)
    expect(w.find('[data-testid="identity"]').exists()).toBe(true)
    expect(w.text()).toContain('A complaint must be filed under your name')
  })

  it('validates on the client before sending', async () => {
    const fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    const w = mountForm()
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(fetchMock).not.toHaveBeenCalled()
    expect(w.get('[data-testid="form-error"]').text()).toContain('Chưa gửi được')
    for (const id of ['f-category', 'f-title', 'f-description', 'f-place', 'f-identity-name']) {
      expect(w.get(`[data-testid="error-${id}"]`).text()).toBe('Mục này là bắt buộc.')
      expect(w.get(`#${id}`).attributes('aria-invalid')).toBe('true')
      expect(w.get(`#${id}`).attributes('aria-describedby')).toContain(`${id}-error`)
    }
    // A named report needs a way to reach the complainant.
    expect(w.get('[data-testid="error-f-identity-phone"]').text()).toContain('ít nhất một cách liên hệ')
    expect(w.find('[data-testid="error-f-title"]').exists()).toBe(true)

    // An area makes the free-text place optional; an e-mail is enough contact.
    await w.get('#f-province').setValue('79')
    await w.get('[data-testid="identity-email"]').setValue('a@example.org')
    await w.get('form').trigger('submit')
    expect(w.find('[data-testid="error-f-place"]').exists()).toBe(false)
    expect(w.find('[data-testid="error-f-identity-phone"]').exists()).toBe(false)

    // Anonymous feedback needs no name.
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await w.get('form').trigger('submit')
    expect(w.find('[data-testid="error-f-identity-name"]').exists()).toBe(false)
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it('counts description characters against the limit', async () => {
    const w = mountForm('en')
    await w.get('[data-testid="description"]').setValue('Tiền')
    expect(w.get('[data-testid="description-counter"]').text()).toBe('4 of 10000 characters used')
  })

  it('renders field errors from the API error body next to the fields', async () => {
    const fetchMock = vi.fn().mockResolvedValue(
      jsonResponse(400, {
        error: {
          code: 'invalid',
          message: 'invalid complaint',
          fields: {
            title: 'too_long',
            incidentDate: 'future',
            areaCode: 'unknown',
            'identity.email': 'invalid',
            'identity.nationalId': 'invalid',
            phone: 'not_allowed',
            identity: 'not_allowed',
            somethingElse: 'required',
          },
        },
      }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const w = mountForm('en')
    await fillValid(w)
    await w.get('[data-testid="identity-name"]').setValue('Nguyễn Văn A')
    await w.get('[data-testid="identity-phone"]').setValue('0901 234 567')
    await w.get('form').trigger('submit')
    await flushPromises()

    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(w.get('[data-testid="error-f-title"]').text()).toBe('This is too long.')
    expect(w.get('#f-title').attributes('aria-invalid')).toBe('true')
    expect(w.get('[data-testid="error-f-incidentDate"]').text()).toBe('This date has not come yet.')
    expect(w.get('[data-testid="error-f-province"]').text()).toBe('This value is not in the list.')
    expect(w.get('[data-testid="error-f-identity-email"]').text()).toBe('This value is not valid.')
    expect(w.get('[data-testid="error-f-identity-phone"]').text()).toBe('Not allowed with the current choice.')
    expect(w.get('[data-testid="error-f-identity-nationalId"]').text()).toBe('This value is not valid.')
    expect(w.get('#f-anonymous-error').text()).toBe('Not allowed with the current choice.')
    const summary = w.get('[data-testid="form-error"]')
    expect(summary.attributes('role')).toBe('alert')
    expect(summary.text()).toContain('Title: This is too long.')
    expect(summary.text()).toContain('somethingElse: This field is required.')
    expect(document.activeElement).toBe(summary.element)
    expect(w.find('[data-testid="error-f-description"]').exists()).toBe(false)
  })

  it('sends the report with an Idempotency-Key and emits the receipt', async () => {
    const result = {
      trackingCode: 'MB-7K3M-9QX2',
      receipt: '1234-5678-9012-3456',
      kind: 'feedback',
      anonymousDenunciation: false,
      submittedAt: '2026-11-27T06:00:00Z',
      contentHash: 'ab'.repeat(32),
    }
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(201, result))
    vi.stubGlobal('fetch', fetchMock)
    const w = mountForm('en')
    await fillValid(w)
    await w.get('#f-province').setValue('79')
    await w.get('#f-commune').setValue('26734')
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()

    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(url).toBe('/api/v1/complaints')
    expect(init.method).toBe('POST')
    const headers = init.headers as Record<string, string>
    expect(headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    expect(headers['Content-Type']).toBe('application/json')
    const body = JSON.parse(init.body as string)
    expect(body).toEqual({
      kind: 'feedback',
      category: 'bribe',
      title: 'Bị đòi tiền khi nộp hồ sơ',
      description: 'Cán bộ quầy 3 đòi 500.000 đồng.',
      areaCode: '26734',
      place: 'Trung tâm hành chính công',
      office: '',
      counter: '',
      procedure: '',
      dossierNumber: '',
      officials: '',
      language: 'en',
      anonymous: true,
    })
    expect(w.emitted('submitted')).toEqual([[result]])
  })

  it('keeps the Idempotency-Key when retrying after a network error', async () => {
    const fetchMock = vi
      .fn()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce(jsonResponse(503, { error: { code: 'unavailable', message: 'x' } }))
      .mockResolvedValueOnce(jsonResponse(400, { error: { code: 'invalid', message: 'x', fields: { title: 'invalid' } } }))
      .mockResolvedValueOnce(jsonResponse(400, { error: { code: 'invalid', message: 'x', fields: { title: 'invalid' } } }))
    vi.stubGlobal('fetch', fetchMock)
    const w = mountForm('en')
    await fillValid(w)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    for (let i = 0; i < 4; i++) {
      await w.get('form').trigger('submit')
      await flushPromises()
    }
    const keys = fetchMock.mock.calls.map((c) => ((c[1] as RequestInit).headers as Record<string, string>)['Idempotency-Key'])
    expect(keys[0]).toBe(keys[1])
    expect(keys[1]).toBe(keys[2])
    expect(keys[3]).not.toBe(keys[2])
    expect(w.get('[data-testid="form-error"]').text()).toContain('Not sent yet')
  })

  it('shows a translated message for an error without fields', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse(429, { error: { code: 'rate_limited', message: 'slow down' } })))
    const w = mountForm('vi')
    await fillValid(w)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid="form-error"]').text()).toContain('Bạn gửi quá nhiều yêu cầu')
  })
})
