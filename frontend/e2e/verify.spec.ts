import { readFile } from 'node:fs/promises'
import { expect, type Page } from '@playwright/test'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'
import { fileAnonymousFeedback } from './citizenHelpers'

// The verification page (/verify): a citizen files a report, downloads the
// proof of filing, and checks it on the page, which the proof's "how to
// verify" text names; a changed copy is not valid. Every page load is
// watched (console errors, exceptions, CSP violations fail the test).
const test = watchedTest()

/** fileReport files an anonymous feedback through the form and returns its tracking code. */
async function fileReport(page: Page, title: string): Promise<string> {
  return (await fileAnonymousFeedback(page, title, 'Hồ sơ đã đủ giấy tờ nhưng bị hẹn lại ba lần.')).code
}

/** downloadProof saves the proof of filing from the receipt screen and returns its bytes. */
async function downloadProof(page: Page): Promise<Buffer> {
  const [proof] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()])
  return await readFile((await proof.path())!)
}

/** dropFile drops a file on the verification page's drop zone, as a mouse user would. */
async function dropFile(page: Page, name: string, bytes: Buffer) {
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([data], name, { type: 'application/pdf' }))
      return dt
    },
    { b64: bytes.toString('base64'), name },
  )
  await page.getByTestId('verify-drop').dispatchEvent('drop', { dataTransfer })
}

test('on a phone, in Vietnamese: the downloaded proof is valid on the verification page, a changed copy is not', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 })
  const code = await fileReport(page, 'Bị hẹn lại hồ sơ nhiều lần (xác minh)')
  const pdf = await downloadProof(page)
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')

  // The footer of every page leads to it (the receipt screen holds the
  // visitor until the secret code is saved, so from the home page).
  await page.goto('/')
  await page.getByTestId('verify-link').click()
  await expect(page).toHaveURL(/\/verify$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kiểm tra giấy xác nhận đã gửi phản ánh')
  await expectAccessible(page, 'the verification page')
  await expectNoHorizontalScroll(page, 'the verification page')

  // Chosen with the file input (by its label, as a keyboard user would).
  await page.getByLabel('Chọn giấy xác nhận (PDF)').setInputFiles({ name: `minh-bach-${code}.pdf`, mimeType: 'application/pdf', buffer: pdf })
  const valid = page.getByTestId('verify-valid')
  await expect(valid.getByRole('heading', { level: 2 })).toHaveText('Hợp lệ: giấy xác nhận là thật')
  await expect(page.getByTestId('verify-code')).toHaveText(code)
  await expect(page.getByTestId('verify-hash')).toHaveText(/^[0-9a-f]{64}$/)
  await expect(page.getByTestId('verify-submitted')).toContainText(String(new Date().getFullYear()))
  await expectAccessible(page, 'the verification page with a valid proof')
  await expectNoHorizontalScroll(page, 'the verification page with a valid proof')

  // A copy with one byte changed in the middle, dropped on the zone.
  const changed = Buffer.from(pdf)
  const at = Math.floor(changed.length / 2)
  changed[at] = changed[at]! ^ 0x01
  await page.getByTestId('verify-again').click()
  await expect(page.getByLabel('Chọn giấy xác nhận (PDF)')).toBeFocused()
  await dropFile(page, 'ban-da-sua.pdf', changed)
  const invalid = page.getByTestId('verify-invalid')
  await expect(invalid.getByRole('heading', { level: 2 })).toHaveText('Không hợp lệ')
  await expect(invalid).toContainText('ban-da-sua.pdf không phải là giấy xác nhận thật và nguyên vẹn')
  await expect(page.getByTestId('verify-valid')).toHaveCount(0)
  await expectAccessible(page, 'the verification page with a changed proof')
})

test('an English visitor files in English: the receipt and the proof start in English, and the page says "Valid"', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 })
  await page.goto('/')
  await page.getByTestId('lang-en').click()
  const code = await fileReport(page, 'Asked for money at the counter (verification)')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your report has been received')
  const pdf = await downloadProof(page)
  // The proof's first language is the visitor's: its document language is English.
  expect(pdf.includes(Buffer.from('/Lang (en)'))).toBe(true)

  await page.goto('/verify')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check a proof of filing')
  await page.getByLabel('Choose the proof of filing (PDF)').setInputFiles({ name: 'proof.pdf', mimeType: 'application/pdf', buffer: pdf })
  await expect(page.getByTestId('verify-valid').getByRole('heading', { level: 2 })).toHaveText('Valid: a genuine proof of filing')
  await expect(page.getByTestId('verify-code')).toHaveText(code)
  await expectAccessible(page, 'the verification page in English')

  // A copy with six bytes overwritten near the start: not valid.
  const changed = Buffer.concat([pdf.subarray(0, 100), Buffer.from('edited'), pdf.subarray(106)])
  await page.getByTestId('verify-again').click()
  await page.getByLabel('Choose the proof of filing (PDF)').setInputFiles({ name: 'edited.pdf', mimeType: 'application/pdf', buffer: changed })
  await expect(page.getByTestId('verify-invalid').getByRole('heading')).toHaveText('Not valid')
})
