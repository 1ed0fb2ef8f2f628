import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { expect, type Page } from '@playwright/test'
import { custodyTeam, enrolOnPage, signIn, signInWithRecovery, signInWithTotp, signOut, staffNav, type StaffSpec } from './staffHelpers'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// Access to the original files of an ANONYMOUS report (issue 11: a PDF sent
// anonymously used to be readable by nobody, since originals needed an
// identity custody grant, which an anonymous report cannot have). A citizen
// files an anonymous report with a PDF; an inspector of the unit asks, on a
// phone, for access to the originals; a lead of the unit (another person)
// approves on the custody page, which names the requester and says what is
// asked for; the inspector downloads the original PDF, byte for byte, while
// the report still shows no identity.
//
// The set-up (a unit, two people, their cooling period, two-step
// verification) is staffHelpers.custodyTeam's, shared with custody.spec.ts;
// the admin is originals-admin@e2e.test, created by playwright.config.ts for
// this spec only, and the routing rule (not_posted, commune 26734) is this
// spec's alone.

// 401s of /api/v1/auth/* (no refresh cookie yet) are the protocol, logged by Chromium as console errors.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'originals-admin@e2e.test', password: 'Sông-Cửu-Long-chín-nhánh-2026!' }
const PASSWORD = 'Mật-khẩu-mở-tệp-gốc-2026'
const TEMP = 'Tạm-thời-mở-tệp-gốc-2026'
const INSPECTOR: StaffSpec = { email: 'thanh-tra@originals.e2e.test', name: 'Vũ Minh Khoa', role: 'inspector' }
const LEAD: StaffSpec = { email: 'lanh-dao@originals.e2e.test', name: 'Đặng Thu Hà', role: 'lead' }

const PROVINCE = '79'
const COMMUNE = '26734'
const CATEGORY = 'not_posted'

// A one-page passive PDF (what the portal accepts) whose Info dictionary and
// XMP name its author, as a word processor would: the safe copy staff open
// without custody must not carry the name; the original does.
const AUTHOR = 'Nguyen Thi Originals Author'
function pdfWithAuthor(): Buffer {
  const stream = (dict: string, data: string) => `<< ${dict} /Length ${data.length} >>\nstream\n${data}\nendstream`
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    stream('', 'BT /F1 12 Tf 72 720 Td (bang ke phi niem yet) Tj ET'),
    stream('/Type /Metadata /Subtype /XML', `<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>${AUTHOR}</dc:creator></x:xmpmeta>`),
    `<< /Author (${AUTHOR}) /Producer (Microsoft Word) >>`,
  ]
  let out = '%PDF-1.7\n'
  const offsets: number[] = []
  objs.forEach((o, i) => {
    offsets.push(out.length)
    out += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = out.length
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}
const PDF = pdfWithAuthor()
const TITLE = 'Bộ phận một cửa không niêm yết lệ phí'
const REASON = 'Cần đọc bảng kê phí người dân gửi kèm để đối chiếu với quy định.'

const PHONE = { width: 360, height: 740 }
const DESKTOP = { width: 1366, height: 900 }

/** fileAnonymously files an anonymous report with the PDF, as a citizen would, and returns its tracking code. */
async function fileAnonymously(page: Page): Promise<string> {
  await page.goto('/report')
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  await page.getByTestId('category').selectOption(CATEGORY)
  await page.getByTestId('title').fill(TITLE)
  await page.getByTestId('description').fill('Quầy một cửa thu phí nhưng không niêm yết mức phí; tôi gửi kèm bảng kê đã chụp lại thành PDF.')
  await page.getByTestId('next').click()
  await page.getByTestId('province').selectOption(PROVINCE)
  await page.getByTestId('commune').selectOption(COMMUNE)
  await page.getByTestId('office').fill('UBND phường Sài Gòn')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 4 trên 5')
  await page.getByLabel('Chọn tệp').setInputFiles([{ name: 'bang-ke-phi Nguyen Van A.pdf', mimeType: 'application/pdf', buffer: PDF }])
  await expect(page.getByTestId('chosen-file')).toHaveCount(1)
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 5 trên 5')
  await page.getByTestId('anonymous-yes').check()
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  const code = (await page.getByTestId('tracking-code').textContent())!.trim()
  await page.getByTestId('save-card').click()
  await page.getByTestId('saved').check()
  await page.getByTestId('continue').click()
  await expect(page).toHaveURL(/\/$/)
  return code
}

test('an anonymous report’s PDF: the inspector asks for the originals, a lead approves, the inspector downloads the original', async ({ page, request }) => {
  test.setTimeout(300_000)
  const { coolUntil, inspectorSecret } = await custodyTeam(request, {
    admin: ADMIN,
    unit: { code: 'tt-sai-gon-originals', vi: 'Thanh tra phường Sài Gòn (tệp gốc)', en: 'Sai Gon Ward Inspectorate (originals)' },
    front: { code: 'mttq-sai-gon-originals', vi: 'Ủy ban MTTQ phường Sài Gòn (tệp gốc)', en: 'Sai Gon Ward Front Committee (originals)' },
    category: CATEGORY,
    areaCode: COMMUNE,
    inspector: INSPECTOR,
    lead: LEAD,
    temporary: TEMP,
    password: PASSWORD,
  })
  const used = new Set<number>()
  used.add(Math.floor(Date.now() / 30_000)) // the step the enrolment used

  // ---- A citizen files an anonymous report with a PDF.
  await page.setViewportSize(DESKTOP)
  const code = await fileAnonymously(page)

  // ---- The lead enrols two-step sign-in at first sign-in (PORTAL_REQUIRE_2FA), and signs out.
  await page.getByTestId('staff-signin-link').click()
  await signIn(page, LEAD.email, PASSWORD)
  await expect(page.getByTestId('login-enrol')).toBeVisible()
  const recovery = await enrolOnPage(page, used)
  await expect(page.getByTestId('staff-nav')).toBeVisible()
  await signOut(page)

  // Both accounts are new: they take no part in custody until their cooling period ends.
  await page.waitForTimeout(Math.max(0, coolUntil - Date.now()))

  // ---- On a phone, the inspector opens the report: no identity to ask for, but the originals can be.
  await page.setViewportSize(PHONE)
  await signInWithTotp(page, INSPECTOR.email, PASSWORD, inspectorSecret, used)
  await page.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('case-custody-form')).toHaveCount(0)
  await expect(page.getByTestId('identity-panel')).toHaveCount(0)
  await expect(page.getByTestId('case-attachment-original')).toHaveCount(0)
  const access = page.getByTestId('originals-access')
  await expect(access.getByRole('heading', { level: 3 })).toHaveText('Tệp gốc')
  await expect(access).toContainText('không bao giờ cho biết ai đã gửi phản ánh')
  // Without any grant, the inspector opens the PDF's safe copy (issue 11: an anonymous PDF used to be readable by
  // nobody): a PDF still, without the author's name the original carries in its properties and XMP.
  const [copyResponse, copyDownload] = await Promise.all([
    page.waitForResponse((r) => /\/attachments\/[^/?]+$/.test(new URL(r.url()).pathname) && !r.url().includes('original=')),
    page.waitForEvent('download'),
    page.getByTestId('case-attachment-copy').click(),
  ])
  expect(copyResponse.status()).toBe(200)
  expect(copyResponse.headers()['content-type']).toBe('application/pdf')
  const copy = await readFile((await copyDownload.path())!)
  expect(copy.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(copy.includes(Buffer.from(AUTHOR, 'latin1'))).toBe(false)
  expect(PDF.includes(Buffer.from(AUTHOR, 'latin1'))).toBe(true)
  const form = page.getByTestId('case-originals-form')
  await form.getByRole('button', { name: 'Yêu cầu quyền mở tệp gốc' }).click()
  await expect(page.locator('#originals-text-error')).toHaveText('Mục này là bắt buộc.')
  await expectAccessible(page, 'the request for the originals, with its error, at 360 px')
  await expectNoHorizontalScroll(page, 'the report page with the originals form')
  await form.getByLabel('Lý do cần xem tệp gốc').fill(REASON)
  await form.getByRole('button', { name: 'Yêu cầu quyền mở tệp gốc' }).click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã gửi yêu cầu mở tệp gốc đến lãnh đạo đơn vị.')
  await expect(page.getByTestId('originals-pending')).toContainText('đang chờ lãnh đạo duyệt')
  await expect(form).toHaveCount(0)
  await expectAccessible(page, 'the pending request for the originals, at 360 px')
  await expectNoHorizontalScroll(page, 'the report page with the pending request')
  await signOut(page)

  // ---- The lead (another person) approves it on the custody page, on a desktop.
  await page.setViewportSize(DESKTOP)
  await signInWithRecovery(page, LEAD.email, PASSWORD, recovery[0]!)
  await staffNav(page, 'custody')
  const pending = page.getByTestId('custody-pending').filter({ hasText: code })
  await expect(pending).toContainText(REASON)
  await expect(pending.getByTestId('custody-kind')).toHaveText('Yêu cầu xem: Chỉ tệp gốc')
  await expect(pending.getByTestId('custody-requester')).toHaveText(INSPECTOR.name)
  await expect(page.locator('main')).not.toContainText(INSPECTOR.email)
  await expectAccessible(page, 'the custody page with an originals request')
  await pending.getByTestId('custody-approve').click()
  await expect(page.getByTestId('custody-status')).toHaveText(`Đã duyệt yêu cầu cho phản ánh ${code}.`)
  await signOut(page)

  // ---- The inspector, on a phone, opens the report from the custody list and downloads the original PDF.
  await page.setViewportSize(PHONE)
  await signInWithTotp(page, INSPECTOR.email, PASSWORD, inspectorSecret, used)
  await staffNav(page, 'custody')
  const row = page.getByTestId('custody-row').filter({ hasText: code })
  await expect(row.getByTestId('custody-row-kind')).toHaveText('Chỉ tệp gốc')
  await expect(row.getByTestId('custody-row-decider')).toHaveText(LEAD.name)
  await expect(row).toContainText('Đã duyệt')
  await expectAccessible(page, 'the inspector’s custody list, at 360 px')
  await row.getByRole('link', { name: `Mở phản ánh ${code}` }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  // The grant lasts CustodyTTL from the approval; it never opens the identity.
  await expect(page.getByTestId('originals-time-left')).toHaveText(/^Bạn được tải tệp gốc đến .+ \(còn \d+ giờ \d{2} phút\)\. Mỗi lần tải đều được ghi lại\.$/)
  await expect(page.getByTestId('identity-panel')).toHaveCount(0)
  await expect(page.getByTestId('case-attachment-original-name')).toHaveCount(0)
  await expectAccessible(page, 'the report page with access to the originals, at 360 px')
  await expectNoHorizontalScroll(page, 'the report page with access to the originals')

  const original = page.getByTestId('case-attachment-original')
  await expect(original).toHaveText('Tải bản gốc')
  const [response, download] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/attachments/') && r.url().endsWith('?original=1')),
    page.waitForEvent('download'),
    original.click(),
  ])
  expect(response.status()).toBe(200)
  const h = response.headers()
  expect(h['content-type']).toBe('application/pdf')
  // The neutral name: the citizen's own file name is sealed like the identity.
  expect(h['content-disposition']).toBe("attachment; filename*=UTF-8''bang-chung-1.pdf")
  expect(h['x-content-sha256']).toBe(createHash('sha256').update(PDF).digest('hex'))
  expect(h['x-content-type-options']).toBe('nosniff')
  expect(download.suggestedFilename()).toBe('bang-chung-1.pdf')
  expect((await readFile((await download.path())!)).equals(PDF)).toBe(true)
  await expect(page.getByTestId('files-status')).toContainText('bang-chung-1.pdf')

  // The request, the decision and both downloads (the safe copy, then the original) are on the report's record
  // (which the Front's monitors read).
  await page.reload()
  for (const [title, n] of [['Yêu cầu mở tệp gốc', 1], ['Quyết định về yêu cầu mở tệp gốc', 1], ['Tải tệp chứng cứ', 2]] as const) {
    await expect(page.getByTestId('case-event').filter({ has: page.locator('strong', { hasText: new RegExp(`^${title}$`) }) })).toHaveCount(n)
  }

  // ---- The same page in English, on a desktop.
  await page.setViewportSize(DESKTOP)
  await page.getByTestId('lang-en').click()
  await expect(page.getByTestId('originals-time-left')).toHaveText(/^You may download the original files until .+ \(\d+ h \d{2} min left\)\. Each download is recorded\.$/)
  await expect(page.getByTestId('case-attachment-original')).toHaveText('Download original')
  await expectAccessible(page, 'the report page with access to the originals, in English')
})
