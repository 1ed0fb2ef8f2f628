import { beforeEach, describe, expect, it } from 'vitest'
import { DRAFT_KEY, clearDraft, createReportSession, endReportSession, isDirty, loadDraft, reportSession, saveDraft } from './reportDraft'
import { emptyForm, type ReportFormState } from './reportSteps'

const IDENTITY = { name: 'Nguyễn Văn An', phone: '0912 345 678', email: 'an@example.vn', address: '12 Lê Lợi, Quận 1', nationalId: '079123456789' }

function filled(): ReportFormState {
  return {
    ...emptyForm(),
    kind: 'complaint',
    category: 'bribe',
    title: 'Bị đòi tiền khi nộp hồ sơ',
    description: 'Cán bộ quầy 3 đòi 500.000 đồng.',
    incidentDate: '2026-11-20',
    province: '79',
    commune: '79-1',
    place: 'Trung tâm hành chính công',
    officials: 'Cán bộ quầy 3',
    anonymous: false,
    identity: { ...IDENTITY },
  }
}

describe('device draft', () => {
  beforeEach(() => {
    localStorage.clear()
    endReportSession()
  })

  it('never stores identity fields, anonymity or files', () => {
    saveDraft(localStorage, filled(), 2)
    const raw = localStorage.getItem(DRAFT_KEY)!
    expect(raw).toContain('Bị đòi tiền khi nộp hồ sơ')
    for (const v of Object.values(IDENTITY)) expect(raw).not.toContain(v)
    const stored = JSON.parse(raw) as { answers: Record<string, unknown> }
    expect(Object.keys(stored.answers)).not.toContain('identity')
    expect(Object.keys(stored.answers)).not.toContain('anonymous')
    expect(Object.keys(stored.answers)).not.toContain('files')
  })

  it('restores the answers into a new session, with identity empty and the opt-in on', () => {
    saveDraft(localStorage, filled(), 2)
    const s = createReportSession(localStorage)
    expect(s.keepDraft.value).toBe(true)
    expect(s.restored.value).toBe(true)
    expect(s.form.title).toBe('Bị đòi tiền khi nộp hồ sơ')
    expect(s.form.commune).toBe('79-1')
    expect(s.form.identity).toEqual(emptyForm().identity)
    expect(s.files.value).toEqual([])
    expect(s.stepIndex.value).toBe(2)
  })

  it('never restores past the evidence step: the identity step needs what was not kept', () => {
    saveDraft(localStorage, filled(), 4)
    expect(loadDraft(localStorage)!.step).toBe(3)
  })

  it('reads only known string fields from a tampered or broken draft', () => {
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ v: 1, step: 99, answers: { title: 'T', identity: IDENTITY, kind: 7, extra: 'x' } }))
    expect(loadDraft(localStorage)).toEqual({ answers: { title: 'T' }, step: 3 })
    localStorage.setItem(DRAFT_KEY, '{not json')
    expect(loadDraft(localStorage)).toEqual({ answers: {}, step: 0 })
  })

  it('opting out clears the stored draft', () => {
    saveDraft(localStorage, filled(), 1)
    clearDraft(localStorage)
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull()
    const s = createReportSession(localStorage)
    expect(s.keepDraft.value).toBe(false)
    expect(isDirty(s)).toBe(false)
  })
})

describe('tab session', () => {
  beforeEach(() => {
    localStorage.clear()
    endReportSession()
  })

  it('is the same form every time until it is ended, identity included (memory only)', () => {
    const a = reportSession()
    a.form.title = 'Tiêu đề'
    a.form.identity.name = IDENTITY.name
    expect(isDirty(a)).toBe(true)
    expect(reportSession()).toBe(a)
    expect(reportSession().form.identity.name).toBe(IDENTITY.name)
    expect(localStorage.length).toBe(0)
    endReportSession()
    expect(reportSession()).not.toBe(a)
    expect(isDirty(reportSession())).toBe(false)
  })

  it('counts a chosen file as unsent input', () => {
    const s = createReportSession(null)
    s.files.value = [{ key: 'k', file: new File(['x'], 'a.png', { type: 'image/png' }) }]
    expect(isDirty(s)).toBe(true)
  })
})
