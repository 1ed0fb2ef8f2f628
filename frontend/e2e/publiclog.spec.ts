import { readFile } from 'node:fs/promises'
import { expect } from '@playwright/test'
import { expectAccessible, watchedTest } from './watch'
import { fileAnonymousFeedback } from './citizenHelpers'

// The public transparency log, seen by a citizen in Chromium
// (docs/transparency-log.md): after filing, the tracking page says the
// report is being added to the log, then, once the portal's sequencer has
// integrated it (every few seconds), that it is an entry of the log,
// verified in the browser against the log's signed checkpoint; the
// verification page shows the same for a dropped proof of filing.
const test = watchedTest()

test('a citizen sees the report verified in the public log, on the tracking page and from the proof of filing', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 900 })
  const { code, receipt } = await fileAnonymousFeedback(page, 'Bị đòi tiền khi nộp hồ sơ (sổ công khai)', 'Cán bộ một cửa đòi thêm tiền mới nhận hồ sơ.')
  const [proof] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pdf').click()])
  const pdf = await readFile((await proof.path())!)

  await page.goto('/track')
  await page.getByLabel('Mã theo dõi').fill(code)
  await page.getByLabel('Mã bí mật').fill(receipt)
  await page.getByTestId('track-open').click()
  await expect(page.getByTestId('tracked-code')).toHaveText(code)

  // Verified in this browser: the entry carries the commitment computed
  // here, its inclusion proof matches the signed checkpoint.
  const panel = page.getByTestId('log-inclusion')
  await expect(panel.getByTestId('log-verified')).toContainText(/Phản ánh của bạn là mục số \d+ trong sổ công khai/, { timeout: 30_000 })
  const entry = panel.getByTestId('log-entry')
  await expect(entry).toHaveCount(1)
  await expect(entry).toHaveAttribute('data-event', 'filed')
  await expect(panel.getByTestId('log-checked-against')).toContainText('Đã kiểm tra ngay trong trình duyệt của bạn')
  await expect(panel.getByTestId('log-failed')).toHaveCount(0)
  await expectAccessible(page, 'the tracking page with the public log')

  // The log's own answer names nothing of the report.
  const index = Number(await entry.getAttribute('data-index'))
  const info = await (await request.get('/api/v1/log')).json()
  expect(info.size).toBeGreaterThan(index)
  const bundle = await request.get(`/log/tile/entries/${String(Math.floor(index / 256)).padStart(3, '0')}${info.size - Math.floor(index / 256) * 256 < 256 ? `.p/${info.size - Math.floor(index / 256) * 256}` : ''}`)
  expect(bundle.status()).toBe(200)
  const text = (await bundle.body()).toString('latin1')
  expect(text).toContain('minhbach-log/1 filed ')
  expect(text).not.toContain(code)

  // The verification page shows the same for the proof of filing.
  await page.goto('/verify')
  await page.getByLabel('Chọn giấy xác nhận (PDF)').setInputFiles({ name: `minh-bach-${code}.pdf`, mimeType: 'application/pdf', buffer: pdf })
  await expect(page.getByTestId('verify-code')).toHaveText(code)
  await expect(page.getByTestId('log-verified')).toContainText(`mục số ${index}`)
  await expectAccessible(page, 'the verification page with the public log')
})
