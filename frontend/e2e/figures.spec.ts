import { readFile } from 'node:fs/promises'
import { fileThroughApi } from './apiFiling'
import { expect, type APIRequestContext, type Page } from '@playwright/test'
import { adminCreator, setOwnPassword, signIn, signOut, staffNav } from './staffHelpers'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'

// The staff's figures page (/staff/figures) against the real binary. This
// spec's admin (figures-admin@e2e.test, created by playwright.config.ts for
// it only) adds a province and a commune no other spec files in, an
// inspection unit, its Front committee and a routing rule, an inspector and
// a monitor. Four anonymous feedbacks are filed there through the API (with
// the proof of work a browser solves), each naming the same office, counter,
// procedure and official in another spelling; the inspector accepts one and
// rejects one. Then the inspector, on a phone in Vietnamese and on a desktop
// in English, reads the exact figures of the unit (counts under 5 shown
// exactly, unlike the public figures), the hotspots (the office named four
// times), and downloads the period report in each format; the monitor reads
// the committee's. axe on every view. The sign-in page's first refresh (no
// cookie yet) answers 401, which the browser logs; nothing else may.
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'figures-admin@e2e.test', password: 'Báo-cáo-sơ-kết-tổng-kết-2026!' }
const TEMP = 'Tạm-thời-báo-cáo-Bạc-Liêu-2026'
const PASSWORD = 'Mật-khẩu-báo-cáo-Bạc-Liêu-2026'
const INSPECTOR = { email: 'thanh-tra@figures.e2e.test', name: 'Phạm Văn Số', role: 'inspector' }
const MONITOR = { email: 'giam-sat@figures.e2e.test', name: 'Đỗ Thị Giám Sát', role: 'monitor' }
const PROVINCE = { code: '95', vi: 'Tỉnh Bạc Liêu (báo cáo)', en: 'Bac Lieu Province (reports)' }
const COMMUNE = { code: '31840', vi: 'Phường Hoà Bình (báo cáo)', en: 'Hoa Binh Ward (reports)' }
const UNIT = { code: 'tt-hoa-binh-figures', vi: 'Thanh tra phường Hoà Bình (báo cáo)', en: 'Hoa Binh Ward Inspectorate (reports)' }
const FRONT = { code: 'mttq-hoa-binh-figures', vi: 'Ủy ban MTTQ phường Hoà Bình (báo cáo)', en: 'Hoa Binh Ward Front Committee (reports)' }
const CATEGORY = 'delay'
// One office, counter, procedure and official, spelt four ways: the hotspots count them together.
const SPELLINGS = [
  { office: 'UBND phường Hoà Bình (báo cáo)', counter: 'Quầy số 3', procedure: 'Đăng ký khai sinh', officials: 'Chị Lan' },
  { office: 'Ubnd Phường Hòa Bình (Báo cáo)', counter: 'quầy số 3', procedure: 'đăng ký khai sinh', officials: 'chi lan' },
  { office: 'UBND phuong Hoa Binh - bao cao', counter: 'Quay so 3', procedure: 'Dang ky khai sinh', officials: 'Cán bộ Lan' },
  { office: 'ubnd  PHƯỜNG HOÀ BÌNH (BÁO CÁO)', counter: 'QUẦY SỐ 3', procedure: 'Đăng ký khai sinh.', officials: 'Lan' },
]

// ---- Filing through the API (apiFiling.ts).

/**
 * fileFeedback files an anonymous feedback in the commune. A filing refused
 * for its rate (other specs file from the same address) is sent again when
 * allowed. The commune was just added: the admin's change is seen at once
 * (the intake's kept areas are dropped), so it is never refused as unknown.
 */
async function fileFeedback(request: APIRequestContext, i: number) {
  const complaint = {
    kind: 'feedback',
    category: CATEGORY,
    title: `Cố tình để hồ sơ khai sinh quá hạn (báo cáo ${i + 1})`,
    description: 'Hồ sơ đăng ký khai sinh nộp đủ giấy tờ nhưng bị giữ quá hạn, cán bộ gợi ý nộp thêm tiền để làm nhanh.',
    areaCode: COMMUNE.code,
    place: 'Bộ phận một cửa',
    ...SPELLINGS[i]!,
    dossierNumber: '',
    language: 'vi',
    anonymous: true,
  }
  await fileThroughApi(request, complaint)
}

async function bearer(request: APIRequestContext, email: string): Promise<Record<string, string>> {
  const login = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } })
  const body = await login.json()
  expect(body.accessToken, JSON.stringify(body)).toBeTruthy()
  return { Authorization: `Bearer ${body.accessToken}` }
}

async function move(request: APIRequestContext, auth: Record<string, string>, id: string, body: object) {
  const res = await request.post(`/api/v1/cases/${id}/transitions`, { headers: auth, data: body })
  expect(res.status(), await res.text()).toBe(200)
}

async function setUp(request: APIRequestContext): Promise<{ inspector: Record<string, string>; monitor: Record<string, string> }> {
  const create = await adminCreator(request, ADMIN)
  await create('areas', { code: PROVINCE.code, level: 'province', name: { vi: PROVINCE.vi, en: PROVINCE.en } })
  await create('areas', { code: COMMUNE.code, parent: PROVINCE.code, level: 'commune', name: { vi: COMMUNE.vi, en: COMMUNE.en } })
  const unit = await create('units', { code: UNIT.code, name: { vi: UNIT.vi, en: UNIT.en }, type: 'inspection', areaCodes: [COMMUNE.code] })
  const front = await create('units', { code: FRONT.code, name: { vi: FRONT.vi, en: FRONT.en }, type: 'front', areaCodes: [COMMUNE.code] })
  await create('routing-rules', { category: CATEGORY, areaCode: COMMUNE.code, inspectionUnitId: unit.id, frontUnitId: front.id, note: 'figures' })
  await create('users', { ...INSPECTOR, unitId: unit.id, password: TEMP })
  await setOwnPassword(request, INSPECTOR.email, TEMP, PASSWORD)
  await create('users', { ...MONITOR, unitId: front.id, password: TEMP })
  await setOwnPassword(request, MONITOR.email, TEMP, PASSWORD)

  for (let i = 0; i < SPELLINGS.length; i++) await fileFeedback(request, i)

  // The inspector accepts one report and rejects another; two stay received.
  const inspector = await bearer(request, INSPECTOR.email)
  const list = await (await request.get('/api/v1/cases', { headers: inspector })).json()
  const ids: string[] = list.items.map((c: { id: string }) => c.id)
  expect(ids, JSON.stringify(list)).toHaveLength(SPELLINGS.length)
  await move(request, inspector, ids[0]!, { to: 'accepted' })
  await move(request, inspector, ids[1]!, { to: 'rejected', reason: 'Nội dung trùng với một phản ánh đã được giải quyết.' })
  return { inspector, monitor: await bearer(request, MONITOR.email) }
}

// ---- What the API answers.

interface Figures {
  received: number
  accepted: number
  rejected: number
  open: number
  overdue: number
}

async function figuresOf(request: APIRequestContext, auth: Record<string, string>): Promise<{ from: string; to: string; total: Figures }> {
  const res = await request.get('/api/v1/stats', { headers: auth })
  expect(res.status(), await res.text()).toBe(200)
  return res.json()
}

const totalCell = (page: Page, key: string) => page.getByTestId('figures-total').locator(`tr[data-key="${key}"] td`)

/**
 * downloadReport downloads the period report in a format from the page and
 * checks what came: the file's name, the server's content type and an
 * attachment, and bytes of that format.
 */
async function downloadReport(page: Page, format: 'xlsx' | 'csv' | 'pdf', scope: string): Promise<{ name: string; body: Buffer }> {
  await page.getByTestId(`period-format-${format}`).check()
  const [download, response] = await Promise.all([
    page.waitForEvent('download'),
    page.waitForResponse((r) => r.url().includes('/api/v1/reports/period?') && r.url().includes(`format=${format}`)),
    page.getByTestId('period-download').click(),
  ])
  expect(response.status()).toBe(200)
  const type = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv', pdf: 'application/pdf' }[format]
  expect(response.headers()['content-type']).toContain(type)
  expect(response.headers()['content-disposition']).toMatch(/^attachment;/)
  const name = download.suggestedFilename()
  expect(name).toMatch(new RegExp(`^bao-cao-ky_${scope}_\\d{4}-\\d{2}_\\d{4}-\\d{2}\\.${format}$`))
  const body = await readFile((await download.path())!)
  expect(body.length, `${format} is empty`).toBeGreaterThan(0)
  const magic = { xlsx: 'PK', csv: 'report', pdf: '%PDF-' }[format]
  expect(body.subarray(0, magic.length).toString('latin1')).toBe(magic)
  await expect(page.getByTestId('period-status')).toContainText(name)
  return { name, body }
}

test('staff read the exact figures of their scope, the hotspots, and download the period report in each format', async ({ page, request }) => {
  test.setTimeout(240_000)
  const { inspector, monitor } = await setUp(request)

  // The figures are folded in the background (about a second after a write, or the 30 s catch-up).
  await expect
    .poll(
      async () => {
        const t = (await figuresOf(request, inspector)).total
        return [t.received, t.accepted, t.rejected]
      },
      { timeout: 60_000, intervals: [500, 1000, 2000] },
    )
    .toEqual([4, 1, 1])
  const mine = await figuresOf(request, inspector)
  const hot = await (await request.get('/api/v1/stats/hotspots?min=3', { headers: inspector })).json()
  const office = hot.dims.office as { name: string; received: number }[]
  expect(office, JSON.stringify(hot)).toHaveLength(1)
  expect(office[0]!.received).toBe(4)
  const official = hot.dims.official as { name: string; received: number }[]
  expect(official.map((h) => [h.name, h.received])).toEqual([['lan', 4]])

  // ---- The inspector, on a phone, in Vietnamese: from the staff menu.
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/staff/login')
  await signIn(page, INSPECTOR.email, PASSWORD)
  await expect(page).toHaveURL(/\/staff\/queue$/)
  await staffNav(page, 'figures')
  await expect(page).toHaveURL(/\/staff\/figures$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Số liệu và báo cáo kỳ')
  await expect(page.getByTestId('figures-scope')).toHaveText(`Phạm vi: ${UNIT.vi}`)
  // This year so far, by default.
  const year = mine.to.slice(0, 4)
  await expect(page.getByTestId('figures-from')).toHaveValue(`${year}-01`)
  await expect(page.getByTestId('figures-to')).toHaveValue(mine.to)

  // Exact figures: counts under 5 as they are (the public page would say "dưới 5").
  await expect(page.getByTestId('figures-headline-received').locator('.stat-big')).toHaveText('4')
  await expect(totalCell(page, 'received')).toHaveText('4')
  await expect(totalCell(page, 'accepted')).toHaveText('1')
  await expect(totalCell(page, 'rejected')).toHaveText('1')
  await expect(totalCell(page, 'open')).toHaveText(String(mine.total.open))
  await expect(page.getByTestId('figures-headline-open').locator('.stat-big')).toHaveText(String(mine.total.open))
  // The month's row in the monthly table, with its caption and headers.
  const monthly = page.getByTestId('figures-monthly')
  await expect(monthly.locator('caption')).toContainText('Số liệu theo tháng')
  await expect(monthly.locator('th[scope="col"]').first()).toHaveText('Tháng')
  await expect(monthly.locator(`tr[data-key="${mine.to}"] td[data-col="received"]`)).toHaveText('4')
  await expect(monthly.locator(`tr[data-key="${mine.to}"] td[data-col="rejected"]`)).toHaveText('1')
  await expect(monthly.locator('tr[data-key="total"] td[data-col="accepted"]')).toHaveText('1')

  // The hotspots: the office the four reports name, however spelt; said to be never public.
  await expect(page.getByTestId('hotspots-private')).toContainText('không bao giờ được công bố')
  const row = page.getByTestId('hotspots-office-table').locator(`tr[data-name="${office[0]!.name}"]`)
  await expect(row.locator('td').first()).toHaveText(office[0]!.name)
  await expect(row.locator('td').nth(1)).toHaveText('4')
  await expect(page.getByTestId('hotspots-official-table').locator('tr[data-name="lan"] td').nth(1)).toHaveText('4')
  // A minimum above four lists none.
  await page.getByTestId('hot-min').fill('5')
  await page.getByTestId('hot-apply').click()
  await expect(page).toHaveURL(/min=5/)
  await expect(page.getByTestId('hotspots-office-none')).toHaveText('Không có cơ quan nào có từ 5 phản ánh trở lên.')
  await page.getByTestId('hot-min').fill('3')
  await page.getByTestId('hot-apply').click()
  await expect(row).toBeVisible()

  await expectAccessible(page, 'the figures page on a phone')
  await expectNoHorizontalScroll(page, 'the figures page on a phone')

  // The period report, each format, with the staff member's token.
  const scope = `unit-${UNIT.code}`
  await downloadReport(page, 'xlsx', scope)
  const csv = (await downloadReport(page, 'csv', scope)).body.toString('utf8')
  expect(csv).toContain('figures,received')
  expect(csv).toContain(UNIT.code)
  const pdf = (await downloadReport(page, 'pdf', scope)).body
  expect(pdf.length).toBeGreaterThan(1000)
  await expect(page.getByTestId('period-status')).toContainText('Đã tải về')
  await expectNoHorizontalScroll(page, 'the figures page on a phone, after the downloads')

  // ---- On a desktop, in English.
  await page.setViewportSize({ width: 1366, height: 900 })
  await page.getByTestId('lang-en').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Figures and period reports')
  await expect(page.getByTestId('figures-scope')).toHaveText(`Scope: ${UNIT.en}`)
  await expect(page.getByTestId('figures-headline-received').locator('dt')).toHaveText('Reports received')
  await expect(totalCell(page, 'accepted')).toHaveText('1')
  await expect(page.getByTestId('hotspots-private')).toContainText('never published')
  await expect(page.getByRole('columnheader', { name: 'Name (grouped)' }).first()).toBeVisible()
  await expectAccessible(page, 'the figures page on a desktop, in English')
  await downloadReport(page, 'csv', scope)
  await expect(page.getByTestId('period-status')).toContainText('Downloaded')

  // ---- The monitor sees the committee's figures.
  await signOut(page)
  await signIn(page, MONITOR.email, PASSWORD)
  await staffNav(page, 'figures')
  await expect(page.getByTestId('figures-scope')).toHaveText(`Scope: the reports ${FRONT.en} supervises`)
  const committee = await figuresOf(request, monitor)
  expect(committee.total.received).toBe(4)
  await expect(page.getByTestId('figures-headline-received').locator('.stat-big')).toHaveText('4')
  await expect(totalCell(page, 'rejected')).toHaveText('1')
  await expect(page.getByTestId('hotspots-office-table').locator(`tr[data-name="${office[0]!.name}"] td`).nth(1)).toHaveText('4')
  await downloadReport(page, 'pdf', `front-${FRONT.code}`)
  await expectAccessible(page, 'the figures page of a monitor')
  await page.setViewportSize({ width: 360, height: 740 })
  await expectNoHorizontalScroll(page, 'the figures page of a monitor on a phone')
})
