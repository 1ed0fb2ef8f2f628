import { readFile } from 'node:fs/promises'
import { expect, type Page } from '@playwright/test'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'
import { fileAnonymousFeedback } from './citizenHelpers'

// Every page load is watched: any console error, uncaught exception or
// Content-Security-Policy violation fails the test.
const test = watchedTest()

// Small real files: a 1×1 PNG and a minimal PDF.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
    'trailer<</Root 1 0 R>>\n%%EOF\n',
)

/** recordProgress remembers every per-file progress bar the page shows, however briefly. */
async function recordProgress(page: Page) {
  await page.evaluate(() => {
    const seen: { labels: string[]; max: number } = { labels: [], max: 0 }
    ;(window as unknown as { __progress: typeof seen }).__progress = seen
    const look = () => {
      for (const el of Array.from(document.querySelectorAll<HTMLProgressElement>('[data-testid="file-progress"]'))) {
        const label = el.getAttribute('aria-label') ?? ''
        if (!seen.labels.includes(label)) seen.labels.push(label)
        seen.max = Math.max(seen.max, Number(el.value))
      }
    }
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
}

async function recordedProgress(page: Page): Promise<{ labels: string[]; max: number }> {
  return page.evaluate(() => (window as unknown as { __progress: { labels: string[]; max: number } }).__progress)
}

test('the landing page, in Vietnamese first and in English, leads to the form and to tracking', async ({ page }) => {
  const res = await page.goto('/')
  expect(res?.status()).toBe(200)
  // The page really runs under the strict policy the backend serves.
  const csp = res?.headers()['content-security-policy'] ?? ''
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("style-src 'self'")

  // Vietnamese first.
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Phản ánh nhũng nhiễu, để việc công được minh bạch')
  await expect(page.getByText('Dân biết, dân bàn, dân làm, dân kiểm tra').first()).toBeVisible()
  await expect(page.getByRole('link', { name: 'Gửi phản ánh' }).first()).toBeVisible()
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Theo dõi phản ánh' })).toBeVisible()
  await expect(page.getByTestId('cta-track')).toBeVisible()
  await expect(page).toHaveTitle(/Trang chủ · Minh Bạch/)
  await expectAccessible(page, 'the landing page')

  // Switch to English; the choice survives a reload.
  await page.getByTestId('lang-en').click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Report harassment, so public service stays transparent')
  await expect(page.getByTestId('lang-en')).toHaveAttribute('aria-pressed', 'true')
  expect(await page.evaluate(() => localStorage.getItem('mb.locale'))).toBe('en')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Report harassment, so public service stays transparent')
  await expect(page.getByText('Inspection units (Thanh tra)')).toBeVisible()

  // The landing page links to tracking.
  await page.getByTestId('cta-track').click()
  await expect(page).toHaveURL(/\/track$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Follow a report')
  await expect(page.getByLabel('Tracking code')).toBeVisible()

  // The form, with kinds from /api/v1/meta, starts with the explanation.
  await page.getByRole('navigation').getByRole('link', { name: 'File a report' }).click()
  await expect(page).toHaveURL(/\/report$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('File a report')
  await expect(page.getByTestId('step-heading')).toContainText('Step 1 of 5')
  await expect(page.getByTestId('kind-feedback')).toBeVisible()
  await expect(page.getByTestId('explain-anonymous-denunciation')).toContainText('Article 25')
})

/** saveSecretCard saves the secret card and checks that the file holds both codes and the warning. */
async function saveSecretCard(page: Page, code: string, receipt: string) {
  const [card] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Lưu thẻ mã bí mật' }).click()])
  expect(card.suggestedFilename()).toBe(`minh-bach-ma-bi-mat-${code}.txt`)
  const text = await readFile((await card.path())!, 'utf8')
  expect(text).toContain(`Mã theo dõi / Tracking code: ${code}`)
  expect(text).toContain(`Mã bí mật / Secret code: ${receipt}`)
  expect(text).toContain('KHÔNG CHIA SẺ. Ai có cả hai mã này')
  expect(text).toContain('DO NOT SHARE. Anyone with both codes can read your report and act on it')
  await expect(page.getByTestId('secret-status')).toContainText(`minh-bach-ma-bi-mat-${code}.txt`)
}

test('the proof of filing does not count as saving the secret code; the secret card, holding both codes, does', async ({ page }) => {
  const { code, receipt } = await fileAnonymousFeedback(page, 'Cán bộ hẹn lại nhiều lần không lý do', 'Hồ sơ đã đủ giấy tờ nhưng bị hẹn lại ba lần.')
  const confirm = page.getByLabel('Tôi đã lưu mã bí mật')
  await expect(confirm).toBeDisabled()
  await expect(page.getByTestId('follow')).toBeDisabled()

  // The proof of filing: a signed PDF, without the secret code; it does not enable the confirmation.
  const [proof] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải giấy xác nhận đã gửi (PDF)' }).click(),
  ])
  expect(proof.suggestedFilename()).toBe(`minh-bach-${code}.pdf`)
  const pdf = await readFile((await proof.path())!)
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(pdf.includes(Buffer.from(receipt))).toBe(false)
  await expect(page.getByTestId('receipt-status')).toContainText('Đã tải giấy xác nhận đã gửi về máy')
  await expect(confirm).toBeDisabled()
  await expect(page.getByTestId('follow')).toBeDisabled()

  // The secret card does.
  await saveSecretCard(page, code, receipt)
  await expect(confirm).toBeEnabled()
  await expectAccessible(page, 'the receipt page after saving the secret card')
  await confirm.check()
  await expect(page.getByTestId('follow')).toBeEnabled()
  await page.getByTestId('follow').click()
  await expect(page.getByTestId('tracked-code')).toHaveText(code)
})

test('an unknown path shows the not-found page', async ({ page }) => {
  await page.goto('/no/such/page')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không tìm thấy trang')
  await page.getByRole('link', { name: 'Về trang chủ' }).click()
  await expect(page).toHaveURL(/\/$/)
})

test('a citizen files a named complaint with two files, saves the receipt and follows the report', async ({ page }) => {
  await page.goto('/report')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gửi phản ánh')

  // Step 1: the kind, after the explanation.
  await expect(page.getByTestId('explain-anonymous-denunciation')).toContainText('Điều 25 Luật Tố cáo')
  await expectAccessible(page, 'step 1')
  await page.getByTestId('next').click()
  // Refused without a choice: the error is shown and focus moves to the first choice.
  await expect(page.getByTestId('error-f-kind')).toHaveText('Mục này là bắt buộc.')
  await expect(page.getByTestId('kind-feedback')).toBeFocused()
  await page.getByTestId('kind-complaint').check()
  await page.getByTestId('next').click()

  // Step 2: what happened. Next with nothing filled in shows the errors, focus on the first.
  await expect(page.getByTestId('step-heading')).toContainText('Bước 2 trên 5')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('error-f-title')).toHaveText('Mục này là bắt buộc.')
  await expect(page.getByTestId('category')).toBeFocused()
  await expect(page.getByLabel('Tiêu đề')).toHaveAttribute('aria-invalid', 'true')
  await expectAccessible(page, 'step 2 with errors')
  const category = page.getByTestId('category')
  await category.selectOption((await category.locator('option:not([disabled])').first().getAttribute('value'))!)
  await page.getByLabel('Tiêu đề').fill('Hồ sơ bị từ chối vì không “bồi dưỡng”')
  await page.getByLabel('Nội dung').fill('Ngày 3/3, cán bộ quầy 5 từ chối nhận hồ sơ cấp phép xây dựng vì tôi không đưa 2 triệu đồng.')
  await expect(page.getByTestId('description-counter')).toContainText('trên 10000 ký tự')
  await page.getByTestId('next').click()

  // Step 3: where.
  await expect(page.getByTestId('step-heading')).toContainText('Bước 3 trên 5')
  await page.getByTestId('province').selectOption('79')
  await page.getByTestId('commune').selectOption({ index: 1 })
  await page.getByTestId('place').fill('Trung tâm phục vụ hành chính công')
  await page.getByTestId('office').fill('UBND phường')
  await page.getByTestId('counter').fill('Quầy 5')
  await page.getByTestId('procedure').fill('Cấp giấy phép xây dựng')
  await page.getByTestId('dossierNumber').fill('000.00.12.H29-250303-0042')
  await page.getByTestId('officials').fill('Cán bộ tiếp nhận quầy 5')
  await expectAccessible(page, 'step 3')
  await page.getByTestId('next').click()

  // Step 4: two files through the file picker.
  await expect(page.getByTestId('step-heading')).toContainText('Bước 4 trên 5')
  await expect(page.getByTestId('dropzone')).toBeVisible()
  await page.getByLabel('Chọn tệp').setInputFiles([
    { name: 'anh-quay-5.png', mimeType: 'image/png', buffer: PNG },
    { name: 'giay-hen.pdf', mimeType: 'application/pdf', buffer: PDF },
  ])
  await expect(page.getByTestId('chosen-file')).toHaveCount(2)
  // A type the portal does not take is refused before upload.
  await page.getByLabel('Chọn tệp').setInputFiles([{ name: 'chuong-trinh.exe', mimeType: 'application/x-msdownload', buffer: PDF }])
  await expect(page.getByTestId('f-files-rejected')).toContainText('chuong-trinh.exe: định dạng này không được nhận.')
  await expect(page.getByTestId('chosen-file')).toHaveCount(2)
  await expectAccessible(page, 'step 4')
  await page.getByTestId('next').click()

  // Step 5: a complaint must be named.
  await expect(page.getByTestId('step-heading')).toContainText('Bước 5 trên 5')
  await expect(page.getByTestId('anonymous-yes')).toBeDisabled()
  await page.getByTestId('identity-name').fill('Nguyễn Văn An')
  await page.getByTestId('identity-phone').fill('0901 234 567')
  await page.getByTestId('identity-email').fill('an@example.org')
  // The e-mail field says what it is for: content-free change notices.
  await expect(page.getByTestId('identity-email')).toHaveAccessibleDescription(/thư ngắn “đơn của bạn có cập nhật”, không kèm nội dung/)
  await expect(page.getByTestId('review-files')).toContainText('anh-quay-5.png')
  await expectAccessible(page, 'step 5 and the review')

  await recordProgress(page)
  await page.getByTestId('submit').click()

  // The receipt.
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await expect(page.getByTestId('receipt')).toHaveText(/^\d{4}-\d{4}-\d{4}-\d{4}$/)
  const code = (await page.getByTestId('tracking-code').textContent())!.trim()
  const receipt = (await page.getByTestId('receipt').textContent())!.trim()
  await expect(page.getByText('Mã bí mật chỉ hiển thị MỘT LẦN.', { exact: false })).toBeVisible()
  await expect(page.getByText('The secret code is shown ONLY ONCE.', { exact: false })).toBeVisible()
  await expect(page.getByTestId('receipt-notices')).toContainText('Nếu bạn gửi ẩn danh hoặc không để lại e-mail, bạn sẽ không nhận thông báo nào')
  await expect(page.getByTestId('receipt-kind')).toHaveText('Khiếu nại')
  // The files are shown under neutral names: a file name can name the complainant (docs/privacy.md).
  await expect(page.getByTestId('attachment-name')).toHaveText(['bang-chung-1.png', 'bang-chung-2.pdf'])

  // A progress bar per file, with an accessible name, ran to the end.
  const progress = await recordedProgress(page)
  expect(progress.labels).toEqual(['Tiến độ gửi anh-quay-5.png', 'Tiến độ gửi giay-hen.pdf'])
  expect(progress.max).toBe(100)

  await expectAccessible(page, 'the receipt page')

  // The citizen must confirm they saved the receipt before going on.
  await expect(page.getByTestId('follow')).toBeDisabled()
  await expect(page.getByTestId('continue')).toBeDisabled()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Tải giấy xác nhận đã gửi (PDF)' }).click(),
  ])
  expect(download.suggestedFilename()).toBe(`minh-bach-${code}.pdf`)
  const pdf = await readFile((await download.path())!)
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  await expect(page.getByTestId('receipt-status')).toContainText(`minh-bach-${code}.pdf`)
  await saveSecretCard(page, code, receipt)
  await page.getByLabel('Tôi đã lưu mã bí mật').check()
  await expect(page.getByTestId('follow')).toBeEnabled()

  // A reload ends any session: the citizen opens the report with code and receipt.
  await page.goto('/track')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Theo dõi phản ánh')
  await page.getByLabel('Mã theo dõi').fill(code.toLowerCase())
  await page.getByLabel('Mã bí mật').fill(receipt.replaceAll('-', ' '))
  await page.getByTestId('track-open').click()

  await expect(page.getByTestId('tracked-title')).toHaveText('Hồ sơ bị từ chối vì không “bồi dưỡng”')
  await expect(page.getByTestId('tracked-code')).toHaveText(code)
  await expect(page.getByTestId('tracked-status')).toHaveText('Đã tiếp nhận')
  await expect(page.getByTestId('tracked-kind')).toHaveText('Khiếu nại')
  const evidence = page.getByTestId('evidence-list').getByTestId('attachment-name')
  await expect(evidence).toHaveText(['bang-chung-1.png', 'bang-chung-2.pdf'])
  await expect(page.getByTestId('evidence-list').getByTestId('attachment-hash').first()).toHaveText(/^[0-9a-f]{8}…[0-9a-f]{4}$/)
  await expect(page.getByTestId('timeline-item').first()).toContainText('Gửi đơn')
  await expectAccessible(page, 'the tracking page')

  // A message to the handlers.
  await page.getByLabel('Tin nhắn của bạn').fill('Tôi có thể bổ sung bản ghi âm nếu cần.')
  await page.getByTestId('message-send').click()
  await expect(page.getByTestId('message-status')).toHaveText('Đã gửi tin nhắn.')
  await expect(page.getByTestId('message')).toHaveCount(1)
  await expect(page.getByTestId('message-text-shown')).toHaveText('Tôi có thể bổ sung bản ghi âm nếu cần.')
  await expect(page.getByTestId('message')).toHaveClass(/bubble-citizen/)

  // More evidence.
  await page.locator('#add-files').setInputFiles([{ name: 'bien-ban-bo-sung.pdf', mimeType: 'application/pdf', buffer: PDF }])
  await page.getByTestId('evidence-send').click()
  await expect(page.getByTestId('evidence-status')).toHaveText('Đã bổ sung 1 tệp.')
  await expect(evidence).toHaveText(['bang-chung-1.png', 'bang-chung-2.pdf', 'bang-chung-3.pdf'])
  await expect(page.getByTestId('timeline-item').filter({ hasText: 'Bổ sung chứng cứ' })).toHaveCount(1)
  await expectAccessible(page, 'the tracking page after a message and an addition')
})

test('an anonymous denunciation is told, and receipted, as feedback; leaving unsaved asks first', async ({ page }) => {
  await page.goto('/')
  await page.getByTestId('lang-en').click()
  await page.getByTestId('cta-report').click()
  await expect(page.getByTestId('step-heading')).toContainText('Step 1 of 5')

  // By keyboard: arrows choose among the kinds, Tab reaches Next.
  await page.getByTestId('kind-feedback').focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('kind-denunciation')).toBeChecked()
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('next')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('step-heading')).toContainText('Step 2 of 5')
  await expect(page.getByTestId('step-heading')).toBeFocused()

  const category = page.getByTestId('category')
  await category.selectOption((await category.locator('option:not([disabled])').first().getAttribute('value'))!)
  await page.getByLabel('Title').fill('The land officer takes money to move dossiers')
  await page.getByLabel('Description').fill('Officer at counter 2 keeps a list of who paid; unpaid dossiers wait months.')
  await page.getByLabel('Title').press('Enter') // Enter in a field goes to the next step
  await expect(page.getByTestId('step-heading')).toContainText('Step 3 of 5')
  await page.getByTestId('place').fill('Land registration office')
  await page.getByTestId('next').click()
  await page.getByTestId('next').click() // no evidence
  await expect(page.getByTestId('step-heading')).toContainText('Step 5 of 5')

  await page.getByTestId('anonymous-yes').check()
  await expect(page.getByTestId('identity')).toHaveCount(0)
  await expect(page.getByTestId('anonymous-denunciation-notice')).toContainText('filed as feedback')
  await expectAccessible(page, 'step 5, anonymous')
  await page.getByTestId('submit').click()

  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await expect(page.getByTestId('receipt-anonymous-denunciation')).toContainText('filed as feedback')
  await expect(page.getByTestId('receipt-kind')).toHaveText('Feedback / recommendation')

  // Leaving before confirming asks; declining stays on the receipt.
  const asked: string[] = []
  page.once('dialog', (d) => {
    asked.push(d.message())
    void d.dismiss()
  })
  await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click()
  await expect.poll(() => asked.length).toBe(1)
  expect(asked[0]).toContain('It will not be shown again')
  await expect(page).toHaveURL(/\/report$/)
  await expect(page.getByTestId('receipt')).toBeVisible()

  // Once saved (here by printing), "Follow my report" opens tracking with the session of the 201 answer.
  await expect(page.getByLabel('I have saved my secret code')).toBeDisabled()
  await page.getByRole('button', { name: 'Print both codes' }).click()
  await page.getByLabel('I have saved my secret code').check()
  await page.getByTestId('follow').click()
  await expect(page).toHaveURL(/\/track$/)
  await expect(page.getByTestId('tracked-title')).toHaveText('The land officer takes money to move dossiers')
  await expect(page.getByTestId('tracked-kind')).toHaveText('Feedback / recommendation')
  await expect(page.getByTestId('tracked-anonymous-denunciation')).toBeVisible()
})

test.describe('on a 360 px wide phone', () => {
  test.use({ viewport: { width: 360, height: 740 } })

  test('the form never scrolls sideways', async ({ page }) => {
    await page.goto('/report')
    await expect(page.getByTestId('kind-feedback')).toBeVisible()
    await expectNoHorizontalScroll(page, 'step 1')
    await page.getByTestId('kind-feedback').check()
    await page.getByTestId('next').click()
    await page.getByTestId('next').click() // with the errors shown
    await expect(page.getByTestId('error-f-title')).toBeVisible()
    await expectNoHorizontalScroll(page, 'step 2 with errors')
    const category = page.getByTestId('category')
    await category.selectOption((await category.locator('option:not([disabled])').last().getAttribute('value'))!)
    await page.getByTestId('title').fill('Mộttiêuđềrấtdàikhôngcókhoảngtrắngđểkiểmtraviệcxuốngdòngtrênđiệnthoại')
    await page.getByTestId('description').fill('x'.repeat(300))
    await page.getByTestId('next').click()
    await expectNoHorizontalScroll(page, 'step 3')
    await page.getByTestId('province').selectOption('79')
    await page.getByTestId('next').click()
    await page
      .getByTestId('f-files-input')
      .setInputFiles([{ name: `${'bien-nhan-ho-so-'.repeat(6)}.pdf`, mimeType: 'application/pdf', buffer: PDF }])
    await page.getByTestId('f-files-input').setInputFiles([{ name: 'khong-nhan.heic', mimeType: 'image/heic', buffer: PNG }])
    await expect(page.getByTestId('chosen-file')).toHaveCount(1)
    await expectNoHorizontalScroll(page, 'step 4 with a long file name and a refusal')
    await page.getByTestId('next').click()
    await expect(page.getByTestId('review')).toBeVisible()
    await expectNoHorizontalScroll(page, 'step 5 and the review')
    await page.getByTestId('anonymous-yes').check()
    await page.getByTestId('submit').click()
    await expect(page.getByTestId('receipt')).toBeVisible()
    await expectNoHorizontalScroll(page, 'the receipt page')
    await page.getByTestId('save-card').click()
    await page.getByTestId('saved').check()
    await page.getByTestId('follow').click()
    await expect(page.getByTestId('tracked-title')).toBeVisible()
    await expectNoHorizontalScroll(page, 'the tracking page')
  })
})
