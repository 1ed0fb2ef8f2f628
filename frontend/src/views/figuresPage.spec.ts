import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { apiError, fakeApi } from '../testing/fakeApi'
import { openAs, resetPageTests, settle, until } from '../testing/mountApp'
import { testMeta } from '../testing/meta'
import { recentRange, thisYearRange, type HotspotAnswer, type StaffFigures, type StaffStatsAnswer } from '../staffFigures'
import en from '../locales/en'
import viMessages from '../locales/vi'

// The staff's figures page (/staff/figures): exact figures of the caller's
// scope, the hotspots, and the period report download, as an inspector, a
// monitor and an admin use it.

resetPageTests()

const year = thisYearRange()
const hot = recentRange(3)
const STATS = `/api/v1/stats?from=${year.from}&to=${year.to}&monthly=true`
const HOTSPOTS = `/api/v1/stats/hotspots?from=${hot.from}&to=${hot.to}&min=3`

const zero = (): StaffFigures => ({
  received: 0,
  accepted: 0,
  rejected: 0,
  transferred: 0,
  withdrawn: 0,
  concluded: 0,
  byOutcome: {},
  onTime: 0,
  late: 0,
  onTimeRate: null,
  medianDays: null,
  p90Days: null,
  rated: 0,
  meanStars: null,
  satisfied: 0,
  appealed: 0,
  appeals: 0,
  extended: 0,
  recFiled: 0,
  recAnswered: 0,
  recOnTime: 0,
  open: 0,
  overdue: 0,
})

/** answer gives every month of the range zero figures but the last, which holds `last`; the total is `last` too. */
function answer(last: Partial<StaffFigures>, range = year): StaffStatsAnswer {
  const months: string[] = []
  for (let m = range.from; m <= range.to; ) {
    months.push(m)
    const [y, mm] = m.split('-').map(Number) as [number, number]
    m = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`
  }
  return {
    from: range.from,
    to: range.to,
    rows: months.map((month, i) => ({ month, ...zero(), ...(i === months.length - 1 ? { ...last, open: 0, overdue: 0 } : {}) })),
    total: { ...zero(), ...last },
  }
}

const hotspots = (over: Partial<HotspotAnswer['dims']> = {}): HotspotAnswer => ({
  from: hot.from,
  to: hot.to,
  min: 3,
  dims: { office: [], counter: [], procedure: [], official: [], ...over },
})

const ONE = { received: 1, accepted: 1, concluded: 1, byOutcome: { substantiated: 1 }, onTime: 1, onTimeRate: 1, medianDays: 3, p90Days: 3, open: 2, overdue: 1 }

describe('figures page', () => {
  it('shows an inspector the exact figures of their unit, a count of 1 as 1, in an accessible monthly table', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', STATS, 200, answer(ONE))
    api.json('GET', HOTSPOTS, 200, hotspots())
    const { w } = await openAs({ role: 'inspector', unitName: 'Thanh tra Phường Sài Gòn' }, '/staff/figures', 'figures-monthly')

    expect(api.callsTo('GET', STATS)[0]!.headers.Authorization).toBe('Bearer acc')
    expect(w.get('h1').text()).toBe('Figures and period reports')
    expect(document.title).toContain('Figures and period reports')
    expect(w.get('[data-testid="figures-scope"]').text()).toBe('Scope: Thanh tra Phường Sài Gòn')
    // The defaults: this year so far.
    expect((w.get('[data-testid="figures-from"]').element as HTMLSelectElement).value).toBe(year.from)
    expect((w.get('[data-testid="figures-to"]').element as HTMLSelectElement).value).toBe(year.to)
    // No scope to choose but an admin's.
    expect(w.find('[data-testid="figures-scope-select"]').exists()).toBe(false)

    expect(w.get('[data-testid="figures-headline-received"] .stat-big').text()).toBe('1')
    expect(w.get('[data-testid="figures-headline-ontime"] .stat-big').text()).toBe('100%')
    expect(w.get('[data-testid="figures-headline-ontime"] .stat-sub').text()).toBe('1 on time, 0 late')
    expect(w.get('[data-testid="figures-headline-overdue"] .stat-big').text()).toBe('1')

    const table = w.get('[data-testid="figures-monthly"]')
    expect(table.attributes('role')).toBe('region')
    expect(table.attributes('tabindex')).toBe('0')
    expect(table.get('caption').text()).toContain('Figures by month')
    const heads = table.findAll('thead th')
    expect(heads.every((th) => th.attributes('scope') === 'col')).toBe(true)
    expect(heads[0]!.text()).toBe('Month')
    const rows = table.findAll('[data-testid="figures-month-row"]')
    expect(rows).toHaveLength(Number(year.to.slice(5)))
    const last = rows.at(-1)!
    expect(last.get('th[scope="row"]').text()).toBe(`${year.to.slice(5)}/${year.to.slice(0, 4)}`)
    expect(last.get('td[data-col="received"]').text()).toBe('1')
    expect(last.get('td[data-col="medianDays"]').text()).toBe('3 days')
    // A month with nothing concluded has no rate: a dash, and words for screen readers.
    if (rows.length > 1) {
      const dash = rows[0]!.get('td[data-col="onTimeRate"]')
      expect(dash.get('[aria-hidden="true"]').text()).toBe('—')
      expect(dash.get('.sr-only').text()).toBe(en.figures.dash)
    }
    expect(table.get('[data-testid="figures-month-total"] td[data-col="concluded"]').text()).toBe('1')

    // Every figure of the range, with its group headers.
    const total = w.get('[data-testid="figures-total"]')
    const value = (k: string) => total.get(`tr[data-key="${k}"] td`).text()
    expect(value('received')).toBe('1')
    expect(value('byOutcome.substantiated')).toBe('1')
    expect(value('byOutcome.unsubstantiated')).toBe('0')
    expect(value('open')).toBe('2')
    expect(value('recOnTimeRate')).toBe('—' + en.figures.dash)
    expect(total.findAll('th[scope="rowgroup"]').map((th) => th.text())).toEqual(Object.values(en.figures.total.groups))

    // The hotspots say they are never public, and that none reach the minimum.
    expect(w.get('[data-testid="hotspots-private"]').text()).toContain('never published')
    expect(w.get('[data-testid="hotspots-office-none"]').text()).toBe('No office has 3 reports or more.')

    // The staff menu links to the page.
    expect(w.get('[data-testid="staff-nav-figures"]').attributes('href')).toBe('/staff/figures')
  })

  it('keeps the range and the filters in the address, and sends them', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', STATS, 200, answer({}))
    api.json('GET', HOTSPOTS, 200, hotspots())
    const range = { from: year.to, to: year.to }
    const filtered = `/api/v1/stats?from=${range.from}&to=${range.to}&monthly=true&area=26734&kind=complaint&category=bribe&channel=reception`
    api.json('GET', filtered, 200, answer({ received: 4 }, range))
    api.json('GET', '/api/v1/units', 200, {
      items: [{ id: 'unit-1', code: 'tt-q1', name: { vi: 'Thanh tra Quận 1', en: 'District 1 Inspectorate' }, type: 'inspection' }],
    })
    const { w, router, i18n } = await openAs('lead', '/staff/figures', 'figures-monthly', 'vi')
    expect(w.get('h1').text()).toBe('Số liệu và báo cáo kỳ')
    // The unit is named in the page's language (the session knows one name only: "Thanh tra Thành phố").
    await until(() => w.get('[data-testid="figures-scope"]').text() === 'Phạm vi: Thanh tra Quận 1')
    i18n.global.locale.value = 'en'
    await settle()
    expect(w.get('[data-testid="figures-scope"]').text()).toBe('Scope: District 1 Inspectorate')
    i18n.global.locale.value = 'vi'
    await settle()
    expect(w.get('[data-testid="figures-empty"]').text()).toBe(viMessages.figures.empty)

    await w.get('[data-testid="figures-from"]').setValue(range.from)
    await w.get('[data-testid="figures-kind"]').setValue('complaint')
    await w.get('[data-testid="figures-category"]').setValue('bribe')
    await w.get('[data-testid="figures-channel"]').setValue('reception')
    // Communes appear once a province is chosen.
    expect(w.find('[data-testid="figures-commune"]').exists()).toBe(false)
    await w.get('[data-testid="figures-province"]').setValue('79')
    await w.get('[data-testid="figures-commune"]').setValue('26734')
    await w.get('[data-testid="figures-filters"]').trigger('submit')
    await until(() => api.callsTo('GET', filtered).length === 1)
    expect(router.currentRoute.value.query).toEqual({ from: range.from, to: range.to, kind: 'complaint', category: 'bribe', channel: 'reception', area: '26734' })
    // The form, read back from the address, keeps the commune within its province.
    expect((w.get('[data-testid="figures-province"]').element as HTMLSelectElement).value).toBe('79')
    expect((w.get('[data-testid="figures-commune"]').element as HTMLSelectElement).value).toBe('26734')
    await until(() => w.get('[data-testid="figures-headline-received"] .stat-big').text() === '4')
    expect(w.findAll('[data-testid="figures-month-row"]')).toHaveLength(1)
    // The report's period follows the figures' range.
    expect((w.get('[data-testid="period-from"]').element as HTMLSelectElement).value).toBe(range.from)
  })

  it('refuses a reversed range on the page, without asking the server', async () => {
    const api = fakeApi()
    api.json('GET', STATS, 200, answer({}))
    api.json('GET', HOTSPOTS, 200, hotspots())
    const { w } = await openAs('inspector', '/staff/figures', 'figures-monthly')
    if (year.from === year.to) return // January: no reversed range to choose within the year's options.
    await w.get('[data-testid="figures-from"]').setValue(year.to)
    await w.get('[data-testid="figures-to"]').setValue(year.from)
    await w.get('[data-testid="figures-filters"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="figures-range-problem"]').text()).toBe('The last month must be the same as or after the first.')
    expect(w.get('[data-testid="figures-from"]').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement?.id).toBe('figures-from')
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/stats?'))).toHaveLength(1)
  })

  it('lists the hotspots with the chosen window and minimum, and checks the minimum', async () => {
    const api = fakeApi()
    api.json('GET', STATS, 200, answer({}))
    api.json('GET', HOTSPOTS, 200, hotspots({ office: [{ name: 'ubnd phuong tan dinh', received: 4, concluded: 2, substantiated: 1 }] }))
    const two = `/api/v1/stats/hotspots?from=${hot.from}&to=${hot.to}&min=2`
    api.json('GET', two, 200, {
      ...hotspots({
        office: [{ name: 'ubnd phuong tan dinh', received: 4, concluded: 2, substantiated: 1 }],
        official: [{ name: 'lan', received: 2, concluded: 0, substantiated: 0 }],
      }),
      min: 2,
    })
    const { w, router } = await openAs('inspector', '/staff/figures', 'hotspot-row')
    const office = w.get('[data-testid="hotspots-office-table"]')
    const mm = (m: string) => `${m.slice(5)}/${m.slice(0, 4)}`
    expect(office.get('caption').text()).toBe(`Offices: names with at least 3 reports, from ${mm(hot.from)} to ${mm(hot.to)}`)
    expect(office.findAll('thead th').map((th) => th.text())).toEqual(['Name (grouped)', 'Reports received', 'Resolved', 'Found substantiated or partly'])
    expect(office.get('[data-testid="hotspot-row"]').findAll('td').map((td) => td.text())).toEqual(['ubnd phuong tan dinh', '4', '2', '1'])
    expect(w.get('[data-testid="hotspots-official-none"]').text()).toBe('No official is named by 3 reports or more.')

    await w.get('[data-testid="hot-min"]').setValue('0')
    await w.get('[data-testid="hotspots-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="hot-min-problem"]').text()).toBe('Enter a whole number from 1 to 1000.')
    expect(document.activeElement?.id).toBe('hot-min')

    // A period chosen for the report stays when the hotspots' window changes.
    await w.get('[data-testid="period-from"]').setValue(year.to)
    await w.get('[data-testid="hot-min"]').setValue('2')
    await w.get('[data-testid="hotspots-form"]').trigger('submit')
    await until(() => api.callsTo('GET', two).length === 1)
    expect(router.currentRoute.value.query).toEqual({ hfrom: hot.from, hto: hot.to, min: '2' })
    await until(() => w.find('[data-testid="hotspots-official-table"]').exists())
    expect(w.get('[data-testid="hotspots-showing"]').text()).toContain('at least 2 reports')
    expect(w.find('[data-testid="hot-min-problem"]').text()).toBe('')
    expect((w.get('[data-testid="period-from"]').element as HTMLSelectElement).value).toBe(year.to)
    // The figures were not asked again.
    expect(api.callsTo('GET', STATS)).toHaveLength(1)
  })

  it('shows a monitor their committee, and says so when the server refuses', async () => {
    const api = fakeApi()
    api.on('GET', STATS, () => apiError(403, 'forbidden'))
    api.json('GET', HOTSPOTS, 200, hotspots())
    const { w } = await openAs({ role: 'monitor', unitId: 'f1', unitName: 'Ủy ban MTTQ Phường Sài Gòn' }, '/staff/figures', 'figures-error', 'vi')
    expect(w.get('[data-testid="figures-scope"]').text()).toBe('Phạm vi: các phản ánh do Ủy ban MTTQ Phường Sài Gòn giám sát')
    expect(w.get('[data-testid="figures-error"]').text()).toContain(viMessages.apiError.forbidden)
    expect(w.get('[data-testid="staff-nav-figures"]').text()).toBe('Số liệu')
  })

  describe('period report', () => {
    let saved: string[]
    beforeEach(() => {
      saved = []
      vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {})
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push(this.download)
      })
    })
    afterEach(() => vi.restoreAllMocks())

    it('downloads the report of a monitor’s committee with the access token, in the format chosen', async () => {
      const api = fakeApi()
      api.json('GET', STATS, 200, answer(ONE))
      api.json('GET', HOTSPOTS, 200, hotspots())
      const pdf = `/api/v1/reports/period?scope=front%3Af1&from=${year.from}&to=${year.to}&format=pdf`
      const csv = `/api/v1/reports/period?scope=front%3Af1&from=${year.from}&to=${year.to}&format=csv`
      api.on(
        'GET',
        pdf,
        () => new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="bao-cao-ky_front-mt_x.pdf"' } }),
      )
      api.on(
        'GET',
        csv,
        () => apiError(500, 'internal'),
        () => new Response('report,scope', { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' } }),
      )
      const { w, i18n } = await openAs({ role: 'monitor', unitId: 'f1', unitName: 'MTTQ' }, '/staff/figures', 'period-form')
      expect((w.get('[data-testid="period-format-xlsx"]').element as HTMLInputElement).checked).toBe(true)
      expect(w.get('label[for="period-format-pdf"]').text()).toBe('Document to print and sign (PDF)')

      await w.get('[data-testid="period-format-pdf"]').setValue(true)
      await w.get('[data-testid="period-form"]').trigger('submit')
      await until(() => saved.length === 1)
      expect(api.callsTo('GET', pdf)[0]!.headers.Authorization).toBe('Bearer acc')
      expect(saved).toEqual(['bao-cao-ky_front-mt_x.pdf'])
      expect(w.get('[data-testid="period-status"]').text()).toBe('Downloaded bao-cao-ky_front-mt_x.pdf.')
      expect(w.get('[data-testid="period-status"]').attributes('role')).toBe('status')
      // The status line follows the page's language.
      i18n.global.locale.value = 'vi'
      await settle()
      expect(w.get('[data-testid="period-status"]').text()).toBe('Đã tải về bao-cao-ky_front-mt_x.pdf.')
      i18n.global.locale.value = 'en'
      await settle()

      await w.get('[data-testid="period-format-csv"]').setValue(true)
      await w.get('[data-testid="period-form"]').trigger('submit')
      await until(() => w.find('[data-testid="period-error"]').exists())
      expect(w.get('[data-testid="period-error"]').text()).toBe(`The report could not be downloaded. ${en.apiError.internal}`)
      expect(w.get('[data-testid="period-status"]').text()).toBe('')
      await w.get('[data-testid="period-form"]').trigger('submit')
      await until(() => saved.length === 2)
      // The answer named no file: the page names it as the server does.
      expect(saved[1]).toBe(`bao-cao-ky_front-f1_${year.from}_${year.to}.csv`)
      expect(w.find('[data-testid="period-error"]').exists()).toBe(false)
    })

    it('lets an admin choose a unit, a committee or the whole portal, for the figures, the hotspots and the report', async () => {
      const api = fakeApi()
      api.json('GET', '/api/v1/units', 200, {
        items: [
          { id: 'i1', code: 'tt-q1', name: { vi: 'Thanh tra Quận 1', en: 'District 1 Inspectorate' }, type: 'inspection' },
          { id: 'f1', code: 'mt-q1', name: { vi: 'MTTQ Quận 1', en: 'District 1 Front' }, type: 'front' },
        ],
      })
      api.json('GET', STATS, 200, answer({ received: 9 }))
      api.json('GET', HOTSPOTS, 200, hotspots())
      api.json('GET', `${STATS}&unit=i1`, 200, answer({ received: 2 }))
      api.json('GET', `${HOTSPOTS}&unit=i1`, 200, hotspots())
      const xlsx = `/api/v1/reports/period?scope=unit%3Ai1&from=${year.from}&to=${year.to}&format=xlsx`
      api.on('GET', xlsx, () => new Response('PK', { status: 200, headers: { 'Content-Disposition': 'attachment; filename="bao-cao-ky_unit-tt-q1.xlsx"' } }))
      const { w, router } = await openAs({ role: 'admin', unitId: '', unitName: '' }, '/staff/figures', (p) =>
        p.findAll('#figures-scope-select option').length === 3,
      )
      expect(w.get('[data-testid="figures-scope"]').text()).toBe('Scope: the whole portal')
      expect(w.get('[data-testid="figures-headline-received"] .stat-big').text()).toBe('9')
      expect(w.findAll('#figures-scope-select optgroup').map((g) => g.attributes('label'))).toEqual(['Inspection units', 'Fatherland Front committees'])

      await w.get('[data-testid="figures-scope-select"]').setValue('unit:i1')
      await w.get('[data-testid="figures-filters"]').trigger('submit')
      await until(() => api.callsTo('GET', `${STATS}&unit=i1`).length === 1 && api.callsTo('GET', `${HOTSPOTS}&unit=i1`).length === 1)
      expect(router.currentRoute.value.query.scope).toBe('unit:i1')
      await until(() => w.get('[data-testid="figures-scope"]').text() === 'Scope: District 1 Inspectorate')
      expect(w.get('[data-testid="figures-headline-received"] .stat-big').text()).toBe('2')

      await w.get('[data-testid="period-form"]').trigger('submit')
      await until(() => saved.length === 1)
      expect(saved).toEqual(['bao-cao-ky_unit-tt-q1.xlsx'])
    })
  })
})
