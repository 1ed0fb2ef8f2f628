import { readFile } from 'node:fs/promises'
import { expect, type APIRequestContext, type Page } from '@playwright/test'
import { adminCreator, enrolOnPage, setOwnPassword, signIn, signOut, staffNav } from './staffHelpers'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// A report taken at a reception day (docs/intake.md), against the real
// portal: an inspector keys in a citizen's named denunciation with a scanned
// letter and a photo on a phone, prints the slip with the tracking code and
// the receipt, and downloads the signed proof of filing; the citizen, in a
// browser of their own, follows the report with the slip's two codes; the
// lead sees the channel and who took it; the Front's monitor sees the channel
// but never the identity, and cannot take reports.
//
// Its own unit, committee and routing rule (a commune and conduct no other
// spec routes), set up through the API by reception-admin@e2e.test, which
// playwright.config.ts creates for this spec. The sign-in page's first
// refresh (no cookie yet) answers 401, which the browser logs; nothing else
// may.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'reception-admin@e2e.test', password: 'Tiếp-công-dân-ngày-thứ-năm-2026!' }
const PASSWORD = 'Mật-khẩu-tiếp-dân-Chợ-Lớn-2026'
const TEMP = 'Tạm-thời-tiếp-dân-Chợ-Lớn-2026'
const INSPECTOR = { email: 'thanh-tra@reception.e2e.test', name: 'Đỗ Văn Tiếp', role: 'inspector' }
const LEAD = { email: 'lanh-dao@reception.e2e.test', name: 'Hồ Thị Duyệt', role: 'lead' }
const MONITOR = { email: 'giam-sat@reception.e2e.test', name: 'Lý Văn Soát', role: 'monitor' }

// Phường Chợ Lớn, Thành phố Hồ Chí Minh; "other" conduct.
const PROVINCE = '79'
const COMMUNE = '27139'
const CATEGORY = 'other'
const CITIZEN = { name: 'Nguyễn Thị Tố', phone: '0987 654 321', nationalId: '079190001234' }
const TITLE = 'Cán bộ địa chính đòi tiền để ký xác nhận hồ sơ'
const CHANNEL = 'Tiếp công dân trực tiếp'

const PHONE = { width: 360, height: 740 }
const DESKTOP = { width: 1366, height: 900 }

// Small real files: a 1×1 PNG (a photo) and a minimal PDF (the scanned letter).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' + 'trailer<</Root 1 0 R>>\n%%EOF\n',
)

async function setUp(request: APIRequestContext) {
  const create = await adminCreator(request, ADMIN)
  const unit = await create('units', {
    code: 'tt-cho-lon-reception',
    name: { vi: 'Thanh tra phường Chợ Lớn', en: 'Cho Lon Ward Inspectorate' },
    type: 'inspection',
    areaCodes: [COMMUNE],
  })
  const front = await create('units', {
    code: 'mttq-cho-lon-reception',
    name: { vi: 'Ủy ban MTTQ phường Chợ Lớn', en: 'Cho Lon Ward Front Committee' },
    type: 'front',
    areaCodes: [COMMUNE],
  })
  await create('routing-rules', { category: CATEGORY, areaCode: COMMUNE, inspectionUnitId: unit.id, frontUnitId: front.id, note: 'reception' })
  for (const u of [INSPECTOR, LEAD, MONITOR]) {
    await create('users', { ...u, unitId: u.role === 'monitor' ? front.id : unit.id, password: TEMP })
    await setOwnPassword(request, u.email, TEMP, PASSWORD)
  }
}

/** storageText is everything the page's origin keeps in Web Storage. */
function storageText(page: Page): Promise<string> {
  return page.evaluate(() =>
    [localStorage, sessionStorage].map((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n')).join('\n'),
  )
}

test('an inspector takes a denunciation at a reception day, prints the slip and the proof; the citizen follows it; the lead and the monitor see the channel', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(150_000)
  await setUp(request)
  const baseURL = test.info().project.use.baseURL!

  // ---- The inspector, on a phone, in Vietnamese, opens "Tiếp nhận đơn" from the staff menu.
  await page.setViewportSize(PHONE)
  await page.goto('/staff/login')
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await staffNav(page, 'intake')
  await expect(page).toHaveURL(/\/staff\/intake$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tiếp nhận đơn')
  await expect(page.getByLabel('Tiếp công dân trực tiếp')).toBeChecked()
  // No device draft and no proof of work on the staff form.
  await expect(page.getByTestId('draft-box')).toHaveCount(0)
  await expectAccessible(page, 'the intake form on a phone')
  await expectNoHorizontalScroll(page, 'the intake form on a phone')

  // The web form's steps: a named denunciation, where, a scanned letter and a photo, the citizen's identity.
  await page.getByTestId('kind-denunciation').check()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 2 trên 5')
  await page.getByTestId('category').selectOption(CATEGORY)
  await page.getByTestId('title').fill(TITLE)
  await page.getByTestId('description').fill('Bà Tố trình bày tại buổi tiếp công dân: cán bộ địa chính đòi 2 triệu đồng để ký xác nhận hồ sơ tách thửa.')
  await page.getByTestId('next').click()
  await page.getByTestId('province').selectOption(PROVINCE)
  await page.getByTestId('commune').selectOption(COMMUNE)
  await page.getByTestId('office').fill('UBND phường Chợ Lớn')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 4 trên 5')
  await page.getByLabel('Chọn tệp').setInputFiles([
    { name: 'don-thu-quet.pdf', mimeType: 'application/pdf', buffer: PDF },
    { name: 'anh-bien-nhan.png', mimeType: 'image/png', buffer: PNG },
  ])
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 5 trên 5')
  // A denunciation under a name needs the name, as on the web form.
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('error-f-identity-name')).toBeVisible()
  await page.getByTestId('identity-name').fill(CITIZEN.name)
  await page.getByTestId('identity-phone').fill(CITIZEN.phone)
  await page.getByTestId('identity-nationalId').fill(CITIZEN.nationalId)
  await expectAccessible(page, 'the intake form’s identity step')
  await page.getByTestId('submit').click()

  // ---- The slip: code, receipt, date, channel, where to follow and verify, the advice.
  await expect(page.getByTestId('intake-slip')).toBeVisible()
  await expect(page.getByTestId('slip-tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await expect(page.getByTestId('slip-receipt')).toHaveText(/^\d{4}-\d{4}-\d{4}-\d{4}$/)
  const code = (await page.getByTestId('slip-tracking-code').textContent())!.trim()
  const receipt = (await page.getByTestId('slip-receipt').textContent())!.trim()
  await expect(page.getByTestId('slip-channel')).toHaveText(CHANNEL)
  await expect(page.getByTestId('slip-kind')).toHaveText('Tố cáo')
  await expect(page.getByTestId('slip-files')).toHaveText('2')
  await expect(page.getByTestId('slip-submitted-at')).toHaveText(/^\d{2}\/\d{2}\/\d{4} lúc \d{2}:\d{2}$/)
  await expect(page.getByTestId('slip-track-url')).toHaveText(`${baseURL}/track`)
  await expect(page.getByTestId('slip-verify-url')).toHaveText(`${baseURL}/verify`)
  await expect(page.getByTestId('slip-advice')).toContainText('tự gửi đơn trên biểu mẫu')
  await expect(page.getByTestId('slip-change')).toContainText('hãy đổi mã bí mật')
  await expect(page.getByTestId('slip-once')).toContainText('chỉ hiện MỘT LẦN')
  await expectAccessible(page, 'the slip on a phone')
  await expectNoHorizontalScroll(page, 'the slip on a phone')
  // The receipt is in the page's memory only.
  expect(await storageText(page)).not.toContain(receipt)
  expect(await storageText(page)).not.toContain(CITIZEN.name)

  // Printed, the page is the slip alone: no staff bar, no buttons.
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('staff-header')).toBeHidden()
  await expect(page.getByTestId('slip-print')).toBeHidden()
  await expect(page.getByTestId('slip-once')).toBeHidden()
  await expect(page.getByTestId('slip-receipt')).toBeVisible()
  await expect(page.getByTestId('slip-track-url')).toBeVisible()
  await page.emulateMedia({ media: 'screen' })
  // The print button opens the browser's print dialog (counted here instead).
  await page.evaluate(() => {
    const w = window as unknown as { printed: number }
    w.printed = 0
    window.print = () => {
      w.printed++
    }
  })
  await page.getByTestId('slip-print').click()
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)

  // The signed proof of filing, fetched with the staff token: a PDF that verifies for this code.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('slip-proof').click()])
  expect(download.suggestedFilename()).toBe(`minh-bach-giay-xac-nhan-${code}.pdf`)
  const pdf = await readFile((await download.path())!)
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  await expect(page.getByTestId('slip-proof-done')).toContainText(code)
  const verified = await request.post('/api/v1/receipts/verify', { headers: { 'Content-Type': 'application/pdf' }, data: pdf })
  expect(verified.status()).toBe(200)
  expect(await verified.json()).toMatchObject({ valid: true, trackingCode: code })
  expect(pdf.toString('latin1')).not.toContain(receipt)

  // ---- The citizen, in a browser of their own, follows the report with the slip's two codes.
  const citizen = await browser.newContext({ baseURL, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', viewport: PHONE })
  const cpage = await citizen.newPage()
  const citizenProblems: string[] = []
  cpage.on('console', (m) => {
    if (m.type() === 'error') citizenProblems.push(m.text())
  })
  cpage.on('pageerror', (e) => citizenProblems.push(e.message))
  await cpage.goto('/track')
  await cpage.getByLabel('Mã theo dõi').fill(code)
  await cpage.getByLabel('Mã bí mật').fill(receipt)
  await cpage.getByTestId('track-open').click()
  await expect(cpage.getByTestId('tracked-code')).toHaveText(code)
  await expect(cpage.getByTestId('tracked-title')).toHaveText(TITLE)
  await expect(cpage.getByTestId('tracked-kind')).toHaveText('Tố cáo')
  await expect(cpage.getByTestId('tracked-status')).toHaveText('Đã tiếp nhận')
  // Filed by staff, never said by whom.
  expect(await cpage.locator('main').innerText()).not.toContain(INSPECTOR.name)
  // The official saw the slip's receipt: the citizen replaces it. The old
  // receipt stops working; the new one, shown once, opens the report.
  await cpage.getByTestId('receipt-change-open').click()
  await cpage.getByTestId('receipt-change-confirm').click()
  await expect(cpage.getByTestId('receipt-new')).toHaveText(/^\d{4}-\d{4}-\d{4}-\d{4}$/)
  const newReceipt = (await cpage.getByTestId('receipt-new').textContent())!.trim()
  expect(newReceipt).not.toBe(receipt)
  await expect(cpage.getByTestId('timeline-item').last()).toContainText('Đổi mã bí mật')
  await expectAccessible(cpage, 'the citizen’s page with the new receipt')
  await cpage.getByTestId('track-logout').click()
  await cpage.getByLabel('Mã theo dõi').fill(code)
  await cpage.getByLabel('Mã bí mật').fill(receipt)
  await cpage.getByTestId('track-open').click()
  await expect(cpage.getByTestId('tracked-code')).toHaveCount(0)
  await expect(cpage.getByRole('alert').filter({ hasText: /mã/i }).first()).toBeVisible()
  await cpage.getByLabel('Mã bí mật').fill(newReceipt)
  await cpage.getByTestId('track-open').click()
  await expect(cpage.getByTestId('tracked-code')).toHaveText(code)
  expect(citizenProblems.filter((p) => !p.includes('401'))).toEqual([])
  await citizen.close()

  // The slip was printed: leaving it asks nothing, and forgets it.
  await signOut(page)

  // ---- The lead, on a desktop: the queue marks the channel; the report names it and who took it.
  await page.setViewportSize(DESKTOP)
  await signIn(page, LEAD.email, PASSWORD)
  await expect(page.getByTestId('login-enrol')).toBeVisible()
  await enrolOnPage(page, new Set())
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await expect(page.getByTestId('staff-nav-intake')).toBeVisible()
  const leadRow = page.getByTestId('queue-row').filter({ hasText: code })
  await expect(leadRow.getByTestId('queue-channel')).toHaveText(`Kênh: ${CHANNEL}`)
  await leadRow.getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('case-channel')).toHaveText(CHANNEL)
  await expect(page.getByTestId('case-filed-by')).toHaveText(INSPECTOR.name)
  await expect(page.getByTestId('case-identity')).toContainText('Có danh tính')
  await expectAccessible(page, 'the lead’s report page with its channel')
  await signOut(page)

  // ---- The monitor, on a phone: the channel, never the identity; no intake.
  await page.setViewportSize(PHONE)
  await signIn(page, MONITOR.email, PASSWORD)
  await expect(page.getByTestId('queue-read-only')).toBeVisible()
  const monitorRow = page.getByTestId('queue-row').filter({ hasText: code })
  await expect(monitorRow.getByTestId('queue-channel')).toHaveText(`Kênh: ${CHANNEL}`)
  await monitorRow.getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('case-channel')).toHaveText(CHANNEL)
  await expect(page.getByTestId('case-filed-by')).toHaveText(INSPECTOR.name)
  await expect(page.getByTestId('case-identity')).toContainText('Có danh tính')
  const shown = await page.locator('main').innerText()
  for (const secret of [CITIZEN.name, CITIZEN.phone, '654 321', CITIZEN.nationalId, receipt]) expect(shown).not.toContain(secret)
  await expectAccessible(page, 'the monitor’s report page on a phone')
  await expectNoHorizontalScroll(page, 'the monitor’s report page on a phone')
  await page.getByTestId('staff-menu-toggle').click()
  await expect(page.getByTestId('staff-nav-intake')).toHaveCount(0)
  await page.goto('/staff/intake')
  await expect(page).toHaveURL(/\/staff\/forbidden/)
})
