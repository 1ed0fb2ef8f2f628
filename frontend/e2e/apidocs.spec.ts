import { expect } from '@playwright/test'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// The API reference (/api-docs) against the real binary: reached from the
// footer, it shows the portal's own OpenAPI document (GET /api/openapi.json)
// — known routes with who may call them, their schemas — under the portal's
// Content-Security-Policy. Every page load is watched: a console error, an
// exception or a CSP violation fails the test (watch.ts).
const test = watchedTest()

test('on a phone, in Vietnamese: the footer leads to the API reference, which lists known routes and schemas', async ({ page, request }) => {
  const doc = await request.get('/api/openapi.json')
  expect(doc.status()).toBe(200)
  expect(doc.headers()['content-security-policy']).toContain("default-src 'self'")
  const body = await doc.json()
  expect(body.openapi).toBe('3.1.0')
  const operations = Object.values(body.paths as Record<string, Record<string, unknown>>).reduce((n, item) => n + Object.keys(item).length, 0)

  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/')
  await page.getByTestId('api-docs-link').click()
  await expect(page).toHaveURL(/\/api-docs$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tài liệu API')
  await expect(page.getByTestId('api-op')).toHaveCount(operations)

  const complaints = page.locator('#op-postComplaints')
  await expect(complaints).toContainText('POST')
  await expect(complaints).toContainText('/api/v1/complaints')
  await expect(complaints).toContainText('mọi người')
  await expect(complaints).toContainText('multipart/form-data')
  const caseOp = page.locator('#op-getCasesId')
  await expect(caseOp).toContainText('/api/v1/cases/{id}')
  await expect(caseOp).toContainText('thanh tra viên, lãnh đạo thanh tra, giám sát viên Mặt trận')
  await expect(caseOp).toContainText('mã truy cập của cán bộ (Bearer JWT)')
  await expect(page.locator('#op-getTrack')).toContainText('phiên theo dõi của người dân')
  await expect(page.locator('#op-postAdminUsers')).toContainText('quản trị viên')

  // From an operation to its answer's schema.
  await caseOp.getByRole('link', { name: 'Case', exact: true }).click()
  await expect(page).toHaveURL(/#schema-Case$/)
  await expect(page.locator('#schema-Case')).toContainText('trackingCode')
  await expect(page.locator('#schema-ErrorBody')).toContainText('error')
  await expectNoHorizontalScroll(page, '/api-docs')
  await expectAccessible(page, '/api-docs (vi)')
})

test('on a desktop, in English', async ({ page }) => {
  await page.goto('/api-docs')
  await page.getByTestId('lang-en').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API reference')
  await expect(page.locator('#op-getOpenapiJson')).toContainText('/api/openapi.json')
  await expect(page.locator('#op-getStatsPublic')).toContainText('anyone')
  await expectAccessible(page, '/api-docs (en)')
})
