import { describe, expect, it } from 'vitest'
import { ApiError } from './api'
import {
  firstErrorId,
  normalizeUnitCode,
  isCalendarDate,
  policyBody,
  policyFields,
  serverFieldErrors,
  validateArea,
  validateCategory,
  validateHoliday,
  validatePolicy,
  validateRoutingRule,
  validateUnit,
  validateUser,
  type UserForm,
} from './adminForms'
import type { AdminArea, Unit } from './staffApi'

const units: Unit[] = [
  { id: 'i1', code: 'tt-hcm', name: { vi: 'Thanh tra TP', en: 'City Inspectorate' }, type: 'inspection', areaCodes: [], active: true },
  { id: 'f1', code: 'mt-hcm', name: { vi: 'Ủy ban MTTQ', en: 'Front Committee' }, type: 'front', areaCodes: [], active: true },
]
const areas: AdminArea[] = [
  { code: '79', parent: '', level: 'province', name: { vi: 'TP. Hồ Chí Minh', en: 'Ho Chi Minh City' } },
  { code: '26734', parent: '79', level: 'commune', name: { vi: 'Phường Sài Gòn', en: 'Sai Gon Ward' } },
]

const user = (over: Partial<UserForm> = {}): UserForm => ({
  email: 'tra@example.vn',
  name: 'Nguyễn Tra',
  role: 'inspector',
  unitId: 'i1',
  password: 'một mật khẩu dài',
  ...over,
})

describe('account form', () => {
  it('accepts a complete new account', () => {
    expect(validateUser(user(), units, true)).toEqual({})
    expect(validateUser(user({ role: 'admin', unitId: '' }), units, true)).toEqual({})
    expect(validateUser(user({ role: 'monitor', unitId: 'f1' }), units, true)).toEqual({})
  })

  it('marks each missing or wrong field', () => {
    expect(validateUser({ email: '', name: ' ', role: '', unitId: '', password: '' }, units, true)).toEqual({
      email: 'required',
      name: 'required',
      role: 'required',
      password: 'required',
    })
    expect(validateUser(user({ email: 'not-an-email', password: 'short' }), units, true)).toEqual({
      email: 'email',
      password: 'min_length',
    })
    // 12 characters, counted as characters, not bytes.
    expect(validateUser(user({ password: '\u1eb1'.repeat(12) }), units, true)).toEqual({})
    expect(validateUser(user({ password: '\u1eb1'.repeat(11) }), units, true)).toEqual({ password: 'min_length' })
  })

  it('needs a unit of the kind the role belongs to', () => {
    expect(validateUser(user({ unitId: '' }), units, true)).toEqual({ unitId: 'required' })
    expect(validateUser(user({ unitId: 'f1' }), units, true)).toEqual({ unitId: 'wrong_unit_type' })
    expect(validateUser(user({ role: 'monitor', unitId: 'i1' }), units, true)).toEqual({ unitId: 'wrong_unit_type' })
    expect(validateUser(user({ role: 'lead', unitId: 'gone' }), units, true)).toEqual({ unitId: 'unknown' })
  })

  it('does not check email and password when editing', () => {
    expect(validateUser(user({ email: '', password: '' }), units, false)).toEqual({})
  })
})

describe('unit, area, category forms', () => {
  it('checks codes as the server does', () => {
    const u = { code: 'tt-hcm', name: { vi: 'A', en: 'B' }, type: 'inspection' as const, areaCodes: [], active: true }
    expect(validateUnit(u, [], true)).toEqual({})
    expect(validateUnit({ ...u, code: 'TT HCM' }, [], true)).toEqual({ code: 'code_format' })
    expect(validateUnit({ ...u, code: 'x' }, [], true)).toEqual({ code: 'code_format' })
    expect(validateUnit(u, units, true)).toEqual({ code: 'taken' })
    expect(validateUnit(u, units, false)).toEqual({})
    expect(validateUnit({ ...u, name: { vi: '', en: ' ' } }, [], true)).toEqual({ 'name.vi': 'required', 'name.en': 'required' })
    expect(validateCategory({ code: 'hoi_lo', name: { vi: 'a', en: 'b' }, order: 10, active: true }, [], true)).toEqual({})
    expect(validateCategory({ code: 'hoi-lo', name: { vi: 'a', en: 'b' }, order: -1, active: true }, [], true)).toEqual({
      code: 'code_format',
      order: 'integer',
    })
    expect(validateCategory({ code: 'ab', name: { vi: 'a', en: 'b' }, order: Number.NaN, active: true }, [], true)).toEqual({
      order: 'integer',
    })
  })

  it('puts a commune under a province', () => {
    const commune: AdminArea = { code: '26740', parent: '79', level: 'commune', name: { vi: 'a', en: 'b' } }
    expect(validateArea(commune, areas, true)).toEqual({})
    expect(validateArea({ ...commune, parent: '' }, areas, true)).toEqual({ parent: 'required' })
    expect(validateArea({ ...commune, parent: '26734' }, areas, true)).toEqual({ parent: 'parent_province' })
    expect(validateArea({ ...commune, code: '79' }, areas, true)).toEqual({ code: 'taken' })
    expect(validateArea({ ...commune, level: 'province', parent: '' }, areas, true)).toEqual({})
  })
})

describe('routing, holidays, deadlines', () => {
  it('needs an inspection unit; the Front committee is optional but must be one', () => {
    const r = { category: '', areaCode: '', inspectionUnitId: 'i1', frontUnitId: '', note: '' }
    expect(validateRoutingRule(r, units)).toEqual({})
    expect(validateRoutingRule({ ...r, frontUnitId: 'f1' }, units)).toEqual({})
    expect(validateRoutingRule({ ...r, inspectionUnitId: '' }, units)).toEqual({ inspectionUnitId: 'required' })
    expect(validateRoutingRule({ ...r, inspectionUnitId: 'f1', frontUnitId: 'i1' }, units)).toEqual({
      inspectionUnitId: 'wrong_unit_type',
      frontUnitId: 'wrong_unit_type',
    })
  })

  it('takes real calendar days only', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true)
    expect(isCalendarDate('2026-02-30')).toBe(false)
    expect(isCalendarDate('2026-2-3')).toBe(false)
    const h = { date: '2026-09-02', name: { vi: 'Quốc khánh', en: 'National Day' } }
    expect(validateHoliday(h, [])).toEqual({})
    expect(validateHoliday(h, [h])).toEqual({ date: 'taken' })
    expect(validateHoliday({ ...h, date: '' }, [])).toEqual({ date: 'required' })
    expect(validateHoliday({ ...h, date: '1999-01-01' }, [])).toEqual({ date: 'invalid' })
  })

  it('checks each number of a policy and sends only numbers and switches', () => {
    const p = { kind: 'denunciation', acceptDays: 7, acceptWorkingDays: true, resolveDays: 30, maxExtensions: 2, extensionDays: 30, updatedAt: '2026-01-01T00:00:00Z', futureDays: 3 }
    expect(policyFields(p)).toEqual(['acceptDays', 'acceptWorkingDays', 'resolveDays', 'maxExtensions', 'extensionDays', 'futureDays'])
    expect(validatePolicy(p)).toEqual({})
    expect(validatePolicy({ ...p, acceptDays: 1.5, resolveDays: 400, maxExtensions: 6, futureDays: -1 })).toEqual({
      acceptDays: 'integer',
      resolveDays: 'max_days',
      maxExtensions: 'max_extensions',
      futureDays: 'integer',
    })
    expect(validatePolicy({ ...p, acceptDays: 0, extensionDays: 0 })).toEqual({ acceptDays: 'required', extensionDays: 'required' })
    expect(policyBody(p)).toEqual({ acceptDays: 7, acceptWorkingDays: true, resolveDays: 30, maxExtensions: 2, extensionDays: 30, futureDays: 3 })
  })
})

describe('server errors', () => {
  it('uses the API field errors, or marks the field a bare 409 is about', () => {
    expect(serverFieldErrors(new ApiError(400, 'invalid', 'x', { 'name.vi': 'required' }))).toEqual({ 'name.vi': 'required' })
    expect(serverFieldErrors(new ApiError(409, 'conflict', 'x'), 'code')).toEqual({ code: 'taken' })
    expect(serverFieldErrors(new ApiError(500, 'internal', 'x'), 'code')).toEqual({})
    expect(serverFieldErrors(new Error('x'))).toEqual({})
  })

  it('finds the first field in error in page order', () => {
    expect(firstErrorId({ 'name.en': 'required', code: 'taken' }, ['code', 'name.vi', 'name.en'], 'unit')).toBe('unit-code')
    expect(firstErrorId({ 'name.en': 'required' }, ['code', 'name.vi', 'name.en'], 'unit')).toBe('unit-name-en')
    expect(firstErrorId({}, ['code'], 'unit')).toBe('')
  })
})

describe('normalizeUnitCode', () => {
  it('normalises what the server would, and leaves the rest to be refused', () => {
    expect(normalizeUnitCode('thanh-tra-q1')).toBe('thanh-tra-q1')
    expect(normalizeUnitCode('  TT-Quận 1 ')).toBe('tt-quan-1')
    expect(normalizeUnitCode('Thanh tra   TP_HCM')).toBe('thanh-tra-tp-hcm')
    expect(normalizeUnitCode('đoàn--kiểm.tra')).toBe('doan-kiem-tra')
    expect(normalizeUnitCode('a$b')).toBe('a$b')
    expect(validateUnit({ code: normalizeUnitCode(' TT Quận 1 '), name: { vi: 'A', en: 'A' }, type: 'inspection', areaCodes: [], active: true }, [], true)).toEqual({})
  })
})
