import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { apiError, fakeApi } from '../testing/fakeApi'
import { jsonResponse } from '../testing/fakeXhr'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import { answer, figures, group } from '../testing/publicStats'
import { testMeta } from '../testing/meta'
import { logInfo, witness } from '../testing/logWitnesses'
import type { PublishedOutcome } from '../api'

resetPageTests()

// The page's default range is the last twelve months in Vietnam: 2026-01 to 2026-12 on this day.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-12-05T03:00:00Z'))
})
afterEach(() => {
  vi.useRealTimers()
})

const S = '/api/v1/stats/public'
const LATEST = '/api/v1/outcomes?limit=5'
const RANGE = 'from=2026-01&to=2026-12'

const monthly = answer({
  rows: [
    { month: '2026-11', ...figures({ received: 3, concluded: null, withheld: { concluded: 'fewer_than_k' } }) },
    { month: '2026-12', ...figures({ received: 9, concluded: 6, onTime: 5, late: null, onTimeRate: null, withheld: { late: 'withheld' } }) },
  ],
  total: figures({
    received: 1234,
    concluded: 57,
    onTime: 50,
    late: 7,
    onTimeRate: 50 / 57,
    medianDays: 18,
    p90Days: 41,
    open: 40,
    overdue: null,
    recFiled: 12,
    recAnswered: 10,
    recOnTime: 8,
    recOnTimeRate: 0.8,
    rated: 20,
    satisfied: 15,
    satisfiedRate: 0.75,
    appeals: null,
    withheld: { overdue: 'fewer_than_k', appeals: 'withheld' },
  }),
})

const byCategory = answer({
  groups: [
    group('category', 'bribe', 'Đòi hối lộ', 'Bribe', { received: 800, concluded: 40, onTimeRate: 0.9, medianDays: 15 }),
    group('category', 'delay', 'Cố tình chậm trễ', 'Deliberate delay', { received: null, withheld: { received: 'fewer_than_k' } }),
  ],
})
const byProvince = answer({
  groups: [
    group('province', '79', 'Thành phố Hồ Chí Minh', 'Ho Chi Minh City', { received: 1200 }),
    group('province', '01', 'Thành phố Hà Nội', 'Hanoi', { received: null, withheld: { received: 'withheld' } }),
  ],
})
const byKind = answer({ groups: [group('kind', 'feedback', 'Phản ánh, kiến nghị', 'Feedback', { received: 1000 })] })
const byUnit = answer({
  groups: [
    group('unit', 'tt-a', 'Thanh tra A', 'Inspectorate A', { concluded: 30, onTime: 24, late: 6, onTimeRate: 0.8 }),
    group('unit', 'tt-b', 'Thanh tra B', 'Inspectorate B', { concluded: 12, onTime: 12, late: 0, onTimeRate: 1 }),
    group('unit', 'tt-c', 'Thanh tra C', 'Inspectorate C', { received: 6, concluded: null, withheld: { concluded: 'fewer_than_k' } }),
  ],
})
const communes = answer({
  slice: { dim: 'province', key: '79', name: { vi: 'Thành phố Hồ Chí Minh', en: 'Ho Chi Minh City' } },
  groups: [group('commune', '26734', 'Phường Tân Định', 'Tan Dinh Ward', { received: 7 })],
})

function serve(api: ReturnType<typeof fakeApi>, range = RANGE) {
  api.json('GET', `${S}?${range}&monthly=true`, 200, monthly)
  api.json('GET', `${S}?${range}&by=category`, 200, byCategory)
  api.json('GET', `${S}?${range}&by=province`, 200, byProvince)
  api.json('GET', `${S}?${range}&by=kind`, 200, byKind)
  api.json('GET', `${S}?${range}&by=unit`, 200, byUnit)
  api.json('GET', `${S}?${range}&area=79&by=commune`, 200, communes)
  api.json('GET', LATEST, 200, { items: [], nextCursor: null })
  api.json('GET', '/api/v1/meta', 200, testMeta)
  api.json('GET', '/api/v1/log', 200, logInfo([witness({ cosigned: { size: 1234, at: '2026-12-05T02:55:00Z' } })]))
}

const outcome = (over: Partial<PublishedOutcome> = {}): PublishedOutcome => ({
  id: 'o1',
  kind: 'denunciation',
  category: 'bribe',
  areaCode: '26734',
  office: 'UBND Phường Sài Gòn',
  procedure: 'Cấp giấy phép xây dựng',
  result: 'substantiated',
  summary: 'Cán bộ quầy 3 bị kỷ luật vì đòi tiền.',
  concludedAt: '2026-11-04T02:00:00Z',
  publishedAt: '2026-11-05T02:00:00Z',
  ...over,
})
const LONG =
  'Đoàn thanh tra đã xác minh toàn bộ hồ sơ cấp phép xây dựng nộp tại bộ phận một cửa trong sáu tháng. ' +
  'Kết luận: cán bộ tiếp nhận đã yêu cầu nộp thêm khoản tiền ngoài quy định đối với nhiều hồ sơ; ' +
  'cán bộ này đã bị kỷ luật khiển trách và chuyển vị trí công tác, số tiền đã thu được trả lại cho người dân.'

const cell = (w: VueWrapper, table: string, row: string, col: string) =>
  w.get(`[data-testid="table-${table}"] tr[data-key="${row}"] td[data-col="${col}"]`)

describe('transparency page', () => {
  it('is linked from the navigation and the home page, and shows the figures as published, without signing in', async () => {
    const api = fakeApi()
    serve(api)
    const { w, router } = await mountApp('/', 'vi')
    expect(w.get('[data-testid="home-transparency"]').attributes('href')).toBe('/transparency')
    expect(w.get('[data-testid="nav-outcomes"]').attributes('href')).toBe('/outcomes')
    await w.get('[data-testid="nav-transparency"]').trigger('click')
    await until(() => w.find('[data-testid="headline"]').exists())
    expect(router.currentRoute.value.path).toBe('/transparency')
    expect(w.get('h1').text()).toBe('Số liệu minh bạch')
    expect(document.title).toBe('Số liệu minh bạch · Minh Bạch')
    expect(w.get('[data-testid="range-showing"]').text()).toBe('Số liệu từ tháng 01/2026 đến tháng 12/2026.')

    // Headline: counts with Vietnamese grouping, rates, days, and what is not published.
    expect(w.get('[data-testid="headline-received"] .stat-big').text()).toBe('1.234')
    expect(w.get('[data-testid="headline-ontime"] .stat-big').text()).toMatch(/^88\s?%$/)
    expect(w.get('[data-testid="headline-ontime"] .stat-sub').text()).toBe('50 đúng hạn, 7 trễ hạn')
    expect(w.get('[data-testid="headline-median"] .stat-big').text()).toBe('18 ngày')
    expect(w.get('[data-testid="headline-median"] .stat-sub').text()).toContain('41 ngày')
    expect(w.get('[data-testid="headline-overdue"] .stat-big').text()).toBe('dưới 5')
    expect(w.get('[data-testid="headline-appeals"] .stat-big').text()).toBe('ẩn')
    expect(w.get('[data-testid="headline-rec"] .stat-big').text()).toMatch(/^80\s?%$/)
    expect(w.get('[data-testid="headline-rec"] .stat-sub').text()).toBe('8 trên 10 kiến nghị đã trả lời')
    expect(w.get('[data-testid="headline-satisfied"] .stat-sub').text()).toBe('15 trên 20 lượt đánh giá')
    expect(w.get('[data-testid="protection"]').text()).toContain('từ 1 đến 4')

    // Monthly tables: each month and the whole range; "dưới 5", withheld, and a dash read out as unpublished.
    expect(cell(w, 'flow', '2026-11', 'received').text()).toBe('3')
    expect(cell(w, 'flow', '2026-11', 'concluded').text()).toBe('dưới 5')
    expect(cell(w, 'flow', 'total', 'received').text()).toBe('1.234')
    expect(cell(w, 'ontime', '2026-12', 'late').text()).toBe('ẩn')
    const dash = cell(w, 'ontime', '2026-12', 'onTimeRate')
    expect(dash.get('[aria-hidden="true"]').text()).toBe('—')
    expect(dash.get('.sr-only').text()).toBe('chưa công bố: quá ít phản ánh để tính')
    // Never worked out by subtraction: 2026-12's late stays hidden although concluded and on time are shown.
    expect(cell(w, 'ontime', '2026-12', 'late').text()).not.toBe('1')

    // Accessible tables: a caption, column and row headers, a labelled region that scrolls by keyboard.
    const flow = w.get('[data-testid="table-flow"]')
    expect(flow.attributes('role')).toBe('region')
    expect(flow.attributes('tabindex')).toBe('0')
    expect(flow.attributes('aria-label')).toBe('Phản ánh nhận được và đã giải quyết theo tháng')
    expect(flow.get('caption').text()).toBe('Phản ánh nhận được và đã giải quyết theo tháng')
    expect(flow.findAll('th[scope="col"]').map((h) => h.text())).toEqual(['Tháng', 'Đã nhận', 'Đã giải quyết'])
    expect(flow.findAll('th[scope="row"]').map((h) => h.text())).toEqual(['11/2026', '12/2026', 'Cả khoảng thời gian'])

    // Charts: the server's images, in the page's language, with words.
    const chartFlow = w.get('[data-testid="chart-flow"]')
    expect(chartFlow.attributes('src')).toBe(`${S}/chart.svg?${RANGE}&chart=flow&lang=vi`)
    expect(chartFlow.attributes('alt')).toContain('từ 01/2026 đến 12/2026')
    expect(w.get('[data-testid="chart-ontime"]').attributes('src')).toBe(`${S}/chart.svg?${RANGE}&chart=ontime&lang=vi`)
    expect(w.get('[data-testid="chart-category"]').attributes('src')).toBe(`${S}/chart.svg?${RANGE}&by=category&chart=slices&lang=vi`)
    expect(w.get('[data-testid="chart-province"]').attributes('alt')).toContain('tỉnh, thành phố')

    // Slices.
    expect(cell(w, 'category', 'bribe', 'received').text()).toBe('800')
    expect(cell(w, 'category', 'delay', 'received').text()).toBe('dưới 5')
    expect(cell(w, 'province', '01', 'received').text()).toBe('ẩn')
    expect(w.get('[data-testid="table-kind"]').text()).toContain('Phản ánh, kiến nghị')

    // Ranking: only units with 10 concluded and a rate; the others apart.
    expect(w.get('[data-testid="ranking-rule"]').text()).toContain('từ 10 phản ánh được giải quyết')
    const ranked = w.get('[data-testid="table-ranking"]').findAll('tbody tr')
    expect(ranked.map((r) => [r.get('[data-testid="stats-rank"]').text(), r.get('th').text()])).toEqual([
      ['1', 'Thanh tra B'],
      ['2', 'Thanh tra A'],
    ])
    expect(w.get('[data-testid="table-unranked"]').findAll('tbody th').map((h) => h.text())).toEqual(['Thanh tra C'])
    expect(cell(w, 'unranked', 'tt-c', 'concluded').text()).toBe('dưới 5')

    // Front supervision, the outcomes, open data.
    expect(w.get('[data-testid="section-front"] h2').text()).toBe('Giám sát của Mặt trận Tổ quốc')
    expect(cell(w, 'front', 'total', 'recFiled').text()).toBe('12')
    expect(cell(w, 'front', 'total', 'recAnswered').text()).toBe('10')
    expect(cell(w, 'front', 'total', 'recOnTime').text()).toBe('8')
    expect(cell(w, 'front', 'total', 'recOnTimeRate').text()).toMatch(/^80\s?%$/)
    expect(w.get('[data-testid="headline-median"] dt').text()).toBe('Thời gian giải quyết (trung vị)')
    expect(w.get('[data-testid="transparency-outcomes"]').attributes('href')).toBe('/outcomes')
    expect(w.get('[data-testid="download-csv-monthly"]').attributes('href')).toBe(`${S}?${RANGE}&monthly=true&format=csv`)
    expect(w.get('[data-testid="download-json-monthly"]').attributes('href')).toBe(`${S}?${RANGE}&monthly=true`)
    expect(w.get('[data-testid="download-csv-category"]').attributes('href')).toBe(`${S}?${RANGE}&by=category&format=csv`)
    expect(w.get('[data-testid="download-csv-monthly"] .sr-only').text()).toBe(': Theo tháng')
    expect(w.get('[data-testid="licence"]').text()).toContain('CC BY 4.0')
    expect(w.get('[data-testid="licence"]').text()).toContain('“Minh Bạch”')
    expect(w.get('[data-testid="fields"]').text()).toContain('“<5”')

    // The public log and its witnesses, below the figures.
    await until(() => w.find('[data-testid="log-witness-table"]').exists())
    const log = w.get('[data-testid="log-witnesses"]')
    expect(log.get('h2').text()).toBe('Sổ công khai')
    expect(log.get('[data-testid="log-size"]').text()).toBe('1.234')
    expect(log.get('[data-testid="log-witness-status"]').text()).toBe('Bình thường: đang đồng xác nhận')
    expect(log.get('[data-testid="log-witness-cosigned"]').text()).toContain('05/12/2026 lúc 09:55 (5 phút trước)')

    // A public page: no staff session is asked for.
    expect(api.calls.some((c) => c.url.startsWith('/api/v1/auth'))).toBe(false)
    expect(api.calls.every((c) => !c.headers.Authorization)).toBe(true)
  })

  it('keeps the range in the address, checks it, and reloads the figures in English', async () => {
    const api = fakeApi()
    serve(api)
    serve(api, 'from=2026-03&to=2026-05')
    const { w, router } = await mountApp('/transparency', 'en')
    await until(() => w.find('[data-testid="headline"]').exists())
    expect(w.get('h1').text()).toBe('Transparency figures')
    expect(w.get('[data-testid="headline-received"] .stat-big').text()).toBe('1,234')
    expect(w.get('[data-testid="headline-overdue"] .stat-big').text()).toBe('fewer than 5')
    expect(w.get('[data-testid="headline-appeals"] .stat-big').text()).toBe('withheld')
    expect(w.get('[data-testid="chart-flow"]').attributes('src')).toContain('lang=en')

    // The last month before the first: refused in place.
    await w.get('[data-testid="range-from"]').setValue('2026-06')
    await w.get('[data-testid="range-to"]').setValue('2026-05')
    await w.get('[data-testid="range-form"]').trigger('submit')
    expect(w.get('[data-testid="range-problem"]').text()).toBe('The last month must be the first month or later.')
    expect(w.get('[data-testid="range-from"]').attributes('aria-invalid')).toBe('true')

    await w.get('[data-testid="range-from"]').setValue('2026-03')
    await w.get('[data-testid="range-form"]').trigger('submit')
    await until(() => router.currentRoute.value.query.from === '2026-03')
    await until(() => w.find('[data-testid="range-showing"]').exists())
    expect(router.currentRoute.value.query).toEqual({ from: '2026-03', to: '2026-05' })
    expect(w.get('[data-testid="range-showing"]').text()).toBe('Figures from 03/2026 to 05/2026.')
    expect(api.callsTo('GET', `${S}?from=2026-03&to=2026-05&monthly=true`)).toHaveLength(1)
    // The outcomes do not depend on the range: read once, and still shown.
    expect(api.callsTo('GET', LATEST)).toHaveLength(1)
    expect(w.get('[data-testid="outcomes-none"]').text()).toBe('No outcome has been published yet.')
    expect(w.get('[data-testid="download-csv-unit"]').attributes('href')).toBe(`${S}?from=2026-03&to=2026-05&by=unit&format=csv`)
  })

  it('shows the communes of a chosen province', async () => {
    const api = fakeApi()
    serve(api)
    const { w, router } = await mountApp('/transparency', 'vi')
    await until(() => w.find('[data-testid="province-select"]').exists())
    const options = w.get('[data-testid="province-select"]').findAll('option')
    expect(options.map((o) => o.text())).toEqual(['Chọn tỉnh, thành phố', 'Thành phố Hồ Chí Minh', 'Thành phố Hà Nội'])
    await w.get('[data-testid="province-select"]').setValue('79')
    await w.get('[data-testid="province-form"]').trigger('submit')
    await until(() => w.find('[data-testid="table-commune"]').exists())
    expect(router.currentRoute.value.query).toEqual({ from: '2026-01', to: '2026-12', province: '79' })
    expect(w.get('[data-testid="section-communes"] h3').text()).toBe('Các xã, phường của Thành phố Hồ Chí Minh')
    expect(cell(w, 'commune', '26734', 'received').text()).toBe('7')
    expect(w.get('[data-testid="chart-commune"]').attributes('src')).toBe(`${S}/chart.svg?${RANGE}&area=79&by=commune&chart=slices&lang=vi`)
    expect(w.get('[data-testid="download-csv-commune"]').attributes('href')).toBe(`${S}?${RANGE}&area=79&by=commune&format=csv`)

    await w.get('[data-testid="province-clear"]').trigger('click')
    await until(() => !w.find('[data-testid="table-commune"]').exists())
    expect(router.currentRoute.value.query).toEqual({ from: '2026-01', to: '2026-12' })
  })

  it('says when the figures cannot be loaded, and retries', async () => {
    const api = fakeApi()
    serve(api)
    api.on('GET', `${S}?${RANGE}&monthly=true`, () => apiError(503, 'unavailable'), () => jsonResponse(200, monthly))
    const { w } = await mountApp('/transparency', 'en')
    await until(() => w.find('[data-testid="transparency-error"]').exists())
    expect(w.get('[data-testid="transparency-error"]').text()).toContain('The figures could not be loaded.')
    expect(w.find('[data-testid="headline"]').exists()).toBe(false)
    await w.get('[data-testid="transparency-error"] button').trigger('click')
    await until(() => w.find('[data-testid="headline"]').exists())
    await settle()
    expect(w.find('[data-testid="transparency-error"]').exists()).toBe(false)
  })

  it('shows the latest published outcomes themselves, as the feed publishes them, each linked to its full card', async () => {
    const api = fakeApi()
    serve(api)
    api.json('GET', LATEST, 200, {
      items: [
        outcome({ id: 'o2', summary: LONG, appeal: 'under_review', publishedAt: '2026-12-01T02:00:00Z' }),
        outcome({ id: 'o1', category: 'delay', result: 'unsubstantiated', kind: 'feedback', areaCode: undefined, office: undefined, procedure: undefined }),
      ],
      nextCursor: 'more',
    })
    api.json('GET', '/api/v1/outcomes', 200, {
      items: [outcome({ id: 'o2', summary: LONG, appeal: 'under_review' }), outcome({ id: 'o1' })],
      nextCursor: null,
    })
    const { w, router } = await mountApp('/transparency', 'vi')
    await until(() => w.findAll('[data-testid="section-outcomes"] [data-testid="outcome"]').length === 2)
    expect(api.callsTo('GET', LATEST)).toHaveLength(1)

    const section = w.get('[data-testid="section-outcomes"]')
    expect(section.attributes('aria-labelledby')).toBe('tp-outcomes')
    expect(section.get('h2').text()).toBe('Kết quả mới công bố')
    expect(section.text()).toContain('không phụ thuộc khoảng thời gian')
    // A labelled list, one item per outcome, each titled by a heading under the section's.
    const list = section.get('ul')
    expect(list.attributes('aria-label')).toBe('Kết quả mới công bố')
    const [first, second] = list.findAll('li')
    expect(list.findAll('li')).toHaveLength(2)

    expect(first!.get('h3').text()).toBe('Đòi tiền, “bồi dưỡng”')
    expect(first!.get('[data-testid="outcome-result"]').text()).toBe('Đúng')
    expect(first!.get('[data-testid="outcome-kind"]').text()).toBe('Tố cáo')
    expect(first!.get('[data-testid="outcome-appeal"]').text()).toBe('Đã khiếu nại, tố cáo tiếp: đang xem xét vòng hai')
    expect(first!.get('[data-testid="outcome-area"]').text()).toBe('Phường Sài Gòn, Thành phố Hồ Chí Minh')
    expect(first!.get('[data-testid="outcome-concluded"]').text()).toBe('04/11/2026')
    expect(first!.get('[data-testid="outcome-published"]').text()).toBe('01/12/2026')
    // An excerpt of the summary, never more than the feed publishes: office and procedure are left to the full card.
    const summary = first!.get('[data-testid="outcome-summary"]').text()
    expect(summary.endsWith('…')).toBe(true)
    expect(LONG.startsWith(summary.slice(0, -1))).toBe(true)
    expect(summary.length).toBeLessThan(LONG.length)
    expect(first!.text()).not.toContain('UBND Phường Sài Gòn')
    const full = first!.get('[data-testid="outcome-full"]')
    expect(full.attributes('href')).toBe('/outcomes#outcome-o2')
    expect(full.text()).toBe('Xem đầy đủ: Đòi tiền, “bồi dưỡng”, công bố ngày 01/12/2026')
    expect(full.get('.sr-only').text()).toBe(': Đòi tiền, “bồi dưỡng”, công bố ngày 01/12/2026')

    expect(second!.get('h3').text()).toBe('Cố tình kéo dài')
    expect(second!.get('[data-testid="outcome-result"]').text()).toBe('Không đúng')
    expect(second!.find('[data-testid="outcome-area"]').exists()).toBe(false)
    expect(second!.find('[data-testid="outcome-appeal"]').exists()).toBe(false)
    expect(second!.get('[data-testid="outcome-summary"]').text()).toBe('Cán bộ quầy 3 bị kỷ luật vì đòi tiền.')
    expect(section.find('[data-testid="outcomes-none"]').exists()).toBe(false)
    expect(section.get('[data-testid="transparency-outcomes"]').attributes('href')).toBe('/outcomes')
    expect(section.get('[data-testid="transparency-outcomes"]').text()).toBe('Xem tất cả kết quả đã công bố')

    // The full outcome: its card on /outcomes, focused once the list is there.
    await full.trigger('click')
    await until(() => router.currentRoute.value.path === '/outcomes' && w.find('#outcome-o2').exists())
    expect(router.currentRoute.value.hash).toBe('#outcome-o2')
    await until(() => document.activeElement?.id === 'outcome-o2')
    expect(w.get('#outcome-o2 [data-testid="outcome-summary"]').text()).toBe(LONG)
    expect(w.get('#outcome-o2').text()).toContain('UBND Phường Sài Gòn')
  })

  it('says it is loading the outcomes, then that none is published yet, in English', async () => {
    const api = fakeApi()
    serve(api)
    let answer: () => void = () => {}
    api.on('GET', LATEST, () => new Promise<Response>((done) => (answer = () => done(jsonResponse(200, { items: [], nextCursor: null })))))
    const { w } = await mountApp('/transparency', 'en')
    await until(() => w.find('[data-testid="headline"]').exists())
    expect(w.get('[data-testid="section-outcomes"] [data-testid="outcomes-loading"]').text()).toBe('Loading the published outcomes…')
    expect(w.find('[data-testid="outcomes-none"]').exists()).toBe(false)
    answer()
    await until(() => w.find('[data-testid="outcomes-none"]').exists())
    const section = w.get('[data-testid="section-outcomes"]')
    expect(section.get('h2').text()).toBe('Latest published outcomes')
    expect(section.get('[data-testid="outcomes-none"]').text()).toBe('No outcome has been published yet.')
    expect(section.find('ul').exists()).toBe(false)
    expect(section.find('[data-testid="outcomes-loading"]').exists()).toBe(false)
    expect(section.get('[data-testid="transparency-outcomes"]').text()).toBe('See all published outcomes')
  })

  it('says when the outcomes cannot be loaded and retries, the figures shown meanwhile; and shows the outcomes when the figures fail', async () => {
    const api = fakeApi()
    serve(api)
    api.on('GET', LATEST, () => apiError(503, 'unavailable'), () => jsonResponse(200, { items: [outcome()], nextCursor: null }))
    const { w } = await mountApp('/transparency', 'en')
    await until(() => w.find('[data-testid="outcomes-error"]').exists())
    expect(w.get('[data-testid="outcomes-error"]').attributes('role')).toBe('alert')
    expect(w.get('[data-testid="outcomes-error"]').text()).toContain('The published outcomes could not be loaded.')
    expect(w.find('[data-testid="headline"]').exists()).toBe(true)
    expect(w.find('[data-testid="section-outcomes"] [data-testid="outcome"]').exists()).toBe(false)
    await w.get('[data-testid="outcomes-error"] button').trigger('click')
    await until(() => w.find('[data-testid="section-outcomes"] [data-testid="outcome"]').exists())
    expect(w.find('[data-testid="outcomes-error"]').exists()).toBe(false)
    expect(w.get('[data-testid="section-outcomes"] h3').text()).toBe('Bribe or “fee” demanded')
    expect(api.callsTo('GET', LATEST)).toHaveLength(2)
    w.unmount()

    const api2 = fakeApi()
    serve(api2)
    api2.on('GET', `${S}?${RANGE}&monthly=true`, () => apiError(503, 'unavailable'))
    api2.json('GET', LATEST, 200, { items: [outcome()], nextCursor: null })
    const again = await mountApp('/transparency', 'vi')
    await until(() => again.w.find('[data-testid="transparency-error"]').exists())
    await until(() => again.w.find('[data-testid="section-outcomes"] [data-testid="outcome"]').exists())
    expect(again.w.find('[data-testid="headline"]').exists()).toBe(false)
    expect(again.w.get('[data-testid="section-outcomes"] [data-testid="outcome-result"]').text()).toBe('Đúng')
  })
})
