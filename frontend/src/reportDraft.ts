// What a citizen has typed into the report form, kept so that a stray tap
// does not lose it.
//
// Two places, on purpose different:
//  - the session (memory only): the whole form, identity and chosen files
//    included, held at module level so that leaving /report for another page
//    of the app and coming back restores it. A reload or a closed tab ends it.
//  - the device draft (localStorage, opt-in): only the answers that do not
//    identify the citizen. Identity fields and files are never written: on a
//    shared computer anyone using the same browser could read the storage,
//    and a File cannot be stored anyway.

import { reactive, ref, type Ref } from 'vue'
import type { ChosenFile } from './files'
import { STEPS, emptyForm, type ReportFormState } from './reportSteps'

/** The localStorage key of the device draft. */
export const DRAFT_KEY = 'minhbach.reportDraft.v1'

/** The answers a device draft may keep: everything but the identity. */
export const DRAFT_FIELDS = [
  'kind',
  'category',
  'title',
  'description',
  'incidentDate',
  'province',
  'commune',
  'place',
  'office',
  'counter',
  'procedure',
  'dossierNumber',
  'officials',
] as const satisfies readonly (keyof ReportFormState)[]

type DraftField = (typeof DRAFT_FIELDS)[number]
export type DraftAnswers = Pick<ReportFormState, DraftField>

export interface DeviceDraft {
  answers: Partial<DraftAnswers>
  /** The step shown when it was saved (never past the evidence step: files are not kept). */
  step: number
}

/** draftAnswers picks the answers a device draft may keep; identity, anonymity and files never. */
export function draftAnswers(form: ReportFormState): DraftAnswers {
  const out = {} as DraftAnswers
  for (const k of DRAFT_FIELDS) out[k] = String(form[k] ?? '')
  return out
}

/** saveDraft writes the device draft; a full or refused storage is ignored (the session still holds the form). */
export function saveDraft(storage: Storage, form: ReportFormState, step: number) {
  // The identity step is never restored: its answers are not in the draft.
  const kept = Math.max(0, Math.min(step, STEPS.indexOf('evidence')))
  const body = { v: 1, savedAt: new Date().toISOString(), step: kept, answers: draftAnswers(form) }
  try {
    storage.setItem(DRAFT_KEY, JSON.stringify(body))
  } catch {
    // Quota or privacy mode: nothing to do.
  }
}

/** loadDraft reads the device draft, keeping only known answer fields of the right type; null when there is none. */
export function loadDraft(storage: Storage): DeviceDraft | null {
  let raw: string | null
  try {
    raw = storage.getItem(DRAFT_KEY)
  } catch {
    return null
  }
  if (!raw) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return { answers: {}, step: 0 }
  }
  const p = (parsed && typeof parsed === 'object' ? parsed : {}) as { answers?: Record<string, unknown>; step?: unknown }
  const answers: Partial<DraftAnswers> = {}
  for (const k of DRAFT_FIELDS) {
    const v = p.answers?.[k]
    if (typeof v === 'string') answers[k] = v
  }
  const step = typeof p.step === 'number' && Number.isInteger(p.step) ? Math.max(0, Math.min(p.step, STEPS.indexOf('evidence'))) : 0
  return { answers, step }
}

/** clearDraft deletes the device draft. */
export function clearDraft(storage: Storage) {
  try {
    storage.removeItem(DRAFT_KEY)
  } catch {
    // Nothing stored, or storage refused: nothing to delete.
  }
}

/** The report form's data for one session of the page. */
export interface ReportSession {
  form: ReportFormState
  stepIndex: Ref<number>
  files: Ref<ChosenFile[]>
  /** The citizen chose to keep a draft on this device. */
  keepDraft: Ref<boolean>
  /** The form was filled from a device draft when it opened. */
  restored: Ref<boolean>
}

function deviceStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** createReportSession starts an empty form, filled from the device draft when there is one (the opt-in is the draft's presence). */
export function createReportSession(storage: Storage | null = deviceStorage()): ReportSession {
  const form = reactive(emptyForm())
  const s: ReportSession = { form, stepIndex: ref(0), files: ref([]), keepDraft: ref(false), restored: ref(false) }
  const d = storage ? loadDraft(storage) : null
  if (d) {
    Object.assign(form, d.answers)
    s.stepIndex.value = d.step
    s.keepDraft.value = true
    s.restored.value = Object.keys(d.answers).some((k) => d.answers[k as DraftField] !== '')
  }
  return s
}

/** isDirty tells whether the citizen has typed or chosen anything. */
export function isDirty(s: ReportSession): boolean {
  return s.files.value.length > 0 || JSON.stringify(s.form) !== JSON.stringify(emptyForm())
}

let current: ReportSession | null = null

/** reportSession is the form of this tab's session: the same object every time /report is opened, until endReportSession. */
export function reportSession(): ReportSession {
  current ??= createReportSession()
  return current
}

/** endReportSession forgets the session's form (after a successful submission, or a discarded draft). */
export function endReportSession() {
  current = null
}
