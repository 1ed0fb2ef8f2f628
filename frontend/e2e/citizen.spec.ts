import { test as base, expect, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'

// Every page load is watched: any console error, uncaught exception or
// Content-Security-Policy violation fails the test.
const test = base.extend<{ problems: string[] }>({
  problems: [
    async ({ page }, use) => {
      const problems: string[] = []
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`)
      })
      page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`))
      await page.exposeBinding('__reportCSPViolation', (_src, v: string) => {
        problems.push(`CSP violation: ${v}`)
      })
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const report = (window as unknown as { __reportCSPViolation: (v: string) => void }).__reportCSPViolation
          void report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)
        })
      })
      await use(problems)
      expect(problems, 'console errors, exceptions or CSP violations').toEqual([])
    },
    { auto: true },
  ],
})

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(serious, 'serious or critical accessibility violations').toEqual([])
}

test('a citizen switches to English and files an anonymous report', async ({ page }) => {
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
  await expect(page).toHaveTitle(/Trang chủ · Minh Bạch/)
  await expectAccessible(page)

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

  // The form, with kinds and categories from /api/v1/meta.
  await page.getByTestId('cta-report').click()
  await expect(page).toHaveURL(/\/report$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('File a report')
  await expect(page.getByTestId('kind-feedback')).toBeVisible()
  await expectAccessible(page)

  await page.getByTestId('kind-feedback').check()
  const category = page.getByTestId('category')
  const firstCategory = await category.locator('option:not([disabled])').first().getAttribute('value')
  expect(firstCategory).toBeTruthy()
  await category.selectOption(firstCategory!)
  await page.getByLabel('Title').fill('Asked for a “fee” to accept my dossier')
  await page.getByLabel('Description').fill('At counter 3 the official said the dossier would “get lost” unless I paid 500,000 VND.')
  await expect(page.getByTestId('description-counter')).toContainText('of 10000 characters used')
  await page.getByTestId('place').fill('Public administrative service centre, District 1')
  await page.getByTestId('office').fill('Ward People’s Committee')
  await page.getByTestId('anonymous-yes').check()
  await expect(page.getByTestId('identity')).toHaveCount(0)
  await page.getByTestId('submit').click()

  // The receipt: shown once, with the warning in both languages.
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await expect(page.getByTestId('receipt')).toHaveText(/^\d{4}-\d{4}-\d{4}-\d{4}$/)
  await expect(page.getByText('The receipt is shown ONLY ONCE.', { exact: false })).toBeVisible()
  await expect(page.getByText('Mã biên nhận chỉ hiển thị MỘT LẦN.', { exact: false })).toBeVisible()
  await expect(page.getByTestId('print')).toBeVisible()
  await expect(page.getByTestId('copy')).toBeVisible()
  await expectAccessible(page)
})

test('an unknown path shows the not-found page', async ({ page }) => {
  await page.goto('/no/such/page')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không tìm thấy trang')
  await page.getByRole('link', { name: 'Về trang chủ' }).click()
  await expect(page).toHaveURL(/\/$/)
})
