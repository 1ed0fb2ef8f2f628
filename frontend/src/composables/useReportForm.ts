// The state of the guided report form, shared by its steps: the answers, the
// chosen files, the step shown, the field errors (the client's, and the
// backend's that stay until the next attempt), and the submission with its
// upload. ReportForm creates it and provides it; each step component
// (components/report/*) takes it with useReportWizard. The rules themselves
// (steps, validation, the request body) are reportSteps.ts.

import { computed, inject, nextTick, onBeforeUnmount, onMounted, provide, ref, watch, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import { useProofOfWork } from './useProofOfWork'
import {
  ApiError,
  DEFAULT_ALLOWED_TYPES,
  newIdempotencyKey,
  submitComplaint,
  type ComplaintInput,
  type Kind,
  type LocalizedName,
  type Meta,
  type SubmitResult,
  type UploadHooks,
} from '../api'
import { isLocale } from '../i18n'
import { apiErrorMessage } from '../errors'
import { flatValues, useLiveErrors } from '../liveErrors'
import { normalizeAllowedTypes, type FileLimits } from '../files'
import { clearDraft, createReportSession, isDirty, saveDraft, type ReportSession } from '../reportDraft'
import { todayInVietnam } from '../format'
import {
  STEPS,
  anonymousAllowed,
  buildInput,
  emptyForm,
  firstError,
  mapApiField,
  stepOf,
  validateStep,
  type FieldErrors,
  type FieldKey,
  type StepId,
} from '../reportSteps'
import { useUpload } from './useUpload'

/** The message keys of each field's label (also used in the error summary and the review). */
export const LABEL_KEYS: Record<FieldKey, string> = {
  kind: 'report.kindLegend',
  category: 'report.category',
  title: 'report.title',
  description: 'report.description',
  incidentDate: 'report.incidentDate',
  province: 'report.province',
  commune: 'report.commune',
  place: 'report.place',
  office: 'report.office',
  counter: 'report.counterField',
  procedure: 'report.procedure',
  dossierNumber: 'report.dossierNumber',
  officials: 'report.officials',
  files: 'report.filesField',
  anonymous: 'report.identityLegend',
  'identity.name': 'report.name',
  'identity.phone': 'report.phone',
  'identity.email': 'report.email',
  'identity.address': 'report.address',
  'identity.nationalId': 'report.nationalId',
}

/** fieldId is the element id of a field's control: "f-title", "f-identity-name". */
export function fieldId(k: FieldKey): string {
  return 'f-' + k.replace('.', '-')
}

/** How long typing pauses before the device draft is written. */
const DRAFT_DELAY_MS = 400

/** Sends one filing: the body, the files, the Idempotency-Key, the upload's hooks and the solved proof of work ({} without one). */
export type ReportSender<R> = (input: ComplaintInput, files: readonly File[], idempotencyKey: string, hooks: UploadHooks, pow: Record<string, string>) => Promise<R>

/**
 * How a report form files. The citizen's form (the defaults) solves the
 * proof of work, files through POST /api/v1/complaints and may keep a device
 * draft; the staff's intake form (views/IntakeView.vue) files on a citizen's
 * behalf with its own sender, no proof of work (staff are signed in) and no
 * draft of any kind.
 */
export interface ReportFormOptions<R> {
  send: ReportSender<R>
  proofOfWork: boolean
  deviceDraft: boolean
  /** What the sender adds to the request beyond the form (the channel): part of the Idempotency-Key's fingerprint. */
  fingerprint?: () => string
}

/** The citizen's web form: proof of work, POST /api/v1/complaints, the opt-in device draft. */
export const CITIZEN_FORM: ReportFormOptions<SubmitResult> = {
  send: (input, files, key, hooks, pow) => submitComplaint(input, files, key, hooks, pow),
  proofOfWork: true,
  deviceDraft: true,
}

/**
 * createReportForm keeps the state of one report form for meta's kinds, areas
 * and limits; onSubmitted gets the 201 answer. The answers, step and files
 * live in session (reportDraft.ts), which may outlive the form: the report
 * page passes the tab's session so that leaving and coming back keeps them.
 */
export function createReportForm<R = SubmitResult>(
  meta: () => Meta,
  onSubmitted: (r: R) => void,
  session: ReportSession = createReportSession(),
  options: ReportFormOptions<R> = CITIZEN_FORM as unknown as ReportFormOptions<R>,
) {
  const { t, te, locale } = useI18n()

  const { form, stepIndex, files, keepDraft, restored } = session
  const step = computed<StepId>(() => STEPS[stepIndex.value]!)
  const lastStep = STEPS.length - 1

  /** Error codes the backend gave for single files, by file key. */
  const fileErrors = ref<Record<string, string>>({})
  /** Field error codes (required, too_long, …) by form key. */
  const errors = ref<FieldErrors>({})
  /** Error codes for fields the form has no control for. */
  const otherErrors = ref<Record<string, string>>({})
  /** A submission-level error (translated), shown in an alert next to the send button. */
  const formError = ref('')
  const upload = useUpload()
  const work = useProofOfWork()
  const submitting = computed(() => upload.busy || work.checking.value)

  // The same Idempotency-Key is sent again when exactly the same report is
  // retried (after a network error, a 5xx, a 429 or a cancelled upload), so
  // the backend never files it twice. A changed report, or one the backend has
  // given a verdict on, gets a new key: reusing a key with another body is
  // refused (idempotency_mismatch).
  let idempotencyKey = newIdempotencyKey()
  let keyFingerprint = ''

  const lang = computed(() => (isLocale(locale.value) ? locale.value : 'vi'))
  const limits = computed(() => meta().limits)
  const allowedTypes = computed(() => normalizeAllowedTypes(meta().allowedTypes ?? DEFAULT_ALLOWED_TYPES))
  const fileLimits = computed<FileLimits>(() => ({
    maxFiles: limits.value.maxFiles,
    maxFileBytes: limits.value.maxFileBytes,
    maxTotalBytes: limits.value.maxReportBytes,
  }))
  const today = todayInVietnam()

  function localName(n: LocalizedName): string {
    return n[lang.value] || n.vi || n.en
  }

  const selectedKind = computed<Kind | undefined>(() => meta().kinds.find((k) => k.code === form.kind))
  const canBeAnonymous = computed(() => anonymousAllowed(selectedKind.value))
  watch(canBeAnonymous, (ok) => {
    if (!ok) form.anonymous = false
  })

  const provinces = computed(() => meta().areas.filter((a) => !a.parent))
  const communes = computed(() => (form.province ? meta().areas.filter((a) => a.parent === form.province) : []))
  watch(
    () => form.province,
    () => {
      form.commune = ''
    },
  )

  /** The control that receives focus for a field's error. */
  function focusTarget(k: FieldKey): string {
    if (k === 'kind') return `kind-${form.kind || meta().kinds[0]?.code || ''}`
    if (k === 'anonymous') return form.anonymous ? 'anon-yes' : 'anon-no'
    return fieldId(k)
  }

  function fieldError(code: string): string {
    const key = `fieldError.${code}`
    return te(key) ? t(key) : t('fieldError.other')
  }

  function errorFor(k: FieldKey): string | undefined {
    const code = errors.value[k]
    if (!code) return undefined
    // The backend reports a named report without any contact as identity.phone: required.
    if (k === 'identity.phone' && code === 'required') return t('fieldError.contact')
    return fieldError(code)
  }

  const summaryItems = computed(() => {
    const items: { key?: FieldKey; text: string }[] = []
    for (const k of Object.keys(errors.value) as FieldKey[]) {
      items.push({ key: k, text: t('report.fieldErrorSummary', { field: t(LABEL_KEYS[k]), error: errorFor(k) ?? '' }) })
    }
    for (const [k, code] of Object.entries(otherErrors.value)) {
      items.push({ text: t('report.fieldErrorSummary', { field: k, error: fieldError(code) }) })
    }
    return items
  })

  function ctx() {
    const present = new Set(files.value.map((f) => f.key))
    return {
      limits: limits.value,
      kinds: meta().kinds,
      today,
      fileErrors: Object.keys(fileErrors.value).some((k) => present.has(k)),
    }
  }

  // Once errors are shown, each disappears as soon as its field is right
  // (liveErrors.ts, the rule of every form).
  useLiveErrors({
    errors: () => errors.value,
    values: () => ({ ...flatValues(form), files: files.value.map((f) => f.key) }),
    check: () => {
      const now: FieldErrors = {}
      for (const s of new Set((Object.keys(errors.value) as FieldKey[]).map(stepOf))) Object.assign(now, validateStep(s, form, ctx()))
      return now
    },
  })

  async function focusField(k: FieldKey) {
    const target = STEPS.indexOf(stepOf(k))
    if (target !== stepIndex.value) {
      stepIndex.value = target
      await nextTick()
    }
    document.getElementById(focusTarget(k))?.focus()
  }

  async function showErrors(e: FieldErrors) {
    errors.value = e
    const first = firstError(e)
    await nextTick()
    if (first) await focusField(first)
  }

  /** goTo shows step i and moves the focus to its heading. */
  async function goTo(i: number) {
    stepIndex.value = i
    await nextTick()
    document.getElementById('step-heading')?.focus()
  }

  async function back() {
    if (stepIndex.value > 0) {
      errors.value = {}
      await goTo(stepIndex.value - 1)
    }
  }

  async function next() {
    otherErrors.value = {}
    const e = validateStep(step.value, form, ctx())
    if (Object.keys(e).length > 0) {
      await showErrors(e)
      return
    }
    errors.value = {}
    await goTo(stepIndex.value + 1)
  }

  function apiErrorText(e: ApiError): string {
    if (e.code === 'idempotency_mismatch') return t('report.keyReused')
    return apiErrorMessage(t, e)
  }

  /** submit goes to the next step, or on the last one checks every step and files the report with its files. */
  async function submit() {
    if (submitting.value) return
    if (stepIndex.value < lastStep) {
      await next()
      return
    }
    formError.value = ''
    otherErrors.value = {}
    // Every step again: the kind may have changed what the identity step allows.
    for (const s of STEPS) {
      const e = validateStep(s, form, ctx())
      if (Object.keys(e).length > 0) {
        await showErrors(e)
        return
      }
    }
    errors.value = {}
    const input = buildInput(form, lang.value)
    const sent = files.value.slice()
    const fingerprint = JSON.stringify(input) + '\n' + sent.map((f) => f.key).join(',') + '\n' + (options.fingerprint?.() ?? '')
    if (fingerprint !== keyFingerprint) {
      idempotencyKey = newIdempotencyKey()
      keyFingerprint = fingerprint
    }
    fileErrors.value = {}
    const key = idempotencyKey
    let pow: Record<string, string> = {}
    if (options.proofOfWork) {
      try {
        pow = await work.run()
      } catch (e) {
        if (!(e instanceof ApiError)) throw e
        formError.value = apiErrorText(e)
        return
      }
    }
    const r = await upload.run(sent, (c) =>
      options.send(
        input,
        sent.map((f) => f.file),
        key,
        c,
        pow,
      ),
    )
    if (r.state === 'done') {
      keyFingerprint = ''
      // Filed: nothing of it stays on the device.
      cancelDraftSave()
      keepDraft.value = false
      if (options.deviceDraft) clearDraft(localStorage)
      onSubmitted(r.value)
      return
    }
    if (r.state === 'cancelled') {
      formError.value = t('upload.cancelled')
      return
    }
    const err = r.error
    if (err.fields.pow) {
      // A stale or reused challenge (say, a double submit): a new one on the next try.
      formError.value = t('pow.failed')
      return
    }
    // A verdict on this content (not a transient failure): the next attempt is a new request.
    if (err.status >= 400 && err.status < 500 && err.code !== 'rate_limited') keyFingerprint = ''
    const mapped: FieldErrors = {}
    const other: Record<string, string> = {}
    if (Object.keys(r.perFile).length > 0) mapped.files = 'file_errors'
    for (const [name, code] of Object.entries(r.other)) {
      const k = mapApiField(name, form)
      if (k) mapped[k] = code
      else other[name] = code
    }
    fileErrors.value = r.perFile
    otherErrors.value = other
    formError.value = Object.keys(err.fields).length > 0 ? t('report.fixErrors') : apiErrorText(err)
    if (Object.keys(mapped).length > 0) await showErrors(mapped)
  }

  function stepTitle(s: StepId): string {
    return t(`report.steps.${s}`)
  }

  // The opt-in device draft: written a moment after typing stops, deleted as
  // soon as the citizen turns it off. It never holds identity or files
  // (reportDraft.ts chooses the fields).
  let draftTimer: ReturnType<typeof setTimeout> | undefined
  function cancelDraftSave() {
    if (draftTimer !== undefined) clearTimeout(draftTimer)
    draftTimer = undefined
  }
  function flushDraft() {
    if (draftTimer === undefined || !options.deviceDraft) return
    cancelDraftSave()
    if (keepDraft.value) saveDraft(localStorage, form, stepIndex.value)
  }
  watch(
    [form, stepIndex],
    () => {
      if (!keepDraft.value || !options.deviceDraft) return
      cancelDraftSave()
      draftTimer = setTimeout(() => {
        draftTimer = undefined
        if (keepDraft.value) saveDraft(localStorage, form, stepIndex.value)
      }, DRAFT_DELAY_MS)
    },
    { deep: true },
  )
  watch(keepDraft, (on) => {
    cancelDraftSave()
    if (!options.deviceDraft) return
    if (on) saveDraft(localStorage, form, stepIndex.value)
    else clearDraft(localStorage)
  })
  // A reload right after typing still finds the last words.
  onMounted(() => window.addEventListener('pagehide', flushDraft))
  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', flushDraft)
    flushDraft()
  })

  /** The citizen has typed or chosen something not yet sent. */
  const dirty = computed(() => isDirty(session))

  /** discard empties the form and deletes the device draft (the opt-in stays as chosen). */
  async function discard() {
    cancelDraftSave()
    if (options.deviceDraft) clearDraft(localStorage)
    Object.assign(form, emptyForm())
    files.value = []
    errors.value = {}
    otherErrors.value = {}
    fileErrors.value = {}
    formError.value = ''
    restored.value = false
    await goTo(0)
  }

  return {
    meta: computed(meta),
    form,
    stepIndex,
    step,
    lastStep,
    files,
    fileErrors,
    errors,
    formError,
    upload,
    submitting,
    work,
    lang,
    limits,
    allowedTypes,
    fileLimits,
    today,
    localName,
    selectedKind,
    canBeAnonymous,
    provinces,
    communes,
    focusTarget,
    fieldError,
    errorFor,
    summaryItems,
    focusField,
    goTo,
    back,
    next,
    submit,
    stepTitle,
    keepDraft,
    restored,
    dirty,
    discard,
    /** Whether the form offers the device draft (the citizen's form only). */
    deviceDraft: options.deviceDraft,
  }
}

export type ReportWizard = ReturnType<typeof createReportForm<unknown>>

const KEY: InjectionKey<ReportWizard> = Symbol('reportForm')

/** provideReportWizard gives the form's state to its steps. */
export function provideReportWizard(w: ReportWizard) {
  provide(KEY, w)
}

/** useReportWizard is the state of the report form a step is in. */
export function useReportWizard(): ReportWizard {
  const w = inject(KEY)
  if (!w) throw new Error('useReportWizard: no report form provides its state')
  return w
}
