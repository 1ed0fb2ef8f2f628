import { fileThroughApi } from './apiFiling'
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import { adminCreator, freshTotp, setOwnPassword } from './staffHelpers'
import { expectAccessible, expectNoHorizontalScroll, statsBaseURL, watchedTest } from './watch'

// The public transparency page against the real binary. This spec's admin
// (stats-admin@e2e.test, created by playwright.config.ts for it only) adds a
// province and a commune no other spec files in, an inspection unit, a Front
// committee and a routing rule (abuse of power in that commune) to them, and
// a lead. Six anonymous feedbacks are filed there through the API (with the
// proof of work a browser solves); the lead accepts three, concludes two
// and rejects one. The statistics are folded in the background, so the spec
// waits for them through the API before its first visit of the page (the
// figures are cached a minute by the browser). Then, in Vietnamese on a
// phone and in English on a desktop: the headline, the tables beside the
// server's charts, the communes of the province, the units that cannot be
// ranked, open data, "dưới 5" over one month and "ẩn" over twelve, axe.
// The lead publishes the summaries of both conclusions, one with the
// conclusion and one afterwards (POST /cases/{id}/publication): the page
// lists the latest published outcomes as GET /api/v1/outcomes publishes them,
// this spec's two among them, each linked to its full card on /outcomes.
// The spec runs on a portal of its own (playwright.config.ts's second
// server), whose only reports are its six: every figure is known, and the
// page is checked against those exact figures and labels as well as against
// what the API publishes.
const test = watchedTest()
test.use({ baseURL: statsBaseURL })

const ADMIN = { email: 'stats-admin@e2e.test', password: 'Số-liệu-công-khai-minh-bạch-2026!' }
const TEMP = 'Tạm-thời-số-liệu-Cà-Mau-2026'
const PASSWORD = 'Mật-khẩu-số-liệu-Cà-Mau-2026'
const LEAD = { email: 'lanh-dao@stats.e2e.test', name: 'Lê Thị Số Liệu', role: 'lead' }
const PROVINCE = { code: '96', vi: 'Tỉnh Cà Mau (số liệu)', en: 'Ca Mau Province (figures)' }
const COMMUNE = { code: '32002', vi: 'Phường Tân Thành (số liệu)', en: 'Tan Thanh Ward (figures)' }
const UNIT = { code: 'tt-tan-thanh-stats', vi: 'Thanh tra phường Tân Thành (số liệu)', en: 'Tan Thanh Ward Inspectorate (figures)' }
const CATEGORY = 'abuse_of_power'
const REPORTS = 6
const CATEGORY_NAME = { vi: 'Lạm quyền khi thanh tra, kiểm tra, xử phạt', en: 'Abuse of power in an inspection or fine' }
// Published with the conclusion, then later (the newer, so the first of the feed), longer than an excerpt.
const SUMMARY_A = 'Cán bộ trật tự đô thị phường Tân Thành đã bị kiểm điểm vì thu tiền phạt tại chỗ không biên lai (số liệu).'
const SUMMARY_B =
  'Đoàn thanh tra phường Tân Thành (số liệu) đã xác minh các lần xử phạt tại chợ phường trong ba tháng: mọi khoản phạt đều có biên bản và biên lai, ' +
  'nên nội dung phản ánh là không đúng. Đơn vị đã niêm yết lại mức phạt và số điện thoại đường dây nóng tại chợ để người dân đối chiếu khi cần.'
const LATEST = 5

// ---- Filing through the API (apiFiling.ts).

/** fileFeedback files an anonymous feedback in the commune; a filing refused for its rate (other specs file from the same address) is sent again when allowed. */
async function fileFeedback(request: APIRequestContext, i: number) {
  const complaint = {
    kind: 'feedback',
    category: CATEGORY,
    title: `Cán bộ phường đòi phạt không có biên bản (số liệu ${i})`,
    description: 'Cán bộ trật tự đô thị đòi nộp tiền phạt tại chỗ, không lập biên bản, không đưa biên lai.',
    areaCode: COMMUNE.code,
    place: 'Chợ phường',
    office: 'UBND phường Tân Thành',
    counter: '',
    procedure: '',
    dossierNumber: '',
    officials: '',
    language: 'vi',
    anonymous: true,
  }
  await fileThroughApi(request, complaint)
}

/** leadToken signs the lead in through the API, enrolling TOTP (PORTAL_REQUIRE_2FA asks it of leads), and returns the bearer header. */
async function leadToken(request: APIRequestContext): Promise<Record<string, string>> {
  const login = await request.post('/api/v1/auth/login', { data: { email: LEAD.email, password: PASSWORD } })
  const body = await login.json()
  expect(body.totpEnrolmentRequired, JSON.stringify(body)).toBe(true)
  const enrol = { Authorization: `Bearer ${body.enrolmentToken}` }
  const setup = await request.post('/api/v1/auth/totp/setup', { headers: enrol })
  expect(setup.status(), await setup.text()).toBe(200)
  const { secret } = await setup.json()
  const enabled = await request.post('/api/v1/auth/totp/enable', { headers: enrol, data: { code: await freshTotp(secret, new Set()) } })
  expect(enabled.status(), await enabled.text()).toBe(200)
  return { Authorization: `Bearer ${(await enabled.json()).accessToken}` }
}

async function move(request: APIRequestContext, auth: Record<string, string>, id: string, body: object) {
  const res = await request.post(`/api/v1/cases/${id}/transitions`, { headers: auth, data: body })
  expect(res.status(), await res.text()).toBe(200)
}

async function setUp(request: APIRequestContext): Promise<Record<string, string>> {
  const create = await adminCreator(request, ADMIN)
  await create('areas', { code: PROVINCE.code, level: 'province', name: { vi: PROVINCE.vi, en: PROVINCE.en } })
  await create('areas', { code: COMMUNE.code, parent: PROVINCE.code, level: 'commune', name: { vi: COMMUNE.vi, en: COMMUNE.en } })
  const unit = await create('units', { code: UNIT.code, name: { vi: UNIT.vi, en: UNIT.en }, type: 'inspection', areaCodes: [COMMUNE.code] })
  const front = await create('units', {
    code: 'mttq-tan-thanh-stats',
    name: { vi: 'Ủy ban MTTQ phường Tân Thành (số liệu)', en: 'Tan Thanh Ward Front Committee (figures)' },
    type: 'front',
    areaCodes: [COMMUNE.code],
  })
  await create('routing-rules', { category: CATEGORY, areaCode: COMMUNE.code, inspectionUnitId: unit.id, frontUnitId: front.id, note: 'stats' })
  await create('users', { ...LEAD, unitId: unit.id, password: TEMP })
  await setOwnPassword(request, LEAD.email, TEMP, PASSWORD)

  for (let i = 1; i <= REPORTS; i++) await fileFeedback(request, i)

  // The lead moves them: two concluded (one substantiated, one not), one accepted, one rejected, two left received.
  const auth = await leadToken(request)
  const list = await (await request.get('/api/v1/cases', { headers: auth })).json()
  const ids: string[] = list.items.map((c: { id: string }) => c.id)
  expect(ids, JSON.stringify(list)).toHaveLength(REPORTS)
  const [a, b, c, d] = ids as [string, string, string, string]
  // The first's summary is published with its conclusion; the second's after it, as a lead may decide later.
  for (const [id, outcome, publish] of [
    [a, 'substantiated', { publicSummary: SUMMARY_A, publishSummary: true }],
    [b, 'unsubstantiated', {}],
  ] as const) {
    await move(request, auth, id, { to: 'accepted' })
    await move(request, auth, id, { to: 'investigating' })
    await move(request, auth, id, { to: 'concluded', outcome, actions: 'Đã kiểm điểm cán bộ và trả lại tiền cho người dân.', ...publish })
  }
  const later = await request.post(`/api/v1/cases/${b}/publication`, { headers: auth, data: { publicSummary: SUMMARY_B } })
  expect(later.status(), await later.text()).toBe(200)
  await move(request, auth, c, { to: 'accepted' })
  await move(request, auth, d, { to: 'rejected', reason: 'Nội dung đã được giải quyết ở một phản ánh khác.' })
  return auth
}

interface Outcome {
  id: string
  category: string
  areaCode?: string
  result: string
  summary: string
  concludedAt: string
  publishedAt: string
}

/** latestOutcomes is what the transparency page lists: the feed's newest, as GET /api/v1/outcomes publishes them. */
async function latestOutcomes(request: APIRequestContext): Promise<Outcome[]> {
  const res = await request.get(`/api/v1/outcomes?limit=${LATEST}`)
  expect(res.status(), await res.text()).toBe(200)
  return ((await res.json()) as { items: Outcome[] }).items
}

/** vnDate is an instant's day in Vietnam, as the page writes it (dd/mm/yyyy). */
function vnDate(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso))
}

/** expectOutcomes checks the page's latest outcomes against the feed, and this spec's two, in the page's language. */
async function expectOutcomes(page: Page, request: APIRequestContext, lang: 'vi' | 'en') {
  const feed = await latestOutcomes(request)
  const section = page.getByTestId('section-outcomes')
  await expect(section.getByRole('heading', { level: 2 })).toHaveText(lang === 'vi' ? 'Kết quả mới công bố' : 'Latest published outcomes')
  const list = section.getByRole('list', { name: lang === 'vi' ? 'Kết quả mới công bố' : 'Latest published outcomes' })
  const cards = list.getByRole('listitem')
  await expect(cards).toHaveCount(feed.length)
  // The feed's order, each card's link to its own full card.
  const hrefs = await cards.getByTestId('outcome-full').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  expect(hrefs).toEqual(feed.map((o) => `/outcomes#outcome-${o.id}`))
  // This portal's only two, the later publication first.
  expect(feed, JSON.stringify(feed)).toHaveLength(2)
  const feedA = feed.find((o) => o.summary === SUMMARY_A)
  const feedB = feed.find((o) => o.summary === SUMMARY_B)
  expect(feedA && feedB, JSON.stringify(feed)).toBeTruthy()
  const cardA = cards.filter({ has: page.locator(`a[href="/outcomes#outcome-${feedA!.id}"]`) })
  const cardB = cards.filter({ has: page.locator(`a[href="/outcomes#outcome-${feedB!.id}"]`) })
  const area = lang === 'vi' ? `${COMMUNE.vi}, ${PROVINCE.vi}` : `${COMMUNE.en}, ${PROVINCE.en}`
  for (const [card, o, result] of [
    [cardA, feedA!, lang === 'vi' ? 'Đúng' : 'Substantiated'],
    [cardB, feedB!, lang === 'vi' ? 'Không đúng' : 'Unsubstantiated'],
  ] as const) {
    await expect(card.getByRole('heading', { level: 3 })).toHaveText(CATEGORY_NAME[lang])
    await expect(card.getByTestId('outcome-result')).toHaveText(result)
    await expect(card.getByTestId('outcome-area')).toHaveText(area)
    await expect(card.getByTestId('outcome-concluded')).toHaveText(vnDate(o.concludedAt))
    await expect(card.getByTestId('outcome-published')).toHaveText(vnDate(o.publishedAt))
  }
  // The later publication is the newer: before the other. The short summary whole, the long one an excerpt.
  expect(feed.indexOf(feedB!)).toBeLessThan(feed.indexOf(feedA!))
  await expect(cardA.getByTestId('outcome-summary')).toHaveText(SUMMARY_A)
  const excerptB = (await cardB.getByTestId('outcome-summary').textContent()) ?? ''
  expect(excerptB.endsWith('…'), excerptB).toBe(true)
  expect(SUMMARY_B.startsWith(excerptB.slice(0, -1)), excerptB).toBe(true)
  await expect(section.getByTestId('transparency-outcomes')).toHaveAttribute('href', '/outcomes')
  return { cardB, feedB: feedB! }
}

// ---- What the API publishes, in the page's words.

type Figures = Record<string, unknown> & { withheld: Record<string, string> }
interface Answer {
  from: string
  to: string
  k: number
  total: Figures
  rows?: (Figures & { month: string })[]
  groups?: (Figures & { key: string })[]
}

function words(f: Figures, name: string, lang: 'vi' | 'en'): string {
  const v = f[name]
  if (typeof v === 'number') return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(v)
  if (f.withheld[name] === 'fewer_than_k') return lang === 'vi' ? 'dưới 5' : 'fewer than 5'
  return lang === 'vi' ? 'ẩn' : 'withheld'
}

async function publicStats(request: APIRequestContext, query: string): Promise<Answer> {
  const res = await request.get(`/api/v1/stats/public?${query}`)
  expect(res.status(), await res.text()).toBe(200)
  return (await res.json()) as Answer
}

function groupOf(a: Answer, key: string): Figures {
  const g = a.groups?.find((x) => x.key === key)
  expect(g, `${key} in ${JSON.stringify(a.groups)}`).toBeTruthy()
  return g!
}

const cell = (page: Page, table: string, row: string, col: string): Locator =>
  page.getByTestId(`table-${table}`).locator(`tr[data-key="${row}"] td[data-col="${col}"]`)

/** expectChartsDrawn checks each chart image: alt text, and the server's SVG loaded. */
async function expectChartsDrawn(page: Page, names: string[], lang: 'vi' | 'en') {
  for (const n of names) {
    const img = page.getByTestId(`chart-${n}`)
    await expect(img).toHaveAttribute('alt', /.{20,}/)
    await expect(img).toHaveAttribute('src', new RegExp(`chart=(flow|ontime|slices)&lang=${lang}$`))
    await img.scrollIntoViewIfNeeded()
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { message: `chart ${n} drawn` }).toBe(true)
  }
}

test('the public sees the figures, protected, in tables beside the charts, in Vietnamese and English, on a phone and a desktop', async ({ page, request }) => {
  test.setTimeout(240_000)
  const auth = await setUp(request)

  // The figures are folded in the background (about a second after a write, or the 30 s catch-up):
  // the lead's exact figures of the unit say when all of it is counted.
  await expect
    .poll(
      async () => {
        const t = (await (await request.get('/api/v1/stats', { headers: auth })).json()).total
        return [t.received, t.accepted, t.concluded, t.rejected]
      },
      { timeout: 60_000, intervals: [500, 1000, 2000] },
    )
    .toEqual([REPORTS, 3, 2, 1])
  const { from, to } = await publicStats(request, '')
  const thisMonth = to

  // ---- On a phone, in Vietnamese: from the public navigation.
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/')
  await page.getByTestId('nav-transparency').click()
  await expect(page).toHaveURL(/\/transparency$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Số liệu minh bạch')
  await expect(page.getByTestId('headline')).toBeVisible()
  const main = await publicStats(request, `from=${from}&to=${to}&monthly=true`)
  // This portal's only reports: six received; two concluded this month, so over twelve months withheld (a
  // range publishes a figure only if each month does); three open now (two received, one accepted).
  expect([words(main.total, 'received', 'vi'), words(main.total, 'concluded', 'vi'), words(main.total, 'open', 'vi')]).toEqual(['6', 'ẩn', 'dưới 5'])
  await expect(page.getByTestId('headline-received').locator('.stat-big')).toHaveText(words(main.total, 'received', 'vi'))
  await expect(page.getByTestId('headline-concluded').locator('.stat-big')).toHaveText(words(main.total, 'concluded', 'vi'))
  await expect(page.getByTestId('headline-open').locator('.stat-big')).toHaveText(words(main.total, 'open', 'vi'))
  await expect(cell(page, 'flow', 'total', 'received')).toHaveText(words(main.total, 'received', 'vi'))
  const monthRow = main.rows?.find((r) => r.month === thisMonth)
  expect(monthRow).toBeTruthy()
  await expect(cell(page, 'flow', thisMonth, 'received')).toHaveText(words(monthRow!, 'received', 'vi'))

  // The median days to resolve, and the Front's supervision, as published.
  const median = page.getByTestId('headline-median').locator('.stat-big .stat-value')
  await expect(page.getByTestId('headline-median').locator('dt')).toHaveText('Thời gian giải quyết (trung vị)')
  if (typeof main.total.medianDays === 'number') await expect(median).toHaveText(`${main.total.medianDays} ngày`)
  else await expect(median).toHaveAttribute('data-state', 'unpublished')
  await expect(page.getByTestId('section-front').getByRole('heading', { level: 2 })).toHaveText('Giám sát của Mặt trận Tổ quốc')
  for (const col of ['recFiled', 'recAnswered', 'recOnTime']) {
    await expect(cell(page, 'front', 'total', col)).toHaveText(words(main.total, col, 'vi'))
  }

  // The latest published outcomes themselves, this spec's two among them.
  await expectOutcomes(page, request, 'vi')

  // The province: its six reports; over twelve months its two conclusions are withheld ("ẩn").
  const byProvince = await publicStats(request, `from=${from}&to=${to}&by=province`)
  const mine = groupOf(byProvince, PROVINCE.code)
  expect(words(mine, 'received', 'vi')).toBe('6')
  expect(mine.concluded).toBeNull()
  expect(mine.withheld.concluded).toBe('withheld')
  await expect(cell(page, 'province', PROVINCE.code, 'received')).toHaveText(words(mine, 'received', 'vi'))
  await expect(cell(page, 'province', PROVINCE.code, 'concluded')).toHaveText('ẩn')
  await expect(page.getByTestId('table-province').locator(`tr[data-key="${PROVINCE.code}"] th`)).toHaveText(PROVINCE.vi)
  const byCategory = await publicStats(request, `from=${from}&to=${to}&by=category`)
  expect(words(groupOf(byCategory, CATEGORY), 'received', 'vi')).toBe('6')
  await expect(cell(page, 'category', CATEGORY, 'received')).toHaveText('6')
  const byKind = await publicStats(request, `from=${from}&to=${to}&by=kind`)
  expect(words(groupOf(byKind, 'feedback'), 'received', 'vi')).toBe('6')
  await expect(cell(page, 'kind', 'feedback', 'received')).toHaveText('6')

  // The unit concluded two reports: listed apart, not ranked, and the rule said in words.
  await expect(page.getByTestId('ranking-rule')).toContainText('từ 10 phản ánh được giải quyết')
  await expect(page.getByTestId('table-unranked').locator(`tr[data-key="${UNIT.code}"] th`)).toHaveText(UNIT.vi)
  await expect(page.getByTestId('section-ranking')).toContainText('Chưa đủ phản ánh đã giải quyết để xếp hạng')

  // The charts are the server's images with words; each has its table with a caption and headers.
  await expectChartsDrawn(page, ['flow', 'ontime', 'category', 'province', 'kind'], 'vi')
  await expect(page.getByTestId('table-flow').locator('caption')).toHaveText('Phản ánh nhận được và đã giải quyết theo tháng')
  await expect(page.getByTestId('table-flow').locator('th[scope="col"]')).toHaveText(['Tháng', 'Đã nhận', 'Đã giải quyết'])
  await expect(page.getByTestId('table-flow').locator('th[scope="row"]')).toHaveCount(13)
  await expect(page.getByTestId('table-flow')).toHaveAttribute('tabindex', '0')

  // Its communes.
  await page.getByTestId('province-select').selectOption(PROVINCE.code)
  await page.getByTestId('province-show').click()
  await expect(page).toHaveURL(new RegExp(`province=${PROVINCE.code}`))
  await expect(page.getByTestId('section-communes').getByRole('heading', { level: 3 })).toHaveText(`Các xã, phường của ${PROVINCE.vi}`)
  const communes = await publicStats(request, `from=${from}&to=${to}&area=${PROVINCE.code}&by=commune`)
  expect(words(groupOf(communes, COMMUNE.code), 'received', 'vi')).toBe('6')
  await expect(cell(page, 'commune', COMMUNE.code, 'received')).toHaveText('6')
  await expectChartsDrawn(page, ['commune'], 'vi')

  await expectAccessible(page, 'the transparency page on a phone')
  await expectNoHorizontalScroll(page, 'the transparency page on a phone')

  // One month: the small counts read "dưới 5".
  await page.getByTestId('range-from').selectOption(thisMonth)
  await page.getByTestId('range-to').selectOption(thisMonth)
  await page.getByTestId('range-apply').click()
  await expect(page).toHaveURL(new RegExp(`from=${thisMonth}&to=${thisMonth}`))
  await expect(page.getByTestId('range-showing')).toHaveText(`Số liệu từ tháng ${thisMonth.slice(5)}/${thisMonth.slice(0, 4)} đến tháng ${thisMonth.slice(5)}/${thisMonth.slice(0, 4)}.`)
  // The small counts of this spec's reports (two concluded, three accepted, one rejected) are never published:
  // the two conclusions read "dưới 5" in the province, the commune and the unit.
  const month = `from=${thisMonth}&to=${thisMonth}`
  const small: { table: string; row: string; col: string; f: Figures }[] = []
  const oneMonth = {
    province: groupOf(await publicStats(request, `${month}&by=province`), PROVINCE.code),
    commune: groupOf(await publicStats(request, `${month}&area=${PROVINCE.code}&by=commune`), COMMUNE.code),
    unranked: groupOf(await publicStats(request, `${month}&by=unit`), UNIT.code),
  }
  const rows = { province: PROVINCE.code, commune: COMMUNE.code, unranked: UNIT.code }
  for (const table of ['province', 'commune', 'unranked'] as const) {
    expect(oneMonth[table].concluded, `${table} concluded`).toBeNull()
    small.push({ table, row: rows[table], col: 'concluded', f: oneMonth[table] })
  }
  for (const table of ['province', 'commune'] as const) {
    expect(words(oneMonth[table], 'received', 'vi')).toBe('6')
    await expect(cell(page, table, rows[table], 'received')).toHaveText('6')
  }
  for (const x of small) await expect(cell(page, x.table, x.row, x.col)).toHaveText(words(x.f, x.col, 'vi'))
  const fewer = small.filter((x) => x.f.withheld[x.col] === 'fewer_than_k')
  expect(fewer.length, JSON.stringify(oneMonth)).toBe(3)
  await expect(cell(page, fewer[0]!.table, fewer[0]!.row, fewer[0]!.col)).toHaveText('dưới 5')
  await expect(page.getByTestId('protection')).toContainText('dưới 5')
  await expectNoHorizontalScroll(page, 'the transparency page on a phone, one month')

  // Open data: the CSV of the selection, with the licence and the fields in words.
  const csvHref = await page.getByTestId('download-csv-commune').getAttribute('href')
  expect(csvHref).toBe(`/api/v1/stats/public?from=${thisMonth}&to=${thisMonth}&area=${PROVINCE.code}&by=commune&format=csv`)
  const csv = await request.get(csvHref!)
  expect(csv.headers()['content-type']).toContain('text/csv')
  const lines = (await csv.text()).trim().split(/\r?\n/)
  expect(lines[0]).toContain('received')
  expect(lines.find((l) => l.includes(COMMUNE.code))).toContain('<5')
  await expect(page.getByTestId('licence')).toContainText('CC BY 4.0')
  await expect(page.getByTestId('transparency-outcomes')).toHaveAttribute('href', '/outcomes')
  await expect(page.getByTestId('section-outcomes').getByTestId('outcome')).not.toHaveCount(0)

  // ---- On a desktop, in English.
  await page.setViewportSize({ width: 1366, height: 900 })
  await page.getByTestId('lang-en').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Transparency figures')
  await expect(page.getByTestId('headline-received').locator('dt')).toHaveText('Reports received')
  for (const x of small) await expect(cell(page, x.table, x.row, x.col)).toHaveText(words(x.f, x.col, 'en'))
  await expect(cell(page, fewer[0]!.table, fewer[0]!.row, fewer[0]!.col)).toHaveText('fewer than 5')
  await expect(page.getByTestId('table-province').locator(`tr[data-key="${PROVINCE.code}"] th`)).toHaveText(PROVINCE.en)
  await expect(page.getByTestId('table-unranked').locator(`tr[data-key="${UNIT.code}"] th`)).toHaveText(UNIT.en)
  await expect(page.getByTestId('section-ranking')).toContainText('Not enough concluded reports to rank')
  await expectChartsDrawn(page, ['flow', 'ontime', 'category', 'province', 'kind', 'commune'], 'en')
  await expect(page.getByTestId('chart-flow')).toHaveAttribute('alt', /Chart of the reports received and resolved each month/)
  const { cardB, feedB } = await expectOutcomes(page, request, 'en')
  await expectAccessible(page, 'the transparency page on a desktop, in English')

  // "Read in full": the outcome's whole card on /outcomes, focused.
  await cardB.getByTestId('outcome-full').click()
  await expect(page).toHaveURL(new RegExp(`/outcomes#outcome-${feedB.id}$`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Published outcomes')
  const whole = page.locator(`#outcome-${feedB.id}`)
  await expect(whole).toBeFocused()
  await expect(whole.getByTestId('outcome-summary')).toHaveText(SUMMARY_B)
  await expect(whole).toContainText('UBND phường Tân Thành')
})
