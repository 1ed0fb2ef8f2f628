import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ReportForm from './ReportForm.vue'
import { leadingZeroBits, sha256 } from '../pow'
import { createAppI18n } from '../i18n'
import { FakeXHR, file, jsonResponse } from '../testing/fakeXhr'
import { testMeta as meta } from '../testing/meta'
import { DRAFT_KEY } from '../reportDraft'

function mountForm(locale: 'vi' | 'en' = 'vi') {
  return mount(ReportForm, {
    props: { meta },
    global: { plugins: [createAppI18n(locale)] },
    attachTo: document.body,
  })
}
type W = VueWrapper

async function next(w: W) {
  await w.get('form').trigger('submit')
  await settle()
}

function heading(w: W): string {
  return w.get('[data-testid="step-heading"]').text()
}

/** chooseFiles sets the files of a file input (happy-dom has no file dialog) and fires change. */
async function chooseFiles(w: W, selector: string, files: File[]) {
  const input = w.get(selector).element as HTMLInputElement
  Object.defineProperty(input, 'files', { value: files, configurable: true })
  await w.get(selector).trigger('change')
  await flushPromises()
}

/** fillTo walks a valid report up to the given step (1-based). */
async function fillTo(w: W, step: number, kind = 'feedback') {
  await w.get(`[data-testid="kind-${kind}"]`).setValue(true)
  await next(w)
  if (step === 2) return
  await w.get('[data-testid="category"]').setValue('bribe')
  await w.get('[data-testid="title"]').setValue('  Bị đòi tiền khi nộp hồ sơ  ')
  await w.get('[data-testid="description"]').setValue('Cán bộ quầy 3 đòi 500.000 đồng.')
  await next(w)
  if (step === 3) return
  await w.get('[data-testid="place"]').setValue('Trung tâm hành chính công')
  await next(w)
  if (step === 4) return
  await next(w)
}

/** settle waits for the challenge to be fetched and solved and the upload to start. */
async function settle() {
  for (let i = 0; i < 5; i++) await flushPromises()
}

enableAutoUnmount(afterEach)

describe('ReportForm', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    // A real, easy challenge: the wizard solves it before every filing.
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/v1/challenges') return jsonResponse(200, { challenge: 'v1.4.1.test.mac', bits: 4 })
        throw new Error(`unexpected fetch ${url}`)
      }),
    )
  })
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('explains the kinds and anonymity, with the anonymous-denunciation rule, before the choice', () => {
    const w = mountForm('en')
    expect(heading(w)).toContain('Step 1 of 5:')
    expect(heading(w)).toContain('Kind of report')
    const explain = w.get('.explain')
    expect(explain.text()).toContain('Law on Complaints')
    expect(explain.text()).toContain('Law on Denunciations')
    expect(w.get('[data-testid="explain-anonymous-denunciation"]').text()).toContain('Article 25')
    // The explanation comes before the radios in the page.
    const html = w.html()
    expect(html.indexOf('explain-anonymous-denunciation')).toBeLessThan(html.indexOf('kind-feedback'))
    // No kind is chosen for the citizen.
    expect(w.findAll('input[name="kind"]').some((r) => (r.element as HTMLInputElement).checked)).toBe(false)
    expect(w.get('[aria-current="step"]').text()).toContain('Kind of report')
  })

  it('refuses Next without a kind, shows the error and moves focus to the first choice', async () => {
    const w = mountForm('en')
    await next(w)
    expect(heading(w)).toContain('Step 1 of 5')
    expect(w.get('[data-testid="error-f-kind"]').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('kind-feedback')
    expect(w.get('[data-testid="form-error"]').text()).toContain('Kind of report: This field is required.')
    await w.get('[data-testid="kind-complaint"]').setValue(true)
    expect(w.find('[data-testid="error-f-kind"]').exists()).toBe(false)
    await next(w)
    expect(heading(w)).toContain('Step 2 of 5')
    expect(document.activeElement).toBe(w.get('[data-testid="step-heading"]').element)
  })

  it('validates what happened inline and focuses the first wrong field', async () => {
    const w = mountForm()
    await fillTo(w, 2)
    await next(w)
    expect(heading(w)).toContain('Bước 2 trên 5')
    for (const id of ['f-category', 'f-title', 'f-description']) {
      expect(w.get(`[data-testid="error-${id}"]`).text()).toBe('Mục này là bắt buộc.')
      expect(w.get(`#${id}`).attributes('aria-invalid')).toBe('true')
      expect(w.get(`#${id}`).attributes('aria-describedby')).toContain(`${id}-error`)
    }
    expect(document.activeElement?.id).toBe('f-category')

    await w.get('[data-testid="category"]').setValue('bribe')
    await next(w)
    expect(document.activeElement?.id).toBe('f-title')
    expect(w.find('[data-testid="error-f-category"]').exists()).toBe(false)

    await w.get('[data-testid="description"]').setValue('Tiền')
    expect(w.get('[data-testid="description-counter"]').text()).toBe('Đã dùng 4 trên 10000 ký tự')

    await w.get('[data-testid="incidentDate"]').setValue('2999-01-01')
    await w.get('[data-testid="title"]').setValue('Tiêu đề')
    await next(w)
    expect(w.get('[data-testid="error-f-incidentDate"]').text()).toBe('Ngày này chưa đến.')
    expect(document.activeElement?.id).toBe('f-incidentDate')
    await w.get('[data-testid="incidentDate"]').setValue('')
    await next(w)
    expect(heading(w)).toContain('Bước 3 trên 5')
  })

  it('needs a place in words unless an area is chosen', async () => {
    const w = mountForm()
    await fillTo(w, 3)
    await next(w)
    expect(w.get('[data-testid="error-f-place"]').text()).toBe('Mục này là bắt buộc.')
    expect(document.activeElement?.id).toBe('f-place')
    await w.get('[data-testid="province"]').setValue('79')
    expect(w.findAll('[data-testid="commune"] option').map((o) => o.text())).toContain('Phường Sài Gòn')
    await next(w)
    expect(heading(w)).toContain('Bước 4 trên 5')
    await w.get('[data-testid="back"]').trigger('click')
    await flushPromises()
    expect(heading(w)).toContain('Bước 3 trên 5')
    expect((w.get('[data-testid="province"]').element as HTMLSelectElement).value).toBe('79')
  })

  it('checks evidence files before upload: type, size, count and total', async () => {
    const w = mountForm('en')
    await fillTo(w, 4)
    const input = w.get('input[type="file"]')
    expect(input.attributes('multiple')).toBeDefined()
    expect(w.get(`label[for="${input.attributes('id')}"]`).text()).toBe('Choose files')
    expect(input.attributes('accept')).toContain('.pdf')
    expect(w.get('#f-files-help').text()).toContain('Up to 3 files, each at most 1,000 B, 2.4 KB in all.')

    await chooseFiles(w, '#f-files', [file('a.png', 900), file('virus.exe', 10), file('big.pdf', 1001)])
    expect(w.findAll('[data-testid="chosen-file"]').map((li) => li.get('.file-name').text())).toEqual(['a.png'])
    const rejected = w.get('[data-testid="f-files-rejected"]')
    expect(rejected.attributes('role')).toBe('alert')
    expect(rejected.text()).toContain('virus.exe: this format is not accepted. Accepted formats: JPG, JPEG, PNG, PDF.')
    expect(rejected.text()).toContain('big.pdf: the file is larger than 1,000 B.')

    await chooseFiles(w, '#f-files', [file('b.jpg', 900), file('c.pdf', 900)])
    expect(w.get('[data-testid="f-files-rejected"]').text()).toContain('c.pdf: all files together would be more than 2.4 KB.')
    await chooseFiles(w, '#f-files', [file('d.pdf', 10), file('e.pdf', 10)])
    expect(w.get('[data-testid="f-files-rejected"]').text()).toContain('e.pdf: there are already 3 files; no more can be added.')
    expect(w.findAll('[data-testid="chosen-file"]')).toHaveLength(3)
    expect(w.get('[data-testid="f-files-summary"]').text()).toBe('3 of 3 files chosen, 1.8 KB of 2.4 KB.')

    // Remove buttons name their file; focus stays in the list.
    const remove = w.findAll('[data-testid="remove-file"]')
    expect(remove[1]!.attributes('aria-label')).toBe('Remove b.jpg')
    await remove[1]!.trigger('click')
    await flushPromises()
    expect(w.findAll('[data-testid="chosen-file"]').map((li) => li.get('.file-name').text())).toEqual(['a.png', 'd.pdf'])
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Remove d.pdf')
  })

  it('takes files dropped on the drop zone', async () => {
    const w = mountForm('en')
    await fillTo(w, 4)
    const zone = w.get('[data-testid="dropzone"]')
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [file('photo.jpg', 100)] } })
    zone.element.dispatchEvent(drop)
    await flushPromises()
    expect(drop.defaultPrevented).toBe(true)
    expect(w.findAll('[data-testid="chosen-file"]').map((li) => li.get('.file-name').text())).toEqual(['photo.jpg'])
  })

  it('asks a named citizen for a name and a contact, in valid formats', async () => {
    const w = mountForm()
    await fillTo(w, 5)
    expect(heading(w)).toContain('Bước 5 trên 5')
    expect(w.find('[data-testid="identity"]').exists()).toBe(true)
    await next(w)
    expect(w.get('[data-testid="error-f-identity-name"]').text()).toBe('Mục này là bắt buộc.')
    expect(w.get('[data-testid="error-f-identity-phone"]').text()).toContain('ít nhất một cách liên hệ')
    expect(document.activeElement?.id).toBe('f-identity-name')
    expect(FakeXHR.instances).toHaveLength(0)

    await w.get('[data-testid="identity-name"]').setValue('Nguyễn Văn A')
    await w.get('[data-testid="identity-phone"]').setValue('abc')
    await w.get('[data-testid="identity-nationalId"]').setValue('12345')
    await next(w)
    expect(w.get('[data-testid="error-f-identity-phone"]').text()).toBe('Giá trị không hợp lệ.')
    expect(w.get('[data-testid="error-f-identity-nationalId"]').text()).toBe('Giá trị không hợp lệ.')
    expect(document.activeElement?.id).toBe('f-identity-phone')
    expect(FakeXHR.instances).toHaveLength(0)
  })

  it('says who gets change notices: an e-mail address gets content-free ones, an anonymous filer none', async () => {
    const w = mountForm('en')
    await fillTo(w, 5)
    const email = w.get('[data-testid="identity-email"]').element as HTMLInputElement
    const help = (email.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
    expect(help).toContain('a short “your report has changed” e-mail whenever it changes, with no content, code or status in it')
    expect(w.text()).toContain('You will get no notice when your report changes: come back to the tracking page with both codes.')
  })

  it('refuses anonymity for a complaint and warns about an anonymous denunciation', async () => {
    const w = mountForm('en')
    await fillTo(w, 5, 'complaint')
    expect((w.get('[data-testid="anonymous-yes"]').element as HTMLInputElement).disabled).toBe(true)
    expect(w.text()).toContain('A complaint must be filed under your name')

    // Back to step 1 through the review, choose a denunciation, file it anonymously.
    await w.get('[aria-label="Change: Kind of report"]').trigger('click')
    await flushPromises()
    expect(heading(w)).toContain('Step 1 of 5')
    await w.get('[data-testid="kind-denunciation"]').setValue(true)
    for (let i = 0; i < 4; i++) await next(w)
    expect(w.text()).toContain('the law requires the handlers to keep your name and address confidential')
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    expect(w.find('[data-testid="identity"]').exists()).toBe(false)
    expect(w.get('[data-testid="anonymous-denunciation-notice"]').text()).toContain('filed as feedback')
    expect(w.get('[data-testid="review-kind"]').text()).toBe('Denunciation')
    expect(w.get('[data-testid="review-identity"]').text()).toBe('Anonymously')
  })

  it('sends multipart with the report JSON and the files, showing per-file progress', async () => {
    const w = mountForm('en')
    await fillTo(w, 4)
    await chooseFiles(w, '#f-files', [file('a.png', 200, 'image/png'), file('b.pdf', 300, 'application/pdf')])
    await next(w)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    expect(w.get('[data-testid="review-files"]').text()).toBe('a.png (200 B); b.pdf (300 B)')
    expect(w.get('[data-testid="review-title"]').text()).toBe('Bị đòi tiền khi nộp hồ sơ')
    await w.get('form').trigger('submit')
    await settle()

    const x = FakeXHR.last()
    expect(x.url).toBe('/api/v1/complaints')
    expect(x.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
    // The solved challenge rides along: SHA-256 of it starts with 4 zero bits.
    const pow = x.headers['X-Portal-PoW']!
    expect(pow.startsWith('v1.4.1.test.mac:')).toBe(true)
    expect(leadingZeroBits(sha256(new TextEncoder().encode(pow)))).toBeGreaterThanOrEqual(4)
    expect(await x.jsonPart('complaint')).toEqual({
      kind: 'feedback',
      category: 'bribe',
      title: 'Bị đòi tiền khi nộp hồ sơ',
      description: 'Cán bộ quầy 3 đòi 500.000 đồng.',
      place: 'Trung tâm hành chính công',
      office: '',
      counter: '',
      procedure: '',
      dossierNumber: '',
      officials: '',
      language: 'en',
      anonymous: true,
    })
    expect(x.fileNames()).toEqual(['a.png', 'b.pdf'])

    // 100 bytes of overhead, then 200 + 300 bytes of files.
    x.progress(200, 600)
    await flushPromises()
    const bars = w.findAll('[data-testid="file-progress"]')
    expect(bars).toHaveLength(2)
    expect(bars.map((b) => b.attributes('aria-label'))).toEqual(['Upload progress of a.png', 'Upload progress of b.pdf'])
    expect(bars.map((b) => b.attributes('value'))).toEqual(['50', '0'])
    expect((w.get('[data-testid="submit"]').element as HTMLButtonElement).disabled).toBe(true)
    x.progress(450, 600)
    await flushPromises()
    expect(w.findAll('[data-testid="file-progress"]').map((b) => b.attributes('value'))).toEqual(['100', '50'])
    x.progress(600, 600)
    await flushPromises()
    expect(w.get('[data-testid="upload-progress"]').text()).toContain('the server is storing and checking the files')

    const result = { trackingCode: 'MB-7K3M-9QX2', receipt: '1234-5678-9012-3456', kind: 'feedback', token: 't' }
    x.reply(201, result)
    await flushPromises()
    expect(w.emitted('submitted')).toEqual([[result]])
  })

  it('reuses the Idempotency-Key on retry of the same report, and not after a verdict or a change', async () => {
    const w = mountForm('en')
    await fillTo(w, 5)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    const keys: string[] = []
    const send = async (answer: (x: FakeXHR) => void) => {
      await w.get('form').trigger('submit')
      await settle()
      const x = FakeXHR.last()
      keys.push(x.headers['Idempotency-Key']!)
      answer(x)
      await flushPromises()
    }
    await send((x) => x.fail())
    expect(w.get('[data-testid="submit-error"]').text()).toContain('Could not reach the server')
    await send((x) => x.reply(503, { error: { code: 'unavailable', message: 'x' } }))
    await send((x) => x.reply(429, { error: { code: 'rate_limited', message: 'x' } }, { 'Retry-After': '12' }))
    expect(w.get('[data-testid="submit-error"]').text()).toBe('Too many requests. Please try again in 12 seconds.')
    await send((x) => x.reply(409, { error: { code: 'conflict', message: 'x' } }))
    await send((x) => x.reply(422, { error: { code: 'idempotency_mismatch', message: 'x' } }))
    expect(w.get('[data-testid="submit-error"]').text()).toBe('The report changed since the last attempt. Please press Send the report again.')
    await send((x) => x.fail())
    await w.get('[data-testid="anonymous-no"]').setValue(true)
    await w.get('[data-testid="identity-name"]').setValue('An')
    await w.get('[data-testid="identity-email"]').setValue('an@example.org')
    await send((x) => x.fail())
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).toBe(keys[0])
    expect(keys[3]).toBe(keys[0])
    expect(keys[4]).not.toBe(keys[3]) // after the 409 verdict
    expect(keys[5]).not.toBe(keys[4]) // after the key was refused
    expect(keys[6]).not.toBe(keys[5]) // the report changed
  })

  it('cancels the upload on request, says so, and sends the same report again with the same Idempotency-Key', async () => {
    const w = mountForm('en')
    await fillTo(w, 4)
    await chooseFiles(w, '#f-files', [file('a.png', 200, 'image/png')])
    await next(w)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await w.get('form').trigger('submit')
    await settle()
    const first = FakeXHR.last()
    first.progress(100, 400)
    await flushPromises()
    await w.get('[data-testid="upload-cancel"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="upload-progress"]').exists()).toBe(false)
    expect(w.get('[data-testid="submit-error"]').text()).toBe('Sending was cancelled. You can send again.')
    expect((w.get('[data-testid="submit"]').element as HTMLButtonElement).disabled).toBe(false)
    expect(w.emitted('submitted')).toBeUndefined()

    await w.get('form').trigger('submit')
    await settle()
    expect(FakeXHR.instances).toHaveLength(2)
    expect(FakeXHR.last().headers['Idempotency-Key']).toBe(first.headers['Idempotency-Key'])
  })

  it('tells the citizen to print a refused active PDF to a new PDF or photograph it', async () => {
    for (const [locale, want] of [
      ['vi', 'in tài liệu ra một tệp PDF mới hoặc chụp ảnh'],
      ['en', 'print the document to a new PDF or photograph it'],
    ] as const) {
      const w = mountForm(locale)
      await fillTo(w, 4)
      await chooseFiles(w, '#f-files', [file('a.png', 10), file('hoá đơn.pdf', 10)])
      await next(w)
      await w.get('[data-testid="anonymous-yes"]').setValue(true)
      await w.get('form').trigger('submit')
      await flushPromises()
      FakeXHR.last().reply(415, { error: { code: 'unsupported', message: 'x', fields: { 'files[1]': 'active_pdf' } } })
      await flushPromises()
      const items = w.findAll('[data-testid="chosen-file"]')
      expect(items[0]!.find('[data-testid="file-error"]').exists()).toBe(false)
      expect(items[1]!.get('[data-testid="file-error"]').text()).toContain(want)
      w.unmount()
    }
  })

  it('shows the backend’s file errors next to the file and field errors on their step', async () => {
    const w = mountForm('en')
    await fillTo(w, 4)
    await chooseFiles(w, '#f-files', [file('a.png', 10), file('fake.pdf', 10)])
    await next(w)
    await w.get('[data-testid="identity-name"]').setValue('An')
    await w.get('[data-testid="identity-phone"]').setValue('0901234567')
    await w.get('form').trigger('submit')
    await settle()
    FakeXHR.last().reply(400, {
      error: {
        code: 'invalid',
        message: 'x',
        fields: { 'files[1]': 'unsupported_type', 'identity.email': 'invalid', language: 'invalid' },
      },
    })
    await flushPromises()
    // The first error (in form order) is the file: back to the evidence step.
    expect(heading(w)).toContain('Step 4 of 5')
    const items = w.findAll('[data-testid="chosen-file"]')
    expect(items[0]!.find('[data-testid="file-error"]').exists()).toBe(false)
    expect(items[1]!.get('[data-testid="file-error"]').text()).toContain('The server does not accept this file')
    expect(w.get('[data-testid="form-error"]').text()).toContain('language: This value is not valid.')
    await next(w)
    expect(heading(w)).toContain('Step 4 of 5')
    expect(document.activeElement?.id).toBe('f-files')
    await items[1]!.get('[data-testid="remove-file"]').trigger('click')
    await next(w)
    expect(heading(w)).toContain('Step 5 of 5')
  })

  it('moves to the step and field of a backend field error', async () => {
    const w = mountForm('en')
    await fillTo(w, 5)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await w.get('form').trigger('submit')
    await settle()
    FakeXHR.last().reply(400, { error: { code: 'invalid', message: 'x', fields: { title: 'too_long' } } })
    await flushPromises()
    expect(heading(w)).toContain('Step 2 of 5')
    expect(w.get('[data-testid="error-f-title"]').text()).toBe('This is too long.')
    expect(document.activeElement?.id).toBe('f-title')
  })
})

describe('ReportForm drafts', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        if (url === '/api/v1/challenges') return jsonResponse(200, { challenge: '', bits: 0 })
        throw new Error(`unexpected fetch ${url}`)
      }),
    )
  })
  afterEach(() => {
    vi.useRealTimers()
    document.body.innerHTML = ''
  })

  const stored = () => localStorage.getItem(DRAFT_KEY)

  it('keeps nothing on the device until the citizen opts in, and says why', async () => {
    const w = mountForm('en')
    await fillTo(w, 5)
    await w.get('[data-testid="identity-name"]').setValue('Nguyễn Văn A')
    await new Promise((r) => setTimeout(r, 500))
    expect(localStorage.length).toBe(0)
    const box = w.get('[data-testid="draft-box"]').text()
    expect(box).toContain('Keep a draft on this device')
    expect(box).toContain('shared computer')
    expect(box).toContain('never kept')
  })

  it('saves the non-identity answers a moment after typing, deletes them when unticked', async () => {
    vi.useFakeTimers()
    const w = mountForm('en')
    await w.get('[data-testid="keep-draft"]').setValue(true)
    await fillTo(w, 5)
    await w.get('[data-testid="identity-name"]').setValue('Nguyễn Văn A')
    await w.get('[data-testid="identity-phone"]').setValue('0912 345 678')
    vi.advanceTimersByTime(500)
    const raw = stored()!
    expect(raw).toContain('Cán bộ quầy 3 đòi 500.000 đồng.')
    expect(raw).not.toContain('Nguyễn Văn A')
    expect(raw).not.toContain('0912 345 678')

    await w.get('[data-testid="keep-draft"]').setValue(false)
    expect(stored()).toBeNull()
    await w.get('[data-testid="identity-name"]').setValue('Nguyễn Văn B')
    vi.advanceTimersByTime(500)
    expect(stored()).toBeNull()
  })

  it('restores a device draft on mount, with the identity empty, and discards it on request', async () => {
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ v: 1, step: 1, answers: { kind: 'feedback', title: 'Saved title', description: 'Saved text' } }))
    const w = mountForm('en')
    expect(w.get('[data-testid="draft-restored"]').text()).toContain('Personal details and attached files are not kept')
    expect(heading(w)).toContain('Step 2 of 5')
    expect((w.get('[data-testid="title"]').element as HTMLInputElement).value).toBe('Saved title')
    expect((w.get('[data-testid="keep-draft"]').element as HTMLInputElement).checked).toBe(true)

    const confirm = vi.fn().mockReturnValue(true)
    Object.defineProperty(window, 'confirm', { value: confirm, configurable: true, writable: true })
    await w.get('[data-testid="discard-draft"]').trigger('click')
    await flushPromises()
    expect(confirm).toHaveBeenCalledOnce()
    expect(heading(w)).toContain('Step 1 of 5')
    expect(w.find('[data-testid="draft-restored"]').exists()).toBe(false)
    expect(JSON.stringify(JSON.parse(stored() ?? '{"answers":{}}').answers)).not.toContain('Saved')
  })

  it('when the portal is busy (503 portal_busy), says nothing was sent and keeps the draft, the answers and the files for the next send', async () => {
    const w = mountForm('en')
    await w.get('[data-testid="keep-draft"]').setValue(true)
    await fillTo(w, 4)
    await chooseFiles(w, '#f-files', [file('a.png', 200, 'image/png')])
    await next(w)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await new Promise((r) => setTimeout(r, 500))
    await w.get('form').trigger('submit')
    await settle()
    FakeXHR.last().reply(503, { error: { code: 'unavailable', reason: 'portal_busy', message: 'x' } }, { 'Retry-After': '2' })
    await flushPromises()
    expect(w.get('[data-testid="submit-error"]').text()).toBe(
      'The portal is busy and nothing was sent. What you entered is kept: please send it again in a moment.',
    )
    expect(w.emitted('submitted')).toBeUndefined()
    expect(stored()).toContain('Bị đòi tiền')
    expect(w.get('[data-testid="review-files"]').text()).toBe('a.png (200 B)')

    await w.get('form').trigger('submit')
    await settle()
    const x = FakeXHR.last()
    expect(x.fileNames()).toEqual(['a.png'])
    expect(await x.jsonPart('complaint')).toMatchObject({ title: 'Bị đòi tiền khi nộp hồ sơ' })
    x.reply(201, { trackingCode: 'MB-7K3M-9QX2', receipt: '1234-5678-9012-3456', kind: 'feedback', token: 't' })
    await flushPromises()
    expect(w.emitted('submitted')).toHaveLength(1)
  })

  it('deletes the device draft once the report is filed', async () => {
    const w = mountForm('en')
    await w.get('[data-testid="keep-draft"]').setValue(true)
    await fillTo(w, 5)
    await w.get('[data-testid="anonymous-yes"]').setValue(true)
    await new Promise((r) => setTimeout(r, 500))
    expect(stored()).toContain('Bị đòi tiền')
    await w.get('form').trigger('submit')
    await settle()
    FakeXHR.last().reply(201, { trackingCode: 'MB-7K3M-9QX2', receipt: '1234-5678-9012-3456', kind: 'feedback', token: 't' })
    await flushPromises()
    expect(w.emitted('submitted')).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 500))
    expect(stored()).toBeNull()
  })
})
