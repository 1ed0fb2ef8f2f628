// The guided report form's steps, their validation and the request they
// build. Kept apart from the component so that the rules can be tested alone.

import type { ComplaintInput, Identity, Kind, Limits, Locale } from './api'

export const STEPS = ['kind', 'what', 'where', 'evidence', 'identity'] as const
export type StepId = (typeof STEPS)[number]

export type IdentityField = keyof Identity
export const IDENTITY_FIELDS: readonly IdentityField[] = ['name', 'phone', 'email', 'address', 'nationalId']

export const WHERE_FIELDS = ['place', 'office', 'counter', 'procedure', 'dossierNumber', 'officials'] as const
export type WhereField = (typeof WHERE_FIELDS)[number]

/** Form keys: the request's top-level fields, "identity.<field>", the two area selects and the files. */
export type FieldKey =
  | 'kind'
  | 'category'
  | 'title'
  | 'description'
  | 'incidentDate'
  | 'province'
  | 'commune'
  | WhereField
  | 'files'
  | 'anonymous'
  | `identity.${IdentityField}`

/** Every field key in the order the form shows them: the first error is the first in this list. */
export const FIELD_ORDER: readonly FieldKey[] = [
  'kind',
  'category',
  'title',
  'description',
  'incidentDate',
  'province',
  'commune',
  ...WHERE_FIELDS,
  'files',
  'anonymous',
  ...IDENTITY_FIELDS.map((k) => `identity.${k}` as const),
]

export function stepOf(k: FieldKey): StepId {
  if (k === 'kind') return 'kind'
  if (k === 'category' || k === 'title' || k === 'description' || k === 'incidentDate') return 'what'
  if (k === 'files') return 'evidence'
  if (k === 'anonymous' || k.startsWith('identity.')) return 'identity'
  return 'where'
}

export interface ReportFormState {
  kind: string
  category: string
  title: string
  description: string
  incidentDate: string
  province: string
  commune: string
  place: string
  office: string
  counter: string
  procedure: string
  dossierNumber: string
  officials: string
  anonymous: boolean
  identity: Identity
}

export function emptyForm(): ReportFormState {
  return {
    kind: '',
    category: '',
    title: '',
    description: '',
    incidentDate: '',
    province: '',
    commune: '',
    place: '',
    office: '',
    counter: '',
    procedure: '',
    dossierNumber: '',
    officials: '',
    anonymous: false,
    identity: { name: '', phone: '', email: '', address: '', nationalId: '' },
  }
}

export type FieldErrors = Partial<Record<FieldKey, string>>

/** Characters as the backend counts them (code points, not UTF-16 units). */
export function chars(s: string): number {
  return [...s].length
}

/** A complaint must be named; an anonymous denunciation is accepted but filed as feedback. */
export function anonymousAllowed(kind: Kind | undefined): boolean {
  return !kind || !kind.requiresIdentity || kind.code === 'denunciation'
}

// The same patterns the backend checks (services/intake.go).
const phonePattern = /^\+?[0-9 .()-]{8,20}$/
const nationalIdPattern = /^([0-9]{9}|[0-9]{12})$/
const emailPattern = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/
const datePattern = /^\d{4}-\d{2}-\d{2}$/

function digits(s: string): number {
  return (s.match(/[0-9]/g) ?? []).length
}

export interface StepContext {
  limits: Limits
  kinds: readonly Kind[]
  /** Today in Vietnam, YYYY-MM-DD: later incident dates are refused. */
  today: string
  /** Whether any chosen file carries an error from the backend (it must be removed first). */
  fileErrors?: boolean
}

/** validateStep returns the field errors (error codes) of one step; {} when it may be left. */
export function validateStep(step: StepId, form: ReportFormState, ctx: StepContext): FieldErrors {
  const e: FieldErrors = {}
  const l = ctx.limits
  const kind = ctx.kinds.find((k) => k.code === form.kind)
  switch (step) {
    case 'kind':
      if (!form.kind) e.kind = 'required'
      else if (!kind) e.kind = 'unknown'
      break
    case 'what':
      if (!form.category) e.category = 'required'
      if (!form.title.trim()) e.title = 'required'
      else if (chars(form.title.trim()) > l.maxTitleChars) e.title = 'too_long'
      if (!form.description.trim()) e.description = 'required'
      else if (chars(form.description.trim()) > l.maxDescriptionChars) e.description = 'too_long'
      if (form.incidentDate) {
        if (!datePattern.test(form.incidentDate) || form.incidentDate < '1945-01-01') e.incidentDate = 'invalid'
        else if (form.incidentDate > ctx.today) e.incidentDate = 'future'
      }
      break
    case 'where':
      for (const k of WHERE_FIELDS) {
        if (chars(form[k].trim()) > l.maxFieldChars) e[k] = 'too_long'
      }
      // Where it happened: an area from the list, or a place in words.
      if (!form.province && !form.place.trim()) e.place = 'required'
      break
    case 'evidence':
      if (ctx.fileErrors) e.files = 'file_errors'
      break
    case 'identity':
      if (form.anonymous && !anonymousAllowed(kind)) e.anonymous = 'not_allowed'
      if (!form.anonymous) {
        const id = form.identity
        if (!id.name.trim()) e['identity.name'] = 'required'
        // The handlers must be able to reach a named complainant.
        if (!id.phone.trim() && !id.email.trim() && !id.address.trim()) e['identity.phone'] = 'contact'
        const phone = id.phone.trim()
        if (phone && (!phonePattern.test(phone) || digits(phone) < 8 || digits(phone) > 15)) e['identity.phone'] = 'invalid'
        const email = id.email.trim()
        if (email && (!emailPattern.test(email) || email.length > 254)) e['identity.email'] = 'invalid'
        const nid = id.nationalId.trim()
        if (nid && !nationalIdPattern.test(nid)) e['identity.nationalId'] = 'invalid'
        for (const k of IDENTITY_FIELDS) {
          if (chars(id[k].trim()) > l.maxFieldChars) e[`identity.${k}`] = 'too_long'
        }
      }
      break
  }
  return e
}

/** firstError returns the first field (in form order) that has an error. */
export function firstError(errors: FieldErrors): FieldKey | undefined {
  return FIELD_ORDER.find((k) => errors[k] !== undefined)
}

/** buildInput turns the form into the request body, trimmed, without empty optional parts. */
export function buildInput(form: ReportFormState, language: Locale): ComplaintInput {
  const input: ComplaintInput = {
    kind: form.kind,
    category: form.category,
    title: form.title.trim(),
    description: form.description.trim(),
    place: form.place.trim(),
    office: form.office.trim(),
    counter: form.counter.trim(),
    procedure: form.procedure.trim(),
    dossierNumber: form.dossierNumber.trim(),
    officials: form.officials.trim(),
    language,
    anonymous: form.anonymous,
  }
  if (form.incidentDate) input.incidentDate = form.incidentDate
  const area = form.commune || form.province
  if (area) input.areaCode = area
  if (!form.anonymous) {
    input.identity = {
      name: form.identity.name.trim(),
      phone: form.identity.phone.trim(),
      email: form.identity.email.trim(),
      address: form.identity.address.trim(),
      nationalId: form.identity.nationalId.trim(),
    }
  }
  return input
}

/** fileIndex reads "files[3]" (the backend's name for the fourth file part) as 3. */
export function fileIndex(name: string): number | undefined {
  const m = /^files\[(\d+)\]$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/** mapApiField turns a field name from the error body into the form key that shows it. */
export function mapApiField(name: string, form: Pick<ReportFormState, 'commune'>): FieldKey | undefined {
  const bare = name.startsWith('identity.') ? name.slice('identity.'.length) : name
  if ((IDENTITY_FIELDS as readonly string[]).includes(bare)) return `identity.${bare as IdentityField}`
  if (name === 'areaCode') return form.commune ? 'commune' : 'province'
  if (name === 'identity') return 'anonymous'
  if (name === 'files') return 'files'
  if ((FIELD_ORDER as readonly string[]).includes(name) && !name.startsWith('identity')) return name as FieldKey
  return undefined
}
