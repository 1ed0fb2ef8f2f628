import { expect, type APIRequestContext } from '@playwright/test'
import { custodyTeam, enrolOnPage, freshTotp, signIn, signOut, staffNav, type StaffSpec } from './staffHelpers'
import { expectAccessible, watchedTest } from './watch'

// Identity custody, in the browser, against the real portal: a citizen
// files a named complaint; an inspector of the unit asks to see who filed
// it; a lead of the unit (another person) approves; the inspector opens the
// report from the custody list and reads the identity in the confidential
// panel, with the time left on the grant.
//
// Separation of duties: accounts an admin creates are in a cooling period
// (no custody) for PORTAL_COOLING_PERIOD, which playwright.config.ts sets
// to one minute for the e2e server, so this spec waits for it to end; and
// with PORTAL_REQUIRE_2FA both people need a second factor (the lead enrols
// on the page at first sign-in, the inspector through the API here).
//
// The admin is custody-admin@e2e.test, created by playwright.config.ts for
// this spec only.

// 401s of /api/v1/auth/* (no refresh cookie yet) are the protocol, logged by Chromium as console errors.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'custody-admin@e2e.test', password: 'Sông-Hồng-mùa-lũ-về-2026!' }
const PASSWORD = 'Mật-khẩu-giữ-danh-tính-2026'
const TEMP = 'Tạm-thời-giữ-danh-tính-2026'
const INSPECTOR: StaffSpec = { email: 'thanh-tra@custody.e2e.test', name: 'Đỗ Thanh Tra', role: 'inspector' }
const LEAD: StaffSpec = { email: 'lanh-dao@custody.e2e.test', name: 'Ngô Lãnh Đạo', role: 'lead' }

// Phường Sài Gòn, Thành phố Hồ Chí Minh; an official's misconduct.
const PROVINCE = '79'
const COMMUNE = '26734'
const CATEGORY = 'misconduct'
const UNIT = 'Thanh tra phường Sài Gòn (danh tính)'

const CITIZEN = { name: 'Hoàng Thị Lan', phone: '0987 654 321', email: 'lan.hoang@example.org' }
const TITLE = 'Cán bộ tiếp dân quát mắng, không nhận đơn'
const REASON = 'Cần gọi điện cho người phản ánh để hẹn buổi đối chất.'

/** setUp creates the unit, its routing rule and the two staff (staffHelpers.custodyTeam). */
function setUp(request: APIRequestContext) {
  return custodyTeam(request, {
    admin: ADMIN,
    unit: { code: 'tt-sai-gon-custody', vi: UNIT, en: 'Sai Gon Ward Inspectorate (custody)' },
    front: { code: 'mttq-sai-gon-custody', vi: 'Ủy ban MTTQ phường Sài Gòn (danh tính)', en: 'Sai Gon Ward Front Committee (custody)' },
    category: CATEGORY,
    areaCode: COMMUNE,
    inspector: INSPECTOR,
    lead: LEAD,
    temporary: TEMP,
    password: PASSWORD,
  })
}

test('an inspector asks for the identity, another person (a lead) approves, and the inspector reads it from the custody list', async ({ page, request }) => {
  test.setTimeout(240_000)
  const { coolUntil, inspectorSecret } = await setUp(request)
  const used = new Set<number>()
  used.add(Math.floor(Date.now() / 30_000)) // the step the enrolment used

  // ---- A citizen files a named complaint.
  await page.goto('/report')
  await page.getByTestId('kind-complaint').check()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 2 trên 5')
  await page.getByTestId('category').selectOption(CATEGORY)
  await page.getByLabel('Tiêu đề').fill(TITLE)
  await page.getByLabel('Nội dung').fill('Sáng 12/11, cán bộ tiếp dân quát mắng tôi và từ chối nhận đơn mà không nêu lý do.')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 3 trên 5')
  await page.getByTestId('province').selectOption(PROVINCE)
  await page.getByTestId('commune').selectOption(COMMUNE)
  await page.getByTestId('place').fill('Bộ phận tiếp công dân')
  await page.getByTestId('office').fill('UBND phường Sài Gòn')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 4 trên 5')
  await page.getByTestId('next').click() // no evidence
  await expect(page.getByTestId('step-heading')).toContainText('Bước 5 trên 5')
  await page.getByTestId('identity-name').fill(CITIZEN.name)
  await page.getByTestId('identity-phone').fill(CITIZEN.phone)
  await page.getByTestId('identity-email').fill(CITIZEN.email)
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  const code = (await page.getByTestId('tracking-code').textContent())!.trim()
  await page.getByTestId('save-card').click() // the secret card: both codes, kept by the citizen
  await page.getByTestId('saved').check()
  await page.getByTestId('continue').click()
  await expect(page).toHaveURL(/\/$/)

  // ---- The lead enrols two-step sign-in at first sign-in (PORTAL_REQUIRE_2FA), and signs out.
  await page.getByTestId('staff-signin-link').click()
  await signIn(page, LEAD.email, PASSWORD)
  await expect(page.getByTestId('login-enrol')).toBeVisible()
  const recovery = await enrolOnPage(page, used)
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await signOut(page)

  // Both accounts are new: they take no part in custody until their cooling period ends.
  await page.waitForTimeout(Math.max(0, coolUntil - Date.now()))

  // ---- The inspector opens the report from the unit's queue and asks to see the identity.
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('login-code').fill(await freshTotp(inspectorSecret, used))
  await page.getByTestId('login-verify').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await page.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  await expect(page.getByTestId('identity-panel')).toHaveCount(0)
  const form = page.getByTestId('case-custody-form')
  await form.getByLabel('Lý do cần xem danh tính').fill(REASON)
  await form.getByRole('button', { name: 'Gửi yêu cầu' }).click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã gửi yêu cầu xem danh tính.')
  await expect(page.getByTestId('identity-panel')).toHaveCount(0)
  await signOut(page)

  // ---- The lead (another person) approves it on the custody page, with the recovery code (the authenticator's step may be spent).
  await signIn(page, LEAD.email, PASSWORD)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('login-toggle-recovery').click()
  await page.getByTestId('login-code').fill(recovery[0]!)
  await page.getByTestId('login-verify').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await staffNav(page, 'custody')
  const pending = page.getByTestId('custody-pending').filter({ hasText: code })
  await expect(pending).toContainText(REASON)
  await pending.getByTestId('custody-approve').click()
  await expect(page.getByTestId('custody-status')).toHaveText(`Đã duyệt yêu cầu cho phản ánh ${code}.`)
  await signOut(page)

  // ---- The inspector opens the report from the custody list and reads the identity.
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('login-code').fill(await freshTotp(inspectorSecret, used))
  await page.getByTestId('login-verify').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })).toBeVisible()
  await staffNav(page, 'custody')
  const row = page.getByTestId('custody-row').filter({ hasText: code })
  await expect(row).toContainText('Đã duyệt')
  await row.getByRole('link', { name: `Mở phản ánh ${code}` }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  const panel = page.getByTestId('identity-panel')
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('Danh tính người phản ánh — bảo mật')
  // The grant lasts CustodyTTL from the approval: some hours and minutes are left.
  await expect(page.getByTestId('identity-time-left')).toHaveText(/^Quyền xem còn \d+ giờ \d{2} phút \(hết hạn .+\)\.$/)
  await expect(panel).toContainText('được ghi vào nhật ký')
  await expect(panel).not.toContainText(CITIZEN.name)
  await expectAccessible(page, 'the identity panel, identity hidden')
  await page.getByTestId('identity-reveal').click()
  await expect(page.getByTestId('identity-name')).toHaveText(CITIZEN.name)
  await expect(page.getByTestId('identity-phone')).toHaveText(CITIZEN.phone)
  await expect(page.getByTestId('identity-email')).toHaveText(CITIZEN.email)
  await expectAccessible(page, 'the identity panel, identity shown')
  await page.getByTestId('identity-hide').click()
  await expect(panel).not.toContainText(CITIZEN.name)
  // The reading is on the report's record.
  await page.reload()
  const read = page.getByTestId('case-event').filter({ has: page.locator('strong', { hasText: /^Xem danh tính$/ }) })
  await expect(read).toHaveCount(1)
  await expect(read).toContainText('— bạn')
})
