// The common behaviour of the staff forms: check, focus the first field in
// error, send, and show the API's field errors next to their fields (or its
// message above the form). useCitizenForm is the same for the citizen's forms
// on the tracking page.

import { nextTick, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError } from './api'
import { firstErrorId, serverFieldErrors, type FieldErrors } from './adminForms'
import { apiErrorMessage, fieldErrorText } from './errors'
import { MIN_PASSWORD_CHARS } from './staffApi'
import { flatValues, useLiveErrors } from './liveErrors'

export interface SubmitOptions {
  /** The form's fields in page order, to focus the first one in error. */
  order: readonly string[]
  /** The prefix of the fields' element ids: field "name.vi" of prefix "unit" is #unit-name-vi. */
  prefix: string
  /** The field a 409 without field details is about ("email" for a new account). */
  conflictField?: string
}

export function useForm() {
  const { t, te } = useI18n()
  const errors = ref<FieldErrors>({})
  const formError = ref('')
  const busy = ref(false)

  /** msg is the sentence for a field's error, or undefined when it has none. */
  function msg(field: string): string | undefined {
    const c = errors.value[field]
    return c ? fieldErrorText(t, te, c, MIN_PASSWORD_CHARS) : undefined
  }

  let lastCheck: (() => FieldErrors) | undefined

  /**
   * live keeps the errors true while the user corrects them (liveErrors.ts):
   * model is the form's fields (nested as the API names them: name.vi); the
   * check is the one last given to submit, which must read the current fields.
   */
  function live(model: () => object) {
    useLiveErrors({
      errors: () => errors.value,
      values: () => flatValues(model()),
      check: () => lastCheck?.() ?? {},
      cleared: () => {
        if (formError.value === t('admin.fixErrors')) formError.value = ''
      },
    })
  }

  async function focusFirst(opts: SubmitOptions) {
    await nextTick()
    const id = firstErrorId(errors.value, opts.order, opts.prefix)
    const el = id ? document.getElementById(id) : null
    if (el) el.focus()
    else document.getElementById(`${opts.prefix}-form-error`)?.focus()
  }

  function reset() {
    errors.value = {}
    formError.value = ''
  }

  /**
   * submit runs the check, then the action. It resolves true when the action
   * succeeded; false when the check or the server refused (errors are shown).
   */
  async function submit(check: () => FieldErrors, action: () => Promise<unknown>, opts: SubmitOptions): Promise<boolean> {
    if (busy.value) return false
    reset()
    lastCheck = check
    const errs = check()
    if (Object.keys(errs).length) {
      errors.value = errs
      formError.value = t('admin.fixErrors')
      await focusFirst(opts)
      return false
    }
    busy.value = true
    try {
      await action()
      return true
    } catch (e) {
      // The session is gone: staffRequest has already sent the page to sign-in.
      if (e instanceof ApiError && e.status === 401) return false
      const fields = serverFieldErrors(e, opts.conflictField)
      errors.value = fields
      formError.value = Object.keys(fields).length ? t('admin.fixErrors') : apiErrorMessage(t, e)
      await focusFirst(opts)
      return false
    } finally {
      busy.value = false
    }
  }

  return { errors, formError, busy, msg, submit, reset, live }
}

/**
 * useLoader keeps the state of one load: the data, whether it is loading, and
 * the error to show with a retry button. Only the latest load counts; reload's
 * arguments go to load.
 */
export function useLoader<T, A extends unknown[] = []>(load: (...args: A) => Promise<T>, initial: T) {
  const { t } = useI18n()
  const data = shallowRef<T>(initial)
  const loading = ref(false)
  const error = ref('')
  let seq = 0

  async function reload(...args: A): Promise<void> {
    const mine = ++seq
    loading.value = true
    error.value = ''
    try {
      const v = await load(...args)
      if (mine === seq) data.value = v
    } catch (e) {
      if (mine !== seq) return
      if (e instanceof ApiError && e.status === 401) return
      error.value = apiErrorMessage(t, e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return { data, loading, error, reload }
}

/**
 * useCitizenForm keeps the common behaviour of a citizen's form on the
 * tracking page: one sending at a time, the form's message above its button,
 * focus moved to what needs the citizen, and an ended session handed to the
 * page (onUnauthorized) instead of shown.
 */
export function useCitizenForm(onUnauthorized: () => void) {
  const { t, te } = useI18n()
  const error = ref('')
  const busy = ref(false)

  async function focus(id: string) {
    await nextTick()
    document.getElementById(id)?.focus()
  }

  /** fieldError is the sentence for the API's error on field, or '' when the error names none. */
  function fieldError(e: unknown, field: string): string {
    const code = e instanceof ApiError ? e.fields[field] : undefined
    return code ? fieldErrorText(t, te, code) : ''
  }

  /**
   * submit runs check, which shows the form's own errors and returns the id
   * to focus ('' when the form may be sent), then send. A refusal (other than
   * an ended session) goes to refused, which shows it and returns the id to focus.
   */
  async function submit(check: () => string, send: () => Promise<void>, refused: (e: unknown) => string): Promise<void> {
    if (busy.value) return
    error.value = ''
    const invalid = check()
    if (invalid) return focus(invalid)
    busy.value = true
    try {
      await send()
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') {
        onUnauthorized()
        return
      }
      await focus(refused(e))
    } finally {
      busy.value = false
    }
  }

  return { error, busy, fieldError, submit }
}
