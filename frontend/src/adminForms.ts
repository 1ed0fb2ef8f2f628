// Client-side checks of the admin forms. Each returns field → error code
// (the codes of fieldError.* in the messages); the backend checks again and
// its error.fields are shown the same way. Field names are the API's, with
// "name.vi" / "name.en" for the two names.

import { ApiError } from './api'
import {
  MAX_POLICY_DAYS,
  MAX_POLICY_EXTENSIONS,
  MIN_PASSWORD_CHARS,
  POLICY_FIELDS,
  type AdminArea,
  type AdminCategory,
  type DeadlinePolicy,
  type Holiday,
  type RoutingRuleInput,
  type Unit,
  type UnitInput,
} from './staffApi'
import { ROLES, type Role } from './staffSession'

export type FieldErrors = Record<string, string>

export const MAX_NAME_CHARS = 200
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The code formats of services/org.go: units and areas take hyphens, categories underscores. */
export const UNIT_CODE = /^[a-z0-9-]{2,40}$/

/**
 * normalizeUnitCode puts a typed unit code into the form of the rule, as the
 * server does (services.NormalizeUnitCode): lower case, no diacritics, spaces
 * and punctuation as single dashes. What cannot be normalised stays, to be refused.
 */
export function normalizeUnitCode(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim()
    .replace(/ /g, '-')
}
export const AREA_CODE = /^[a-z0-9-]{2,20}$/
export const CATEGORY_CODE = /^[a-z0-9_]{2,40}$/

function text(errs: FieldErrors, field: string, v: string, max = MAX_NAME_CHARS) {
  const s = v.trim()
  if (!s) errs[field] = 'required'
  else if (s.length > max) errs[field] = 'too_long'
}

function code(errs: FieldErrors, field: string, v: string, pattern: RegExp, taken: readonly string[] = []) {
  const s = v.trim()
  if (!s) errs[field] = 'required'
  else if (!pattern.test(s)) errs[field] = 'code_format'
  else if (taken.includes(s)) errs[field] = 'taken'
}

function names(errs: FieldErrors, n: { vi: string; en: string }) {
  text(errs, 'name.vi', n.vi)
  text(errs, 'name.en', n.en)
}

/** unitTypeFor is the kind of unit a role belongs to ('' for admins, who belong to none). */
export function unitTypeFor(role: Role | ''): 'inspection' | 'front' | '' {
  if (role === 'inspector' || role === 'lead') return 'inspection'
  if (role === 'monitor') return 'front'
  return ''
}

export interface UserForm {
  email: string
  name: string
  role: Role | ''
  unitId: string
  password: string
}

/** validateUser checks a new account (with password) or an edited one (isNew false: email and password are not sent). */
export function validateUser(u: UserForm, units: readonly Unit[], isNew: boolean): FieldErrors {
  const errs: FieldErrors = {}
  if (isNew) {
    const e = u.email.trim()
    if (!e) errs.email = 'required'
    else if (!EMAIL.test(e) || e.length > 254) errs.email = 'email'
  }
  text(errs, 'name', u.name)
  if (!u.role) errs.role = 'required'
  else if (!ROLES.includes(u.role)) errs.role = 'unknown'
  const want = unitTypeFor(u.role)
  if (want) {
    const unit = units.find((x) => x.id === u.unitId)
    if (!u.unitId) errs.unitId = 'required'
    else if (!unit) errs.unitId = 'unknown'
    else if (unit.type !== want) errs.unitId = 'wrong_unit_type'
  }
  if (isNew) {
    if (!u.password) errs.password = 'required'
    else if ([...u.password].length < MIN_PASSWORD_CHARS) errs.password = 'min_length'
  }
  return errs
}

export function validateUnit(u: UnitInput, others: readonly Unit[], isNew: boolean): FieldErrors {
  const errs: FieldErrors = {}
  code(errs, 'code', u.code, UNIT_CODE, isNew ? others.map((x) => x.code) : [])
  names(errs, u.name)
  if (u.type !== 'inspection' && u.type !== 'front') errs.type = 'required'
  return errs
}

export function validateArea(a: AdminArea, areas: readonly AdminArea[], isNew: boolean): FieldErrors {
  const errs: FieldErrors = {}
  code(errs, 'code', a.code, AREA_CODE, isNew ? areas.map((x) => x.code) : [])
  if (a.level !== 'province' && a.level !== 'commune') errs.level = 'required'
  if (a.level === 'commune') {
    if (!a.parent) errs.parent = 'required'
    else if (!areas.some((x) => x.code === a.parent && x.level === 'province')) errs.parent = 'parent_province'
  }
  names(errs, a.name)
  return errs
}

export function validateCategory(c: AdminCategory, cats: readonly AdminCategory[], isNew: boolean): FieldErrors {
  const errs: FieldErrors = {}
  code(errs, 'code', c.code, CATEGORY_CODE, isNew ? cats.map((x) => x.code) : [])
  names(errs, c.name)
  if (!Number.isInteger(c.order) || c.order < 0 || c.order > 1_000_000) errs.order = 'integer'
  return errs
}

export function validateRoutingRule(r: RoutingRuleInput, units: readonly Unit[]): FieldErrors {
  const errs: FieldErrors = {}
  const insp = units.find((u) => u.id === r.inspectionUnitId)
  if (!r.inspectionUnitId) errs.inspectionUnitId = 'required'
  else if (!insp || insp.type !== 'inspection') errs.inspectionUnitId = 'wrong_unit_type'
  // The Front committee is optional: a less specific rule may name it.
  if (r.frontUnitId) {
    const front = units.find((u) => u.id === r.frontUnitId)
    if (!front || front.type !== 'front') errs.frontUnitId = 'wrong_unit_type'
  }
  if (r.note.length > 500) errs.note = 'too_long'
  return errs
}

/** isCalendarDate accepts a real YYYY-MM-DD day (not 2026-02-30). */
export function isCalendarDate(v: string): boolean {
  const m = DATE.exec(v)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

export function validateHoliday(h: Holiday, existing: readonly Holiday[]): FieldErrors {
  const errs: FieldErrors = {}
  if (!h.date) errs.date = 'required'
  else if (!isCalendarDate(h.date) || h.date < '2000-01-01' || h.date > '2100-12-31') errs.date = 'invalid'
  else if (existing.some((x) => x.date === h.date)) errs.date = 'taken'
  names(errs, h.name)
  return errs
}

/** policyFields lists a policy's editable fields: the known ones in order, then any others the server sent. */
export function policyFields(p: DeadlinePolicy): string[] {
  const known = POLICY_FIELDS.filter((f) => f in p)
  const extra = Object.keys(p).filter(
    (k) => k !== 'kind' && !(POLICY_FIELDS as readonly string[]).includes(k) && (typeof p[k] === 'number' || typeof p[k] === 'boolean'),
  )
  return [...known, ...extra]
}

/** validatePolicy checks the numbers: whole, 0 to 365 days, 0 to 5 extensions (the server checks how they relate). */
export function validatePolicy(p: DeadlinePolicy): FieldErrors {
  const errs: FieldErrors = {}
  for (const f of policyFields(p)) {
    const v = p[f]
    if (typeof v === 'boolean') continue
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) errs[f] = 'integer'
    else if (f === 'maxExtensions' ? v > MAX_POLICY_EXTENSIONS : v > MAX_POLICY_DAYS) errs[f] = f === 'maxExtensions' ? 'max_extensions' : 'max_days'
  }
  if (!errs.acceptDays && p.acceptDays === 0) errs.acceptDays = 'required'
  if (!errs.resolveDays && p.resolveDays === 0) errs.resolveDays = 'required'
  if (!errs.extensionDays && typeof p.maxExtensions === 'number' && p.maxExtensions > 0 && p.extensionDays === 0) errs.extensionDays = 'required'
  return errs
}

/** policyBody is what PUT /deadline-policies/{kind} takes: the numbers and switches only. */
export function policyBody(p: DeadlinePolicy): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {}
  for (const f of policyFields(p)) out[f] = p[f] as number | boolean
  return out
}

/**
 * serverFieldErrors turns an API error into field errors for a form: its
 * error.fields, or, for a 409 without fields, the given field marked "taken".
 */
export function serverFieldErrors(e: unknown, conflictField?: string): FieldErrors {
  if (!(e instanceof ApiError)) return {}
  if (Object.keys(e.fields).length) return { ...e.fields }
  if (e.status === 409 && conflictField) return { [conflictField]: 'taken' }
  return {}
}

/** firstErrorId returns the element id of the first field in error, following the form's order of fields. */
export function firstErrorId(errs: FieldErrors, order: readonly string[], prefix: string): string {
  const f = order.find((k) => errs[k]) ?? Object.keys(errs)[0]
  return f ? `${prefix}-${f.replace(/\./g, '-')}` : ''
}
