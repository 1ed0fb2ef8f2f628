import { expect, type Page } from '@playwright/test'

/**
 * fileAnonymousFeedback files an anonymous feedback through the form, in
 * the form's current language, with the first category, in province 79 and
 * without evidence, and returns the receipt screen's tracking code and
 * secret code.
 */
export async function fileAnonymousFeedback(page: Page, title: string, description: string): Promise<{ code: string; receipt: string }> {
  await page.goto('/report')
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  const category = page.getByTestId('category')
  await category.selectOption((await category.locator('option:not([disabled])').first().getAttribute('value'))!)
  await page.getByTestId('title').fill(title)
  await page.getByTestId('description').fill(description)
  await page.getByTestId('next').click()
  await page.getByTestId('province').selectOption('79')
  await page.getByTestId('next').click()
  await page.getByTestId('next').click() // no evidence
  await page.getByTestId('anonymous-yes').check()
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  return {
    code: (await page.getByTestId('tracking-code').textContent())!.trim(),
    receipt: (await page.getByTestId('receipt').textContent())!.trim(),
  }
}
