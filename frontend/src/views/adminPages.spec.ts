import { describe, expect, it } from 'vitest'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import { setSession } from '../staffSession'
import type { AdminArea, AdminUser, Unit } from '../staffApi'

resetPageTests(() => setSession(grant('acc', staffUser({ id: 'a1', role: 'admin', unitId: '' }))))

const areas: AdminArea[] = [
  { code: '79', parent: '', level: 'province', name: { vi: 'Thành phố Hồ Chí Minh', en: 'Ho Chi Minh City' } },
  { code: '26734', parent: '79', level: 'commune', name: { vi: 'Phường Sài Gòn', en: 'Sai Gon Ward' } },
  { code: '26740', parent: '79', level: 'commune', name: { vi: 'Phường Tân Định', en: 'Tan Dinh Ward' } },
]

describe('admin: units', () => {
  it('edits a unit without sending its code or type, choosing areas with an accent-blind filter', async () => {
    const unit: Unit = { id: 'i1', code: 'tt-hcm', name: { vi: 'Thanh tra', en: 'Inspectorate' }, type: 'inspection', areaCodes: ['79'], active: true }
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/units', 200, { items: [unit] })
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    api.on('PATCH', '/api/v1/admin/units/i1', (c) => jsonResponse(200, { ...unit, ...(c.body as object) }))
    const { w } = await mountApp('/admin/units')
    await until(() => w.find('[data-testid="unit-row"]').exists())
    expect(w.get('[data-testid="unit-row"]').text()).toContain('1 areas')
    await w.get('#unit-edit-i1').trigger('click')
    await settle()
    expect(w.get('[data-testid="unit-code"]').attributes('readonly')).toBeDefined()
    expect(w.get('[data-testid="unit-type-front"]').attributes('disabled')).toBeDefined()
    expect(w.get('[data-testid="area-chosen"]').text()).toContain('Ho Chi Minh City')

    await w.get('[data-testid="unit-areaCodes-filter"]').setValue('tan dinh')
    expect(w.findAll('.area-option')).toHaveLength(1)
    await w.get('[data-testid="unit-areaCodes-opt-26740"]').setValue(true)
    await w.get('[data-testid="unit-name-en"]').setValue('City Inspectorate')
    await w.get('[data-testid="unit-active"]').setValue(false)
    await w.get('[data-testid="unit-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('PATCH', '/api/v1/admin/units/i1')[0]!.body).toEqual({
      name: { vi: 'Thanh tra', en: 'City Inspectorate' },
      areaCodes: ['79', '26740'],
      active: false,
    })
    expect(w.get('[data-testid="admin-status"]').text()).toBe('Saved.')
  })

  it('shows the server field errors of a new unit next to their fields', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/units', 200, { items: [] })
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    api.on('POST', '/api/v1/admin/units', () => apiError(400, 'invalid', { 'name.en': 'too_long', code: 'invalid' }))
    const { w } = await mountApp('/admin/units', 'vi')
    await until(() => w.find('[data-testid="unit-new"]').exists())
    await w.get('[data-testid="unit-new"]').trigger('click')
    await settle()
    await w.get('[data-testid="unit-code"]').setValue('tt-moi')
    await w.get('[data-testid="unit-name-vi"]').setValue('Thanh tra mới')
    await w.get('[data-testid="unit-name-en"]').setValue('New')
    await w.get('[data-testid="unit-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/units')[0]!.body).toEqual({
      code: 'tt-moi',
      name: { vi: 'Thanh tra mới', en: 'New' },
      type: 'inspection',
      areaCodes: [],
      active: true,
    })
    expect(w.get('[data-testid="error-unit-code"]').text()).toBe('Giá trị không hợp lệ.')
    expect(w.get('[data-testid="error-unit-name-en"]').text()).toBe('Nội dung quá dài.')
    expect(document.activeElement?.id).toBe('unit-code')
  })
})

describe('admin: errors that go once fixed', () => {
  it('clears a field’s error and aria-invalid as soon as it is right, keeps the others, and forgets the server’s once changed', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/units', 200, { items: [] })
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    api.on('POST', '/api/v1/admin/units', () => apiError(409, 'conflict'))
    const { w } = await mountApp('/admin/units', 'en')
    await until(() => w.find('[data-testid="unit-new"]').exists())
    await w.get('[data-testid="unit-new"]').trigger('click')
    await settle()
    await w.get('[data-testid="unit-form"]').trigger('submit')
    await settle()
    expect(w.get('#unit-code').attributes('aria-invalid')).toBe('true')
    expect(w.get('#unit-name-vi').attributes('aria-invalid')).toBe('true')
    expect(w.find('#unit-form-error').exists()).toBe(true)

    await w.get('[data-testid="unit-code"]').setValue('tt-moi')
    await settle()
    expect(w.find('[data-testid="error-unit-code"]').exists()).toBe(false)
    expect(w.get('#unit-code').attributes('aria-invalid')).toBeUndefined()
    // The fields not yet touched keep their errors.
    expect(w.get('#unit-name-vi').attributes('aria-invalid')).toBe('true')

    await w.get('[data-testid="unit-name-vi"]').setValue('Thanh tra mới')
    await w.get('[data-testid="unit-name-en"]').setValue('New inspectorate')
    await settle()
    expect(w.findAll('[aria-invalid="true"]')).toHaveLength(0)
    expect(w.find('#unit-form-error').exists()).toBe(false)

    // The server says the code is taken: shown on the code until the code changes.
    await w.get('[data-testid="unit-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/units')).toHaveLength(1)
    expect(w.get('[data-testid="error-unit-code"]').text()).toBe('This value is already in use.')
    await w.get('[data-testid="unit-name-en"]').setValue('New inspection unit')
    await settle()
    expect(w.get('#unit-code').attributes('aria-invalid')).toBe('true')
    await w.get('[data-testid="unit-code"]').setValue('tt-moi-2')
    await settle()
    expect(w.find('[data-testid="error-unit-code"]').exists()).toBe(false)
    expect(w.get('#unit-code').attributes('aria-invalid')).toBeUndefined()
  })
})

describe('admin: the list page shell', () => {
  it('says when the list cannot be loaded, retries, then says there is none yet and opens an empty form', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/admin/categories', () => apiError(503, 'unavailable'), () => jsonResponse(200, { items: [] }))
    const { w } = await mountApp('/admin/categories')
    await until(() => w.text().includes('The data could not be loaded.'))
    expect(w.find('[data-testid="categories-table"]').exists()).toBe(false)
    expect(w.text()).not.toContain('Nothing here yet')
    await w.get('.error-summary button').trigger('click')
    await settle()
    expect(w.text()).not.toContain('The data could not be loaded.')
    expect(w.text()).toContain('Nothing here yet.')
    expect(w.get('#categories-heading').text()).toBe('Categories of wrongdoing')
    expect(w.get('[data-testid="admin-status"]').attributes('id')).toBe('categories-status')

    await w.get('[data-testid="category-new"]').trigger('click')
    await settle()
    expect(w.get('#category-form-heading').text()).toBe('Create a category')
    expect(document.activeElement?.id).toBe('category-code')
    expect((w.get('[data-testid="category-order"]').element as HTMLInputElement).value).toBe('10')
    // Cancel closes the form and gives the focus back to the button that opened it.
    await w.get('[data-testid="category-form"] button[type="button"]').trigger('click')
    await settle()
    expect(w.find('[data-testid="category-form"]').exists()).toBe(false)
    expect(document.activeElement?.id).toBe('category-new')
  })
})

describe('admin: areas, routing, holidays, deadlines', () => {
  it('lists areas as a tree of provinces and communes', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    const { w } = await mountApp('/admin/areas')
    await until(() => w.find('[data-testid="area-province"]').exists())
    const p = w.get('[data-testid="area-province"]')
    expect(p.text()).toContain('Ho Chi Minh City')
    expect(p.get('summary').text()).toBe('2 communes')
    expect(p.findAll('details li').map((li) => li.find('.area-name').text())).toEqual(['Sai Gon Ward 26734', 'Tan Dinh Ward 26740'])
  })

  it('marks remote areas in the list (a province’s mark covering its communes) and sets the mark in both forms', async () => {
    const api = fakeApi()
    let list: AdminArea[] = [
      { ...areas[0]!, remote: false },
      { ...areas[1]!, remote: true },
      { ...areas[2]!, remote: false },
      { code: '02', parent: '', level: 'province', name: { vi: 'Tỉnh Tuyên Quang', en: 'Tuyen Quang Province' }, remote: true },
      { code: '02101', parent: '02', level: 'commune', name: { vi: 'Xã Lâm Bình', en: 'Lam Binh Commune' }, remote: false },
    ]
    api.on('GET', '/api/v1/admin/areas', () => jsonResponse(200, { items: list }))
    api.on('POST', '/api/v1/admin/areas', (c) => {
      list = [...list, c.body as AdminArea]
      return jsonResponse(201, c.body)
    })
    api.on('PATCH', '/api/v1/admin/areas/26734', (c) => {
      list = list.map((a) => (a.code === '26734' ? { ...a, ...(c.body as object) } : a))
      return jsonResponse(200, list.find((a) => a.code === '26734'))
    })
    const { w } = await mountApp('/admin/areas', 'vi')
    await until(() => w.find('[data-testid="area-province"]').exists())
    const provinces = w.findAll('[data-testid="area-province"]')
    // Sorted by code: Tuyên Quang (02), then Hồ Chí Minh (79).
    expect(provinces[0]!.get('.area-name').text()).toBe('Tỉnh Tuyên Quang 02 — Vùng sâu, vùng xa')
    expect(provinces[0]!.get('details li .area-name').text()).toBe('Xã Lâm Bình 02101 — Vùng sâu, vùng xa (theo tỉnh)')
    expect(provinces[1]!.get('.area-name').text()).toBe('Thành phố Hồ Chí Minh 79')
    expect(provinces[1]!.findAll('details li .area-name').map((n) => n.text())).toEqual([
      'Phường Sài Gòn 26734 — Vùng sâu, vùng xa',
      'Phường Tân Định 26740',
    ])
    expect(w.findAll('[data-testid="area-remote-mark"]')).toHaveLength(3)

    // Create a remote commune.
    await w.get('[data-testid="area-new"]').trigger('click')
    await settle()
    expect(w.get('label[for="area-remote"]').text()).toBe('Vùng sâu, vùng xa')
    expect(w.get('#area-remote').attributes('aria-describedby')).toBe('area-remote-help')
    expect((w.get('[data-testid="area-remote"]').element as HTMLInputElement).checked).toBe(false)
    await w.get('[data-testid="area-code"]').setValue('26750')
    await w.get('[data-testid="area-level"]').setValue('commune')
    await w.get('[data-testid="area-parent"]').setValue('79')
    await w.get('[data-testid="area-name-vi"]').setValue('Phường Bến Thành')
    await w.get('[data-testid="area-name-en"]').setValue('Ben Thanh Ward')
    await w.get('[data-testid="area-remote"]').setValue(true)
    await w.get('[data-testid="area-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/areas')[0]!.body).toEqual({
      code: '26750',
      level: 'commune',
      parent: '79',
      name: { vi: 'Phường Bến Thành', en: 'Ben Thanh Ward' },
      remote: true,
    })

    // A commune of a remote province says it is covered.
    await w.get('[data-testid="area-new"]').trigger('click')
    await settle()
    await w.get('[data-testid="area-level"]').setValue('commune')
    await w.get('[data-testid="area-parent"]').setValue('02')
    expect(w.get('[data-testid="area-remote-by-parent"]').text()).toBe('Tỉnh Tuyên Quang đã được đánh dấu vùng sâu, vùng xa, nên xã, phường này cũng vậy.')
    await w.get('[data-testid="area-parent"]').setValue('79')
    expect(w.find('[data-testid="area-remote-by-parent"]').exists()).toBe(false)
    await w.get('[data-testid="area-form"] button[type="button"]').trigger('click')
    await settle()

    // Edit: the box starts from the area's mark, and the change is sent.
    await w.get('#area-edit-26734').trigger('click')
    await settle()
    expect((w.get('[data-testid="area-remote"]').element as HTMLInputElement).checked).toBe(true)
    await w.get('[data-testid="area-remote"]').setValue(false)
    await w.get('[data-testid="area-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('PATCH', '/api/v1/admin/areas/26734')[0]!.body).toEqual({
      parent: '79',
      level: 'commune',
      name: { vi: 'Phường Sài Gòn', en: 'Sai Gon Ward' },
      remote: false,
    })
    expect(w.get('[data-testid="admin-status"]').text()).toBe('Đã lưu.')
    const hcm = w.findAll('[data-testid="area-province"]')[1]!
    expect(hcm.findAll('details li .area-name').map((n) => n.text())).toEqual([
      'Phường Sài Gòn 26734',
      'Phường Tân Định 26740',
      'Phường Bến Thành 26750 — Vùng sâu, vùng xa',
    ])
  })

  it('shows the server’s error about the remote mark next to its box', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    api.on('PATCH', '/api/v1/admin/areas/79', () => apiError(400, 'invalid', { remote: 'invalid' }))
    const { w } = await mountApp('/admin/areas')
    await until(() => w.find('[data-testid="area-province"]').exists())
    await w.get('#area-edit-79').trigger('click')
    await settle()
    expect((w.get('[data-testid="area-remote"]').element as HTMLInputElement).checked).toBe(false)
    await w.get('[data-testid="area-remote"]').setValue(true)
    await w.get('[data-testid="area-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('PATCH', '/api/v1/admin/areas/79')[0]!.body).toMatchObject({ remote: true })
    expect(w.get('[data-testid="error-area-remote"]').text()).toBe('This value is not valid.')
    expect(w.get('#area-remote').attributes('aria-describedby')).toBe('area-remote-help area-remote-error')
    expect(document.activeElement?.id).toBe('area-remote')
  })

  it('warns in words when a rule sends reports to a unit with no active lead', async () => {
    const units: Unit[] = [
      { id: 'i1', code: 'tt', name: { vi: 'Thanh tra', en: 'Inspectorate' }, type: 'inspection', areaCodes: [], active: true },
      { id: 'i2', code: 'tt2', name: { vi: 'Thanh tra 2', en: 'Second inspectorate' }, type: 'inspection', areaCodes: [], active: true },
    ]
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/routing-rules', 200, {
      items: [
        { id: 'r1', category: '', areaCode: '79', inspectionUnitId: 'i1', frontUnitId: '', note: '' },
        { id: 'r2', category: '', areaCode: '', inspectionUnitId: 'i2', frontUnitId: '', note: '' },
      ],
    })
    api.json('GET', '/api/v1/admin/units', 200, { items: units })
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    api.json('GET', '/api/v1/admin/categories', 200, { items: [] })
    api.json('GET', '/api/v1/admin/users', 200, {
      items: [
        staffUser({ id: 'l1', role: 'lead', unitId: 'i1', active: true } as Partial<AdminUser>),
        staffUser({ id: 'l2', role: 'lead', unitId: 'i2', active: false } as Partial<AdminUser>),
        staffUser({ id: 'n2', role: 'inspector', unitId: 'i2', active: true } as Partial<AdminUser>),
      ],
    })
    const { w } = await mountApp('/admin/routing-rules')
    await until(() => w.findAll('[data-testid="routing-row"]').length === 2 && w.find('[data-testid="routing-no-lead"]').exists())
    const rows = w.findAll('[data-testid="routing-row"]')
    expect(rows[0]!.find('[data-testid="routing-no-lead"]').exists()).toBe(false)
    expect(rows[1]!.get('[data-testid="routing-no-lead"]').text()).toBe('(No active lead)')

    await w.get('[data-testid="rule-inspection"]').setValue('i1')
    await settle()
    expect(w.find('#rule-inspectionUnitId-help').exists()).toBe(false)
    await w.get('[data-testid="rule-inspection"]').setValue('i2')
    await settle()
    expect(w.get('#rule-inspectionUnitId-help').text()).toContain('no active lead')
  })

  it('adds a routing rule with any category, and deletes one after asking', async () => {
    const units: Unit[] = [
      { id: 'i1', code: 'tt', name: { vi: 'Thanh tra', en: 'Inspectorate' }, type: 'inspection', areaCodes: [], active: true },
      { id: 'f1', code: 'mt', name: { vi: 'Mặt trận', en: 'Front' }, type: 'front', areaCodes: [], active: true },
    ]
    const api = fakeApi()
    let rules = [{ id: 'r1', category: '', areaCode: '79', inspectionUnitId: 'i1', frontUnitId: 'f1', note: '' }]
    api.on('GET', '/api/v1/admin/routing-rules', () => jsonResponse(200, { items: rules }))
    api.json('GET', '/api/v1/admin/units', 200, { items: units })
    api.json('GET', '/api/v1/admin/areas', 200, { items: areas })
    api.json('GET', '/api/v1/admin/categories', 200, { items: [{ code: 'bribe', name: { vi: 'Đòi tiền', en: 'Bribe' }, order: 1, active: true }] })
    api.on('POST', '/api/v1/admin/routing-rules', (c) => {
      rules = [...rules, { ...(c.body as (typeof rules)[0]), id: 'r2' }]
      return jsonResponse(201, rules.at(-1))
    })
    api.on('DELETE', '/api/v1/admin/routing-rules/r1', () => {
      rules = rules.filter((r) => r.id !== 'r1')
      return new Response(null, { status: 204 })
    })
    const { w } = await mountApp('/admin/routing-rules')
    await until(() => w.find('[data-testid="routing-row"]').exists())
    expect(w.get('[data-testid="routing-row"]').findAll('td').slice(0, 4).map((td) => td.text())).toEqual([
      'Any',
      'Ho Chi Minh City',
      'Inspectorate',
      'Front',
    ])
    await w.get('[data-testid="rule-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-rule-inspectionUnitId"]').text()).toBe('This field is required.')
    await w.get('[data-testid="rule-category"]').setValue('bribe')
    await w.get('[data-testid="rule-inspection"]').setValue('i1')
    await w.get('[data-testid="rule-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/routing-rules')[0]!.body).toEqual({
      category: 'bribe',
      areaCode: '',
      inspectionUnitId: 'i1',
      frontUnitId: '',
      note: '',
    })
    expect(w.findAll('[data-testid="routing-row"]')).toHaveLength(2)

    const del = w.findAll('[data-testid="routing-row"]')[0]!.get('button')
    expect(del.attributes('aria-label')).toBe('Delete rule 1')
    await del.trigger('click')
    await settle()
    expect(api.callsTo('DELETE', '/api/v1/admin/routing-rules/r1')).toHaveLength(0)
    await w.findAll('[data-testid="routing-row"]')[0]!.findAll('button')[0]!.trigger('click')
    await settle()
    expect(api.callsTo('DELETE', '/api/v1/admin/routing-rules/r1')).toHaveLength(1)
    expect(w.findAll('[data-testid="routing-row"]')).toHaveLength(1)
  })

  it('lists the holidays of one year and adds one', async () => {
    const api = fakeApi()
    let hs = [
      { date: '2026-09-02', name: { vi: 'Quốc khánh', en: 'National Day' } },
      { date: '2027-01-01', name: { vi: 'Tết Dương lịch', en: "New Year's Day" } },
    ]
    api.on('GET', '/api/v1/admin/holidays', () => jsonResponse(200, { items: hs }))
    api.on('POST', '/api/v1/admin/holidays', (c) => {
      hs = [...hs, c.body as (typeof hs)[0]]
      return jsonResponse(201, c.body)
    })
    const { w } = await mountApp('/admin/holidays')
    await until(() => w.find('[data-testid="holiday-year"]').exists() && !w.text().includes('Loading'))
    await w.get('[data-testid="holiday-year"]').setValue('2027')
    await settle()
    expect(w.findAll('[data-testid="holiday-row"]').map((r) => r.findAll('td')[1]!.text())).toEqual(["New Year's Day"])
    // The date field says how a date is written.
    expect(w.get('[data-testid="holiday-date"]').attributes('aria-describedby')).toContain('holiday-date-help')
    expect(w.get('#holiday-date-help').text()).toBe('Day/month/year, for example 02/09/2026.')
    await w.get('[data-testid="holiday-date"]').setValue('2026-09-02')
    await w.get('[data-testid="holiday-name-vi"]').setValue('Ngày lạ')
    await w.get('[data-testid="holiday-name-en"]').setValue('Odd day')
    await w.get('[data-testid="holiday-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-holiday-date"]').text()).toBe('This value is already in use.')
    await w.get('[data-testid="holiday-date"]').setValue('2027-04-30')
    await w.get('[data-testid="holiday-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/holidays')[0]!.body).toEqual({ date: '2027-04-30', name: { vi: 'Ngày lạ', en: 'Odd day' } })
    expect(w.findAll('[data-testid="holiday-row"]')).toHaveLength(2)
  })

  it('saves a deadline policy with only its numbers and switches', async () => {
    const api = fakeApi()
    const policy = { kind: 'denunciation', acceptDays: 7, acceptWorkingDays: true, resolveDays: 30, resolveWorkingDays: false, maxExtensions: 2, extensionDays: 30, updatedAt: '2026-01-01T00:00:00Z' }
    api.json('GET', '/api/v1/admin/deadline-policies', 200, { items: [policy] })
    api.on('PUT', '/api/v1/admin/deadline-policies/denunciation', (c) => jsonResponse(200, { ...policy, ...(c.body as object) }))
    const { w } = await mountApp('/admin/deadline-policies')
    await until(() => w.find('[data-testid="policy-denunciation"]').exists())
    const f = w.get('[data-testid="policy-denunciation"]')
    expect(f.get('h2').text()).toBe('Denunciation')
    await f.get('[data-testid="policy-denunciation-resolveDays"]').setValue('400')
    await f.trigger('submit')
    await settle()
    expect(f.get('#policy-denunciation-resolveDays-error').text()).toBe('At most 365 days.')
    expect(api.callsTo('PUT', '/api/v1/admin/deadline-policies/denunciation')).toHaveLength(0)
    await f.get('[data-testid="policy-denunciation-resolveDays"]').setValue('45')
    await f.get('[data-testid="policy-denunciation-resolveWorkingDays"]').setValue(true)
    await f.trigger('submit')
    await settle()
    expect(api.callsTo('PUT', '/api/v1/admin/deadline-policies/denunciation')[0]!.body).toEqual({
      acceptDays: 7,
      acceptWorkingDays: true,
      resolveDays: 45,
      resolveWorkingDays: true,
      maxExtensions: 2,
      extensionDays: 30,
    })
    expect(f.text()).toContain('The deadlines of Denunciation were saved.')
  })

  it('lists admin events in words: the actor’s and target’s names, the action’s label', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/audit', 200, {
      items: [
        {
          at: '2026-03-01T02:00:00Z',
          actorId: 'a1',
          actorName: 'Nguyễn Thị Lan',
          action: 'unit.create',
          target: '665f00bb',
          targetName: { vi: 'Thanh tra TP', en: 'City Inspectorate' },
          summary: 'code=tt-hcm',
        },
      ],
    })
    const { w } = await mountApp('/admin/audit')
    await until(() => w.find('[data-testid="audit-row"]').exists())
    const cells = w.get('[data-testid="audit-row"]').findAll('td').slice(1, 4).map((td) => td.text())
    expect(cells).toEqual(['Nguyễn Thị Lan', 'Unit created', 'City Inspectorate'])
    expect(w.get('[data-testid="audit-row"]').text()).not.toContain('665f00bb')
    expect(w.get('.audit-details summary').text()).toBe('Technical details')
  })
})
