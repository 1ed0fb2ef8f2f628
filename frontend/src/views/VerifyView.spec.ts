import { describe, expect, it } from 'vitest'
import { apiError, fakeApi } from '../testing/fakeApi'
import { mountApp, resetPageTests, until } from '../testing/mountApp'
import { logAnswers, loggedReport } from '../testing/logApi'

resetPageTests()

type W = Awaited<ReturnType<typeof mountApp>>['w']

async function choose(w: W, file: File) {
  const input = w.get('[data-testid="verify-input"]').element as HTMLInputElement
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  await w.get('[data-testid="verify-input"]').trigger('change')
}

const pdf = (size = 100) => new File([new Uint8Array(size)], 'minh-bach-MB-7K3M-9QX2.pdf', { type: 'application/pdf' })

describe('verification page', () => {
  it('sends the chosen PDF as it is and says what a valid proof states, in Vietnamese', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/receipts/verify', 200, {
      valid: true,
      trackingCode: 'MB-7K3M-9QX2',
      submittedAt: '2026-11-27T13:37:05Z',
      contentHash: 'ab'.repeat(32),
      keyId: 'mb-2026-1',
    })
    for (const [path, body] of Object.entries(await logAnswers('MB-7K3M-9QX2', 'ab'.repeat(32)))) api.json('GET', path, 200, body)
    const { w } = await mountApp('/verify', 'vi')
    expect(w.get('h1').text()).toBe('Kiểm tra giấy xác nhận đã gửi phản ánh')
    expect(w.get('label[for="verify-file"]').text()).toBe('Chọn giấy xác nhận (PDF)')
    const file = pdf()
    await choose(w, file)
    await until(() => w.find('[data-testid="verify-valid"]').exists())
    const call = api.calls[0]!
    expect(call.headers['Content-Type']).toBe('application/pdf')
    expect(api.fetchMock.mock.calls[0]![1]!.body).toBe(file)
    const valid = w.get('[data-testid="verify-valid"]')
    expect(valid.get('h2').text()).toBe('Hợp lệ: giấy xác nhận là thật')
    expect(valid.get('[data-testid="verify-code"]').text()).toBe('MB-7K3M-9QX2')
    expect(valid.get('[data-testid="verify-submitted"]').text()).toContain('20:37')
    expect(valid.get('[data-testid="verify-hash"]').text()).toBe('ab'.repeat(32))
    expect(valid.text()).toContain('không cho biết ai đã gửi')
  })

  it('shows the report of a valid proof in the public log, verified in the browser', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/receipts/verify', 200, { valid: true, submittedAt: '2026-12-01T02:00:00Z', keyId: 'mb-2026-1', ...loggedReport })
    for (const [path, body] of Object.entries(await logAnswers(loggedReport.trackingCode, loggedReport.contentHash))) api.json('GET', path, 200, body)
    const { w } = await mountApp('/verify', 'en')
    await choose(w, pdf())
    await until(() => w.find('[data-testid="log-verified"]').exists())
    expect(w.get('[data-testid="log-verified"]').text()).toBe('The public events of the report of this proof are entries 0, 3, 10 of the public log.')
    expect(w.get('[data-testid="log-checked-against"]').text()).toContain('size 13')
    // The tracking code and content hash never leave the browser: only their commitment does.
    const urls = api.calls.map((c) => c.url).join(' ')
    expect(urls).not.toContain(loggedReport.contentHash)
    expect(urls).not.toContain(loggedReport.trackingCode)
  })

  it('says a changed proof is not valid and why that happens, in English', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/receipts/verify', 200, { valid: false })
    const { w } = await mountApp('/verify', 'en')
    await choose(w, pdf())
    await until(() => w.find('[data-testid="verify-invalid"]').exists())
    const invalid = w.get('[data-testid="verify-invalid"]')
    expect(invalid.get('h2').text()).toBe('Not valid')
    expect(invalid.text()).toContain('changed after it was downloaded')
    expect(w.find('[data-testid="verify-valid"]').exists()).toBe(false)
    expect(w.find('[data-testid="verify-code"]').exists()).toBe(false)
  })

  it('tells a file that is not a PDF from a bad proof, and refuses an oversized file without sending it', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/receipts/verify', () => apiError(400, 'invalid'))
    const { w } = await mountApp('/verify', 'en')
    await choose(w, new File(['hello'], 'notes.txt', { type: 'text/plain' }))
    await until(() => w.find('[data-testid="verify-error"]').exists())
    expect(w.get('[data-testid="verify-error"]').text()).toBe('This file is not a PDF proof of filing. Choose the PDF file you downloaded from the portal.')
    await w.get('[data-testid="verify-again"]').trigger('click')
    expect(w.find('[data-testid="verify-error"]').exists()).toBe(false)
    await choose(w, pdf((2 << 20) + 1))
    await until(() => w.find('[data-testid="verify-error"]').exists())
    expect(w.get('[data-testid="verify-error"]').text()).toContain('larger than 2')
    expect(api.calls).toHaveLength(1)
  })

  it('is linked from every page footer', async () => {
    fakeApi()
    const { w } = await mountApp('/', 'en')
    expect(w.get('[data-testid="verify-link"]').attributes('href')).toBe('/verify')
  })
})
