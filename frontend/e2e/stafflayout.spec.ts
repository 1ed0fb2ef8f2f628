import { expect, type Locator, type Page } from '@playwright/test'
import { adminCreator, enrolOnPage, freshTotp, openStaffMenu, setOwnPassword, signIn, signOut } from './staffHelpers'
import { expectAccessible, watchedTest } from './watch'

// The staff pages as a work tool (issue 11): at 1366 px the report's files
// and the admin audit log fit the page (no box that scrolls sideways), the
// report's actions stay in reach and focus stays where the person works; on
// a 360 px phone the staff bar is compact, with the menu behind a button,
// and tables are cards with the deadline first. In Vietnamese and English,
// axe clean.
//
// The admin is layout-admin@e2e.test, created by playwright.config.ts for
// this spec only; the unit, routing rule (bribery in Cần Giờ) and inspector
// are this spec's own.

// 401s of /api/v1/auth/* (no refresh cookie yet) are the protocol, logged by Chromium as console errors.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'layout-admin@e2e.test', password: 'Bố-cục-màn-hình-rộng-2026!' }
const ADMIN_NAME = 'Quản trị bố cục'
const TEMP = 'Tạm-thời-bố-cục-2026'
const PASSWORD = 'Mật-khẩu-bố-cục-rộng-2026'
const INSPECTOR = { email: 'thanh-tra@layout.e2e.test', name: 'Phan Văn Bố Cục', role: 'inspector' }
const PROVINCE = '79'
const COMMUNE = '27673' // Xã Cần Giờ
const CATEGORY = 'bribe'
const UNIT = { vi: 'Thanh tra xã Cần Giờ (bố cục)', en: 'Can Gio Commune Inspectorate (layout)' }
const TITLE = 'Cán bộ địa chính đòi tiền để đo đạc thửa đất'
const FILE = 'bien-ban-lam-viec-voi-can-bo-dia-chinh-xa-can-gio-ngay-12-thang-11.pdf'
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' + 'trailer<</Root 1 0 R>>\n%%EOF\n',
)

/** expectNotCutOff fails when a box scrolls sideways (its content is wider than it), or the page does. */
async function expectNotCutOff(page: Page, box: Locator, where: string) {
  const { scroll, client } = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
  expect(scroll, `${where}: content ${scroll} px in a box of ${client} px`).toBeLessThanOrEqual(client)
  const page_ = await page.evaluate(() => {
    // The elements that stick out, to say what widens the page.
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}#${el.id}`)
    return { scroll: document.scrollingElement!.scrollWidth, width: window.innerWidth, wide }
  })
  expect(page_.scroll, `${where}: the page scrolls sideways (${page_.wide.join(', ')})`).toBeLessThanOrEqual(page_.width)
}

/** rowDisplay is how the first row of a table box is laid out: "table-row" as a table, "flex" as a card. */
async function rowDisplay(box: Locator): Promise<string> {
  return box.locator('tbody tr').first().evaluate((el) => getComputedStyle(el).display)
}

async function fileReport(page: Page): Promise<string> {
  await page.goto('/report')
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 2 trên 5')
  await page.getByTestId('category').selectOption(CATEGORY)
  await page.getByLabel('Tiêu đề').fill(TITLE)
  await page.getByLabel('Nội dung').fill('Ngày 12/11, cán bộ địa chính xã yêu cầu tôi nộp 2 triệu đồng ngoài lệ phí để đo đạc thửa đất.')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 3 trên 5')
  await page.getByTestId('province').selectOption(PROVINCE)
  await page.getByTestId('commune').selectOption(COMMUNE)
  await page.getByTestId('place').fill('Bộ phận một cửa')
  await page.getByTestId('office').fill('UBND xã Cần Giờ')
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-heading')).toContainText('Bước 4 trên 5')
  await page.getByLabel('Chọn tệp').setInputFiles([{ name: FILE, mimeType: 'application/pdf', buffer: PDF }])
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

test('staff pages fit a 1366 px screen and a 360 px phone, keep actions in reach and focus in place', async ({ page, request }) => {
  test.setTimeout(240_000)
  let adminSecret = ''
  const create = await adminCreator(request, ADMIN, (s) => (adminSecret = s))
  const used = new Set<number>([Math.floor(Date.now() / 30_000)]) // the step the enrolment used
  const unit = await create('units', { code: 'tt-can-gio-layout', name: UNIT, type: 'inspection', areaCodes: [COMMUNE] })
  const front = await create('units', {
    code: 'mttq-can-gio-layout',
    name: { vi: 'Ủy ban MTTQ xã Cần Giờ (bố cục)', en: 'Can Gio Commune Front Committee (layout)' },
    type: 'front',
    areaCodes: [COMMUNE],
  })
  await create('routing-rules', { category: CATEGORY, areaCode: COMMUNE, inspectionUnitId: unit.id, frontUnitId: front.id, note: 'layout' })
  await create('users', { ...INSPECTOR, unitId: unit.id, password: TEMP })
  await setOwnPassword(request, INSPECTOR.email, TEMP, PASSWORD)

  await page.setViewportSize({ width: 1366, height: 768 })
  const code = await fileReport(page)

  // ---- The inspector, on a 1366 px screen.
  await page.getByTestId('staff-signin-link').click()
  await signIn(page, INSPECTOR.email, PASSWORD)
  const queue = page.getByRole('heading', { level: 1, name: 'Hàng đợi phản ánh' })
  const enrol = page.getByTestId('login-enrol')
  await expect(enrol.or(queue)).toBeVisible()
  if (await enrol.isVisible()) await enrolOnPage(page, used)
  await expect(queue).toBeVisible()
  // The staff bar: no citizens' navigation.
  await expect(page.getByTestId('staff-header')).toBeVisible()
  await expect(page.getByTestId('nav-track')).toHaveCount(0)
  await expect(page.getByTestId('staff-nav-queue')).toBeVisible()
  const queueBox = page.locator('.table-wrap').filter({ has: page.getByTestId('queue-table') })
  expect(await rowDisplay(queueBox)).toBe('table-row')
  await expectNotCutOff(page, queueBox, 'the queue at 1366 px')

  await page.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  const files = page.locator('[aria-labelledby="attachments-caption"]')
  // Staff see the server's neutral file name; the citizen's name needs an identity grant.
  await expect(files.getByTestId('case-attachment')).toContainText('bang-chung-1.pdf')
  await expect(files.getByTestId('case-attachment')).toContainText('Tài liệu PDF')
  expect(await rowDisplay(files)).toBe('table-row')
  await expectNotCutOff(page, files, 'the report’s files at 1366 px')
  await expectAccessible(page, 'the report at 1366 px')

  // The actions stay in reach at the bottom of the page, and focus stays on the button used.
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight))
  await expect(page.getByTestId('case-side')).toBeInViewport({ ratio: 0.6 })
  const noteForm = page.getByTestId('case-note-form')
  await noteForm.getByLabel('Ghi chú (chỉ cán bộ thấy)').fill('Đã gọi điện cho UBND xã để xác minh.')
  const send = noteForm.getByRole('button', { name: 'Lưu ghi chú' })
  await expect(send).toBeInViewport()
  const before = await page.evaluate(() => window.scrollY)
  expect(before).toBeGreaterThan(0)
  await send.click()
  await expect(page.getByTestId('case-status')).toHaveText('Đã lưu ghi chú.')
  await expect(page.getByTestId('case-status')).toBeInViewport()
  await expect(send).toBeFocused()
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(before / 2)
  await expect(page.getByText('Đã gọi điện cho UBND xã để xác minh.')).toHaveCount(1)

  // In English too. Clicking the language button scrolled the page up to the
  // staff bar, which in English at 1366 px takes two rows since the menu
  // gained "Take a report" (a lead's always did): back down to the actions.
  await page.getByTestId('lang-en').click()
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight))
  await expect(page.getByTestId('case-side')).toBeInViewport({ ratio: 0.6 })
  await expectNotCutOff(page, files, 'the report’s files at 1366 px in English')
  await expectAccessible(page, 'the report at 1366 px in English')
  await page.getByTestId('lang-vi').click()

  // ---- The same inspector on a 360 px phone.
  await page.setViewportSize({ width: 360, height: 800 })
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Phản ánh ${code}`)
  const header = await page.getByTestId('staff-header').boundingBox()
  expect(header!.height, 'the staff bar on a phone').toBeLessThan(800 * 0.12)
  await expect(page.getByTestId('staff-nav-queue')).toBeHidden()
  // Section links: "Xử lý" brings the actions and focus there.
  await page.getByTestId('case-jump-actions').click()
  await expect(page.locator('#actions-heading')).toBeFocused()
  await expect(page.locator('#actions-heading')).toBeInViewport()
  await expect(page.getByTestId('case-jump')).toBeInViewport()
  expect(await rowDisplay(files)).toBe('flex')
  await expectNotCutOff(page, files, 'the report’s files at 360 px')
  await expectAccessible(page, 'the report at 360 px')

  // The menu opens from its button and closes with Escape, back on the button.
  const toggle = page.getByTestId('staff-menu-toggle')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByTestId('staff-nav-queue')).toBeVisible()
  await expectAccessible(page, 'the staff menu open on a phone')
  await page.keyboard.press('Escape')
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(toggle).toBeFocused()
  await toggle.click()
  await page.getByTestId('staff-nav-queue').click()
  await expect(queue).toBeVisible()
  await expect(page.getByTestId('staff-nav-queue')).toBeHidden()

  // The queue as cards, the deadline first.
  const row = page.getByTestId('queue-row').filter({ hasText: code })
  expect(await rowDisplay(queueBox)).toBe('flex')
  const due = await row.getByTestId('queue-due').boundingBox()
  const codeCell = await row.locator('td').first().boundingBox()
  expect(due!.y, 'the deadline comes first on the card').toBeLessThan(codeCell!.y)
  await expect(row.getByTestId('queue-due')).toHaveAttribute('data-label', 'Hạn xử lý')
  await expectNotCutOff(page, queueBox, 'the queue at 360 px')
  await expectAccessible(page, 'the queue at 360 px')
  // On a phone the languages are in the menu.
  await openStaffMenu(page)
  await page.getByTestId('lang-en').click()
  await expect(row.getByTestId('queue-due')).toHaveAttribute('data-label', 'Due')
  await expectAccessible(page, 'the queue at 360 px in English')
  await page.getByTestId('lang-vi').click()
  await signOut(page)

  // ---- The admin's audit log: names and words, not ids and codes.
  await page.setViewportSize({ width: 1366, height: 768 })
  await signIn(page, ADMIN.email, ADMIN.password)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('login-code').fill(await freshTotp(adminSecret, used))
  await page.getByTestId('login-verify').click()
  await expect(page).toHaveURL(/\/admin\/users$/)
  await page.goto('/admin/audit')
  const created = page.getByTestId('audit-row').filter({ hasText: UNIT.vi })
  await expect(created.getByTestId('audit-actor')).toHaveText(ADMIN_NAME)
  await expect(created.getByTestId('audit-action')).toHaveText('Tạo đơn vị')
  await expect(created.getByTestId('audit-target')).toHaveText(UNIT.vi)
  // What shows is words and names; ids stay under the closed "technical details".
  const shown = await page.getByTestId('audit-table').innerText()
  expect(shown).not.toContain('unit.create')
  expect(shown).not.toContain(unit.id)
  const account = page.getByTestId('audit-row').filter({ hasText: INSPECTOR.name })
  await expect(account.getByTestId('audit-action')).toHaveText('Tạo tài khoản')
  const audit = page.locator('[aria-labelledby="audit-caption"]')
  expect(await rowDisplay(audit)).toBe('table-row')
  await expectNotCutOff(page, audit, 'the audit log at 1366 px')
  await expectAccessible(page, 'the audit log at 1366 px')
  await page.getByTestId('lang-en').click()
  const createdEn = page.getByTestId('audit-row').filter({ hasText: UNIT.en })
  await expect(createdEn.getByTestId('audit-action')).toHaveText('Unit created')
  await expect(createdEn.getByTestId('audit-target')).toHaveText(UNIT.en)
  await expectNotCutOff(page, audit, 'the audit log at 1366 px in English')
  await expectAccessible(page, 'the audit log at 1366 px in English')

  await page.setViewportSize({ width: 360, height: 800 })
  expect(await rowDisplay(audit)).toBe('flex')
  await expectNotCutOff(page, audit, 'the audit log at 360 px')
  await expectAccessible(page, 'the audit log at 360 px in English')
  await openStaffMenu(page)
  await page.getByTestId('lang-vi').click()
  await signOut(page)
})
