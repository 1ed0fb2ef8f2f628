import { expect } from '@playwright/test'
import { enrolOnPage, signIn } from './staffHelpers'
import { expectAccessible, watchedTest } from './watch'
import { fileAnonymousFeedback } from './citizenHelpers'

// A field's error, and its aria-invalid, go as soon as the field is right
// (frontend/src/liveErrors.ts): in a citizen's form (the message on the
// tracking page) and an admin's (a new account). The spec files its own
// anonymous report and uses its own admin, forms-admin@e2e.test, which
// playwright.config.ts creates; it saves nothing else.

// A 401 of /api/v1/auth/* is the protocol before the first sign-in.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'forms-admin@e2e.test', password: 'Biểu-mẫu-sửa-lỗi-ngay-2026!' }

test('the citizen’s message: the error goes as soon as the text is written', async ({ page }) => {
  const { code, receipt } = await fileAnonymousFeedback(page, 'Biểu mẫu sửa lỗi ngay', 'Cán bộ hẹn lại nhiều lần mà không nêu lý do.')

  await page.goto('/track')
  await page.getByLabel('Mã theo dõi').fill(code)
  await page.getByLabel('Mã bí mật').fill(receipt)
  await page.getByTestId('track-open').click()
  const form = page.getByTestId('message-form')
  await expect(form).toBeVisible()
  const text = page.getByTestId('message-text')
  await form.getByRole('button', { name: 'Gửi tin nhắn' }).click()
  await expect(page.getByTestId('error-msg-text')).toHaveText('Mục này là bắt buộc.')
  await expect(text).toHaveAttribute('aria-invalid', 'true')
  await expectAccessible(page, 'the message form with an error')

  await text.fill('Tôi xin bổ sung thông tin')
  await expect(page.getByTestId('error-msg-text')).toHaveCount(0)
  await expect(text).not.toHaveAttribute('aria-invalid', /.*/)
  await expectAccessible(page, 'the message form once corrected')
})

test('an admin’s new account: the password’s error goes as soon as the password is long enough', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 780 })
  await page.goto('/staff/login')
  await signIn(page, ADMIN.email, ADMIN.password)
  await enrolOnPage(page, new Set())
  await page.goto('/admin/users')
  await page.getByTestId('user-new').click()
  await page.getByTestId('user-email').fill('bieu-mau@e2e.test')
  await page.getByTestId('user-name').fill('Người thử biểu mẫu')
  await page.getByTestId('user-role').selectOption('monitor')
  const password = page.getByTestId('user-password')
  await password.fill('ngắn')
  await page.getByTestId('user-save').click()
  await expect(page.getByTestId('error-user-password')).toBeVisible()
  await expect(password).toHaveAttribute('aria-invalid', 'true')
  await expectAccessible(page, 'admin: a new account with an error')

  await password.fill('Một-mật-khẩu-đủ-dài-2026')
  await expect(page.getByTestId('error-user-password')).toHaveCount(0)
  await expect(password).not.toHaveAttribute('aria-invalid', /.*/)
})
