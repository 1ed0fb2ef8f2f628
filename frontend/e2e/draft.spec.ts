import { expect, type Dialog, type Page } from '@playwright/test'
import { expectAccessible, watchedTest } from './watch'

// A stray tap must not lose a citizen's typing: leaving the report form with
// unsent input asks first, the tab keeps the answers while the citizen visits
// another page, and an opt-in device draft survives a reload without ever
// storing identity or files.
const test = watchedTest()

const TITLE = 'Cán bộ địa chính đòi tiền để chuyển hồ sơ'
const DESCRIPTION = 'Mười phút gõ trên điện thoại: cán bộ quầy 3 đòi 500.000 đồng mới nhận hồ sơ.'
const NAME = 'Trần Thị Bích Ngọc'
const PHONE = '0987 654 321'
const EMAIL = 'ngoc.draft@example.vn'

/** nextDialog answers the next dialog (accept or dismiss) and resolves with its message. */
function nextDialog(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (d: Dialog) => {
      resolve(d.message())
      void (accept ? d.accept() : d.dismiss())
    })
  })
}

async function fillWhat(page: Page) {
  await page.goto('/report')
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  const category = page.getByTestId('category')
  await category.selectOption((await category.locator('option:not([disabled])').last().getAttribute('value'))!)
  await page.getByTestId('title').fill(TITLE)
  await page.getByTestId('description').fill(DESCRIPTION)
}

test('leaving the form with unsent input asks first, and the tab keeps what was typed', async ({ page }) => {
  await fillWhat(page)

  // A header link: the citizen is asked, and staying keeps everything.
  let asked = nextDialog(page, false)
  await page.getByRole('navigation').getByRole('link', { name: 'Theo dõi phản ánh' }).click()
  expect(await asked).toContain('Phản ánh chưa được gửi')
  await expect(page).toHaveURL(/\/report$/)
  await expect(page.getByTestId('title')).toHaveValue(TITLE)

  // Leaving anyway, then coming back: the same answers on the same step.
  asked = nextDialog(page, true)
  await page.getByRole('navigation').getByRole('link', { name: 'Theo dõi phản ánh' }).click()
  await asked
  await expect(page).toHaveURL(/\/track$/)
  await page.getByRole('navigation').getByRole('link', { name: 'Gửi phản ánh' }).click()
  await expect(page).toHaveURL(/\/report$/)
  await expect(page.getByTestId('title')).toHaveValue(TITLE)
  await expect(page.getByTestId('description')).toHaveValue(DESCRIPTION)

  // The browser's Back button is guarded the same way.
  asked = nextDialog(page, false)
  await page.goBack()
  await asked
  await expect(page).toHaveURL(/\/report$/)
  await expect(page.getByTestId('title')).toHaveValue(TITLE)

  // Nothing was written to the device without the opt-in.
  expect(await page.evaluate(() => localStorage.length)).toBe(0)
})

test('the opt-in device draft survives a reload without identity, and unticking deletes it', async ({ page }) => {
  await fillWhat(page)
  await expect(page.getByTestId('keep-draft')).not.toBeChecked()
  await expect(page.getByTestId('draft-box')).toContainText('máy dùng chung')
  await page.getByLabel('Giữ bản nháp trên thiết bị này').check()
  await expectAccessible(page, 'the form with the draft option')

  await page.getByTestId('next').click()
  await page.getByTestId('province').selectOption('79')
  await page.getByTestId('next').click()
  await page.getByTestId('next').click()
  await page.getByTestId('identity-name').fill(NAME)
  await page.getByTestId('identity-phone').fill(PHONE)
  await page.getByTestId('identity-email').fill(EMAIL)

  const stored = () => page.evaluate(() => JSON.stringify({ ...localStorage }))
  await expect.poll(stored).toContain(TITLE)
  const saved = await stored()
  for (const v of [NAME, PHONE, EMAIL]) expect(saved).not.toContain(v)

  // A reload (the tab's memory is gone): the answers come back, identity does not.
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.type())
    void d.accept()
  })
  await page.reload()
  // The reload was guarded too (identity is lost with it).
  expect(dialogs).toContain('beforeunload')
  await expect(page.getByTestId('draft-restored')).toBeVisible()
  await expect(page.getByTestId('keep-draft')).toBeChecked()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('step-identity')).toBeVisible()
  await expect(page.getByTestId('identity-name')).toHaveValue('')
  await expect(page.getByTestId('identity-phone')).toHaveValue('')
  await expect(page.getByTestId('identity-email')).toHaveValue('')
  await page.getByTestId('back').click()
  await page.getByTestId('back').click()
  await page.getByTestId('back').click()
  await expect(page.getByTestId('title')).toHaveValue(TITLE)
  await expect(page.getByTestId('description')).toHaveValue(DESCRIPTION)
  await expectAccessible(page, 'the restored draft')

  // Unticking deletes the stored draft at once.
  await page.getByTestId('keep-draft').uncheck()
  expect(await stored()).not.toContain(TITLE)
  expect(await page.evaluate(() => localStorage.length)).toBe(0)
  await page.reload()
  await expect(page.getByTestId('kind-feedback')).toBeVisible()
  await expect(page.getByTestId('draft-restored')).toHaveCount(0)
})

test('a filed report leaves no draft behind', async ({ page }) => {
  await fillWhat(page)
  await page.getByTestId('keep-draft').check()
  await page.getByTestId('next').click()
  await page.getByTestId('province').selectOption('79')
  await page.getByTestId('next').click()
  await page.getByTestId('next').click()
  await page.getByTestId('anonymous-yes').check()
  await expect.poll(() => page.evaluate(() => JSON.stringify({ ...localStorage }))).toContain(TITLE)
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('receipt')).toBeVisible()
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(TITLE)
  await page.getByTestId('save-card').click()
  await page.getByTestId('saved').check()
  // No leave warning for the sent form; the next form starts empty.
  await page.getByRole('navigation').getByRole('link', { name: 'Trang chủ' }).click()
  await expect(page).toHaveURL(/\/$/)
  await page.getByRole('navigation').getByRole('link', { name: 'Gửi phản ánh' }).click()
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  await expect(page.getByTestId('title')).toHaveValue('')
})
