import { expect, type APIRequestContext, type Page } from '@playwright/test'
import { adminCreator, setOwnPassword, signIn } from './staffHelpers'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// The staff queue: sorts, "assigned to me", the assignee column and the
// counts per status, all kept in the address across reload and back, on a
// phone and a desktop. Its own unit, routed by a rule no other spec's
// reports match (its own commune and conduct), so it neither depends on
// nor disturbs their data. The sign-in page's first refresh (no cookie yet)
// answers 401, which the browser logs; nothing else may.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'queue-admin@e2e.test', password: 'Phố-cổ-Hội-An-đèn-lồng-2026!' }
const PASSWORD = 'Mật-khẩu-hàng-đợi-Cầu-Ông-Lãnh'
const TEMP = 'Tạm-thời-hàng-đợi-Cầu-Ông-Lãnh'
const INSPECTOR = { email: 'thanh-tra@queue.e2e.test', name: 'Trần Văn Hàng', role: 'inspector' }
const PROVINCE = '79'
const COMMUNE = '26758'
const CATEGORY = 'unlawful_refusal'
const FIRST = 'Từ chối nhận hồ sơ không lý do (hàng đợi 1)'
const SECOND = 'Từ chối nhận hồ sơ không lý do (hàng đợi 2)'

async function setUp(request: APIRequestContext) {
  const create = await adminCreator(request, ADMIN)
  const unit = await create('units', {
    code: 'tt-cau-ong-lanh-queue',
    name: { vi: 'Thanh tra phường Cầu Ông Lãnh (hàng đợi)', en: 'Cau Ong Lanh Ward Inspectorate (queue)' },
    type: 'inspection',
    areaCodes: [COMMUNE],
  })
  const front = await create('units', {
    code: 'mttq-cau-ong-lanh-queue',
    name: { vi: 'Ủy ban MTTQ phường Cầu Ông Lãnh (hàng đợi)', en: 'Cau Ong Lanh Ward Front Committee (queue)' },
    type: 'front',
    areaCodes: [COMMUNE],
  })
  await create('routing-rules', { category: CATEGORY, areaCode: COMMUNE, inspectionUnitId: unit.id, frontUnitId: front.id, note: 'queue' })
  await create('users', { ...INSPECTOR, unitId: unit.id, password: TEMP })
  await setOwnPassword(request, INSPECTOR.email, TEMP, PASSWORD)
}

async function fileReport(page: Page, title: string) {
  await page.goto('/report')
  await page.getByTestId('kind-feedback').check()
  await page.getByTestId('next').click()
  await page.getByTestId('category').selectOption(CATEGORY)
  await page.getByTestId('title').fill(title)
  await page.getByTestId('description').fill('Cán bộ một cửa từ chối nhận hồ sơ đã đủ giấy tờ.')
  await page.getByTestId('next').click()
  await page.getByTestId('province').selectOption(PROVINCE)
  await page.getByTestId('commune').selectOption(COMMUNE)
  await page.getByTestId('next').click()
  await page.getByTestId('next').click() // no evidence
  await page.getByTestId('anonymous-yes').check()
  await page.getByTestId('submit').click()
  await expect(page.getByTestId('tracking-code')).toHaveText(/^MB-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
}

const titles = (page: Page) => page.getByTestId('queue-link').allInnerTexts()

test('an inspector sorts the queue, keeps to their own reports, and reload and back keep the view', async ({ page, request }) => {
  test.setTimeout(180_000)
  await setUp(request)
  await fileReport(page, FIRST)
  await fileReport(page, SECOND)

  // The inspector takes the first report (through the API, as the case page's assign form does).
  const login = await request.post('/api/v1/auth/login', { data: { email: INSPECTOR.email, password: PASSWORD } })
  const { accessToken, user } = await login.json()
  const auth = { Authorization: `Bearer ${accessToken}` }
  const list = await (await request.get('/api/v1/cases', { headers: auth })).json()
  const first = list.items.find((i: { title: string }) => i.title === FIRST)
  expect(first, JSON.stringify(list)).toBeTruthy()
  const assigned = await request.post(`/api/v1/cases/${first.id}/assign`, { headers: auth, data: { assigneeId: user.id } })
  expect(assigned.status(), await assigned.text()).toBe(200)

  // ---- On a phone, in Vietnamese.
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/staff/login')
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page).toHaveURL(/\/staff\/queue$/)
  await expect(page.getByTestId('queue-row')).toHaveCount(2)
  await expect(page.getByTestId('queue-count-all')).toHaveText('Tất cả (2)')
  await expect(page.getByTestId('queue-count-received')).toContainText('(2)')
  const assignees = await page.getByTestId('queue-assignee').allInnerTexts()
  expect(assignees.sort()).toEqual(['Chưa giao', INSPECTOR.name].sort())
  await expectAccessible(page, 'the queue on a phone')
  await expectNoHorizontalScroll(page, 'the queue on a phone')

  // Newest filed first, then oldest first: the sort applies at once and goes in the address.
  await page.getByLabel('Sắp xếp theo').selectOption('-submitted')
  await expect(page).toHaveURL(/sort=-submitted/)
  await expect.poll(() => titles(page)).toEqual([SECOND, FIRST])
  await page.getByLabel('Sắp xếp theo').selectOption('submitted')
  await expect(page).toHaveURL(/sort=submitted/)
  await expect.poll(() => titles(page)).toEqual([FIRST, SECOND])

  // Only mine: the filter keeps the sort.
  await page.getByLabel('Chỉ phản ánh giao cho tôi').check()
  await page.getByTestId('qf-apply').click()
  await expect(page).toHaveURL(/assignee=me/)
  await expect(page).toHaveURL(/sort=submitted/)
  await expect.poll(() => titles(page)).toEqual([FIRST])

  // Reload keeps all of it.
  await page.reload()
  await expect.poll(() => titles(page)).toEqual([FIRST])
  await expect(page.getByLabel('Chỉ phản ánh giao cho tôi')).toBeChecked()
  await expect(page.getByLabel('Sắp xếp theo')).toHaveValue('submitted')

  // Back returns to both reports, oldest first.
  await page.goBack()
  await expect.poll(() => titles(page)).toEqual([FIRST, SECOND])
  await expect(page.getByLabel('Chỉ phản ánh giao cho tôi')).not.toBeChecked()

  // A status's count filters by it.
  await page.getByTestId('queue-count-received').click()
  await expect(page).toHaveURL(/status=received/)
  await expect(page.getByTestId('queue-count-received')).toHaveAttribute('aria-current', 'true')

  // ---- On a desktop, in English.
  await page.setViewportSize({ width: 1366, height: 900 })
  await page.getByTestId('lang-en').click()
  await expect(page.getByRole('columnheader', { name: 'Assigned to' })).toBeVisible()
  await expect(page.getByLabel('Sort by')).toHaveValue('submitted')
  await expectAccessible(page, 'the queue on a desktop, in English')
})
