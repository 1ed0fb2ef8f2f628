import { describe, expect, it } from 'vitest'
import type { Kind } from './api'
import {
  buildInput,
  emptyForm,
  fileIndex,
  firstError,
  mapApiField,
  stepOf,
  validateStep,
  type ReportFormState,
  type StepContext,
} from './reportSteps'

const kinds: Kind[] = [
  { code: 'feedback', name: { vi: 'Phản ánh', en: 'Feedback' }, requiresIdentity: false },
  { code: 'complaint', name: { vi: 'Khiếu nại', en: 'Complaint' }, requiresIdentity: true },
  { code: 'denunciation', name: { vi: 'Tố cáo', en: 'Denunciation' }, requiresIdentity: true },
]
const ctx: StepContext = {
  limits: {
    maxFileBytes: 1000,
    maxReportBytes: 5000,
    maxFiles: 3,
    maxTitleChars: 10,
    maxDescriptionChars: 20,
    maxFieldChars: 8,
  },
  kinds,
  today: '2026-03-10',
}

const wide: StepContext = { ...ctx, limits: { ...ctx.limits, maxFieldChars: 50 } }

function form(patch: Partial<ReportFormState> = {}): ReportFormState {
  return { ...emptyForm(), ...patch }
}

describe('validateStep', () => {
  it('kind: a kind from the list is required', () => {
    expect(validateStep('kind', form(), ctx)).toEqual({ kind: 'required' })
    expect(validateStep('kind', form({ kind: 'petition' }), ctx)).toEqual({ kind: 'unknown' })
    expect(validateStep('kind', form({ kind: 'complaint' }), ctx)).toEqual({})
  })

  it('what: category, title and description are required and limited; the date cannot be in the future', () => {
    expect(validateStep('what', form(), ctx)).toEqual({ category: 'required', title: 'required', description: 'required' })
    expect(validateStep('what', form({ category: 'bribe', title: '   ', description: 'x' }), ctx)).toEqual({ title: 'required' })
    // Characters are counted as code points: "Nhũng nhiễu" is 11, "Đòi tiền ạ" 10.
    expect(validateStep('what', form({ category: 'bribe', title: 'Nhũng nhiễu', description: 'x' }), ctx)).toEqual({
      title: 'too_long',
    })
    expect(validateStep('what', form({ category: 'bribe', title: 'Đòi tiền ạ', description: 'x'.repeat(21) }), ctx)).toEqual({
      description: 'too_long',
    })
    const ok = { category: 'bribe', title: 'Đòi tiền', description: 'Đòi 500.000' }
    expect(validateStep('what', form({ ...ok, incidentDate: '2026-03-10' }), ctx)).toEqual({})
    expect(validateStep('what', form({ ...ok, incidentDate: '2026-03-11' }), ctx)).toEqual({ incidentDate: 'future' })
    expect(validateStep('what', form({ ...ok, incidentDate: '1900-01-01' }), ctx)).toEqual({ incidentDate: 'invalid' })
  })

  it('where: a place in words or a province, and short fields', () => {
    expect(validateStep('where', form(), ctx)).toEqual({ place: 'required' })
    expect(validateStep('where', form({ province: '79' }), ctx)).toEqual({})
    expect(validateStep('where', form({ place: 'UBND', office: 'x'.repeat(9) }), ctx)).toEqual({ office: 'too_long' })
  })

  it('evidence: blocked only while a file the server refused is still chosen', () => {
    expect(validateStep('evidence', form(), ctx)).toEqual({})
    expect(validateStep('evidence', form(), { ...ctx, fileErrors: true })).toEqual({ files: 'file_errors' })
  })

  it('identity: a named report needs a name and a way to reach the citizen, in valid formats', () => {
    expect(validateStep('identity', form({ kind: 'feedback' }), ctx)).toEqual({
      'identity.name': 'required',
      'identity.phone': 'contact',
    })
    const id = { name: 'An', phone: '', email: '', address: 'Q1', nationalId: '' }
    expect(validateStep('identity', form({ kind: 'feedback', identity: id }), ctx)).toEqual({})
    expect(
      validateStep('identity', form({ kind: 'feedback', identity: { ...id, phone: '12ab', email: 'a@b', nationalId: '123' } }), ctx),
    ).toEqual({ 'identity.phone': 'invalid', 'identity.email': 'invalid', 'identity.nationalId': 'invalid' })
    expect(
      validateStep('identity', form({ kind: 'feedback', identity: { ...id, phone: '0901 234 567', email: 'a@b.vn', nationalId: '001234567890' } }), wide),
    ).toEqual({})
    expect(validateStep('identity', form({ kind: 'feedback', identity: { ...id, address: 'x'.repeat(9) } }), ctx)).toEqual({
      'identity.address': 'too_long',
    })
  })

  it('identity: anonymity is refused for a complaint, allowed for feedback and a denunciation', () => {
    expect(validateStep('identity', form({ kind: 'complaint', anonymous: true }), ctx)).toEqual({ anonymous: 'not_allowed' })
    expect(validateStep('identity', form({ kind: 'feedback', anonymous: true }), ctx)).toEqual({})
    expect(validateStep('identity', form({ kind: 'denunciation', anonymous: true }), ctx)).toEqual({})
  })
})

describe('helpers', () => {
  it('finds the first error in form order and the step of each field', () => {
    expect(firstError({ 'identity.name': 'required', title: 'required', category: 'required' })).toBe('category')
    expect(firstError({})).toBeUndefined()
    expect(stepOf('incidentDate')).toBe('what')
    expect(stepOf('commune')).toBe('where')
    expect(stepOf('files')).toBe('evidence')
    expect(stepOf('identity.email')).toBe('identity')
  })

  it('maps backend field names to form keys', () => {
    expect(mapApiField('identity.email', { commune: '' })).toBe('identity.email')
    expect(mapApiField('phone', { commune: '' })).toBe('identity.phone')
    expect(mapApiField('areaCode', { commune: '' })).toBe('province')
    expect(mapApiField('areaCode', { commune: '26734' })).toBe('commune')
    expect(mapApiField('identity', { commune: '' })).toBe('anonymous')
    expect(mapApiField('title', { commune: '' })).toBe('title')
    expect(mapApiField('language', { commune: '' })).toBeUndefined()
    expect(fileIndex('files[12]')).toBe(12)
    expect(fileIndex('files')).toBeUndefined()
  })

  it('builds a trimmed request without identity when anonymous', () => {
    const f = form({
      kind: 'feedback',
      category: 'bribe',
      title: ' T ',
      description: ' D ',
      province: '79',
      commune: '26734',
      anonymous: true,
      identity: { name: 'X', phone: '', email: '', address: '', nationalId: '' },
    })
    const input = buildInput(f, 'en')
    expect(input.areaCode).toBe('26734')
    expect(input.title).toBe('T')
    expect(input.identity).toBeUndefined()
    expect(input.incidentDate).toBeUndefined()
    expect(buildInput({ ...f, anonymous: false }, 'vi').identity?.name).toBe('X')
  })
})
