import { expect } from '@playwright/test'
import { enrolOnPage, signIn, signOut, staffNav, totpAt } from './staffHelpers'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// The staff side against the real portal. playwright.config.ts bootstraps
// one admin (admin@e2e.test) with `portal admin create-user` before `serve`,
// with PORTAL_REQUIRE_2FA=true, so the admin must enrol TOTP at first
// sign-in. Everything else is created through the UI.

const ADMIN_EMAIL = 'admin@e2e.test'
const ADMIN_PASSWORD = 'Quản-trị-viên-2026!'
const INSPECTOR_EMAIL = 'thanh.tra@e2e.test'
const INSPECTOR_PASSWORD = 'Gió-mùa-đông-bắc-E2E-2026'
// The admin sets a temporary password; the inspector replaces it at first sign-in.
const INSPECTOR_TEMP = 'Tạm-thời-do-quản-trị-đặt-2026'
const UNIT_CODE = 'tt-e2e'
const UNIT_VI = 'Thanh tra E2E'
const UNIT_EN = 'E2E Inspectorate'

// Every page load is watched: console errors, uncaught exceptions and CSP
// violations fail the test. The one exception: 401 answers of /api/v1/auth/*,
// which the browser logs as failed resources although they are the protocol
// (no refresh cookie yet; "a code is required").
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

test('RFC 6238 test vector', () => {
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits) → 287082 (6 digits).
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' // base32 of "12345678901234567890"
  expect(totpAt(secret, Math.floor(59 / 30))).toBe('287082')
})

test('an admin sets up a unit and an inspector, who signs in, turns on two-step verification and sees the empty queue', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const adminSteps = new Set<number>()
  const inspectorSteps = new Set<number>()

  // ---- The sign-in page, reached from the footer.
  await page.goto('/')
  await page.getByTestId('staff-signin-link').click()
  await expect(page).toHaveURL(/\/staff\/login$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cán bộ đăng nhập')
  await expect(page).toHaveTitle(/Cán bộ đăng nhập · Minh Bạch/)
  await expectAccessible(page, 'the staff sign-in page')

  // Wrong password: one message whatever was wrong.
  await signIn(page, ADMIN_EMAIL, 'không-phải-mật-khẩu')
  await expect(page.getByTestId('login-error')).toHaveText('Thư điện tử hoặc mật khẩu không đúng.')

  // ---- The admin must enrol TOTP at first sign-in.
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD)
  await expect(page.getByTestId('login-enrol')).toBeVisible()
  await expectAccessible(page, 'the two-step enrolment')
  await enrolOnPage(page, adminSteps)
  await expect(page).toHaveURL(/\/admin\/users$/)
  await expect(page.getByTestId('staff-who')).toContainText('Quản trị E2E')
  await expect(page.getByTestId('users-table')).toContainText(ADMIN_EMAIL)
  await expectAccessible(page, 'admin: accounts')

  // ---- A unit, created in English.
  await page.getByTestId('lang-en').click()
  await page.getByTestId('admin-nav-units').click()
  await expect(page).toHaveURL(/\/admin\/units$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Units')
  await page.getByTestId('unit-new').click()
  // Inline validation first.
  await page.getByTestId('unit-save').click()
  await expect(page.getByTestId('error-unit-code')).toHaveText('This field is required.')
  await expect(page.getByTestId('error-unit-name-vi')).toHaveText('This field is required.')
  await expect(page.getByTestId('unit-code')).toBeFocused()
  await expectAccessible(page, 'admin: the unit form with errors')
  await page.getByTestId('unit-code').fill(UNIT_CODE)
  await page.getByTestId('unit-name-vi').fill(UNIT_VI)
  await page.getByTestId('unit-name-en').fill(UNIT_EN)
  await page.getByTestId('unit-type-inspection').check()
  const firstArea = page.locator('[data-testid^="unit-areaCodes-opt-"]').first()
  if ((await firstArea.count()) > 0) await firstArea.check()
  await page.getByTestId('unit-save').click()
  await expect(page.getByTestId('admin-status')).toHaveText(`The unit ${UNIT_CODE} was created.`)
  await expect(page.getByTestId('units-table')).toContainText(UNIT_EN)

  // ---- The other admin pages load and are accessible.
  for (const [nav, heading] of [
    ['areas', 'Areas'],
    ['categories', 'Categories of wrongdoing'],
    ['routing', 'Routing rules'],
    ['holidays', 'Holidays'],
    ['deadlines', 'Deadlines'],
    ['apiKeys', 'Open311 API keys'],
    ['audit', 'Administration log'],
  ] as const) {
    await page.getByTestId(`admin-nav-${nav}`).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading)
    await expect(page.getByText('The data could not be loaded.')).toHaveCount(0)
    await expectAccessible(page, `admin: ${nav}`)
  }
  await expect(page.getByTestId('audit-table')).toContainText(UNIT_CODE)

  // ---- The inspector's account, for that unit.
  await page.getByTestId('admin-nav-users').click()
  await page.getByTestId('user-new').click()
  await page.getByTestId('user-email').fill(INSPECTOR_EMAIL)
  await page.getByTestId('user-name').fill('Thanh tra viên E2E')
  await page.getByTestId('user-role').selectOption('inspector')
  await page.getByTestId('user-unit').selectOption({ label: `${UNIT_EN} (${UNIT_CODE})` })
  await page.getByTestId('user-password').fill('short')
  await page.getByTestId('user-save').click()
  await expect(page.getByTestId('error-user-password')).toHaveText('At least 12 characters.')
  await page.getByTestId('user-password').fill(INSPECTOR_TEMP)
  await page.getByTestId('user-save').click()
  await expect(page.getByTestId('admin-status')).toHaveText(`The account ${INSPECTOR_EMAIL} was created.`)
  const row = page.getByTestId('user-row').filter({ hasText: INSPECTOR_EMAIL })
  await expect(row).toContainText('Inspector')
  await expect(row).toContainText(UNIT_EN)
  await expectAccessible(page, 'admin: accounts with the new inspector')

  // The inspector may not open admin pages; the admin may not open the queue.
  await page.goto('/staff/queue')
  await expect(page.getByTestId('forbidden')).toBeVisible()
  await page.getByTestId('staff-nav-admin').click()
  await expect(page).toHaveURL(/\/admin\/users$/)

  await signOut(page)

  // ---- The inspector, on a phone, by keyboard.
  await page.setViewportSize({ width: 360, height: 740 })
  await page.getByTestId('login-email').focus()
  await page.keyboard.type(INSPECTOR_EMAIL)
  await page.keyboard.press('Tab')
  await page.keyboard.type(INSPECTOR_TEMP)
  await page.keyboard.press('Enter')

  // The password the admin set opens only the change to one of the inspector's own.
  await expect(page.getByTestId('login-password-change')).toBeVisible()
  await expectAccessible(page, 'the first sign-in: choose a password')
  await page.getByTestId('login-new-password').fill(INSPECTOR_PASSWORD)
  await page.getByTestId('login-new-again').fill(INSPECTOR_PASSWORD)
  await page.getByTestId('login-new-submit').click()

  // If the portal asks every role to enrol at sign-in, do it there; else voluntarily from Security.
  const enrolAtLogin = page.getByTestId('login-enrol')
  const queue = page.getByRole('heading', { level: 1, name: 'Report queue' })
  await expect(enrolAtLogin.or(queue)).toBeVisible()
  let recovery: string[]
  if (await enrolAtLogin.isVisible()) {
    recovery = await enrolOnPage(page, inspectorSteps)
  } else {
    await expectNoHorizontalScroll(page, 'the queue')
    await staffNav(page, 'security')
    await expect(page.getByTestId('totp-state')).toHaveText(/^Off/)
    await page.getByTestId('totp-start').click()
    // Enrolling asks for the password again.
    await page.getByTestId('totp-password').fill(INSPECTOR_PASSWORD)
    await page.getByTestId('totp-password-submit').click()
    recovery = await enrolOnPage(page, inspectorSteps)
    await expect(page.getByTestId('security-status')).toHaveText('Two-step verification is on.')
    await expect(page.getByTestId('totp-state')).toHaveText(/^On/)
    await expectNoHorizontalScroll(page, 'the security page')
    await staffNav(page, 'queue')
  }
  expect(new Set(recovery).size).toBe(10)

  // The empty queue names the unit.
  await expect(queue).toBeVisible()
  // The portal names the unit in one language or the other.
  await expect(page.getByTestId('queue-empty')).toHaveText(new RegExp(`^No reports routed to (${UNIT_VI}|${UNIT_EN}) yet\\.$`))
  await expect(page.getByTestId('staff-nav')).not.toContainText('Administration')
  await expectNoHorizontalScroll(page, 'the empty queue')
  await expectAccessible(page, 'the empty queue')
  await signOut(page)

  // ---- Now the second step is asked for; a recovery code works once.
  await signIn(page, INSPECTOR_EMAIL, INSPECTOR_PASSWORD)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await expect(page.getByTestId('login-code')).toBeFocused()
  await expectAccessible(page, 'the second sign-in step')
  await page.getByTestId('login-toggle-recovery').click()
  await page.getByTestId('login-code').fill(recovery[0]!)
  await page.getByTestId('login-verify').click()
  await expect(queue).toBeVisible()

  // A reload keeps the inspector signed in (the refresh cookie), with the token in memory only.
  await page.reload()
  await expect(queue).toBeVisible()
  await expect(page.getByTestId('staff-who')).toContainText('Thanh tra viên E2E')
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)
  expect(stored).not.toMatch(/eyJ|Bearer/)
  await signOut(page)

  // Signed out means signed out: the queue asks for sign-in again.
  await page.goto('/staff/queue')
  await expect(page).toHaveURL(/\/staff\/login\?redirect=/)
})
