// The shared state of the staff report page and of its panels: the report
// (loaded once by the page), one action at a time, the page's status line and
// error, and the field errors of every form on the page. CaseView creates it
// with createCasePage and provides it; each panel takes it with useCasePage.
// useCaseText puts the report's codes (statuses, events, actors, outcomes) in
// words for the panels.
//
// What the user may do is never decided here: the report carries the server's
// `allowedTransitions` and `can` flags, and the panels show what they allow.

import { computed, inject, nextTick, provide, reactive, ref, type ComputedRef, type InjectionKey, type Ref, type ShallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError } from '../api'
import { eventNoteText, eventTitle, personText } from '../caseReport'
import { apiErrorMessage, fieldErrorText } from '../errors'
import { useLiveErrors } from '../liveErrors'
import { formatDateTime } from '../format'
import { caseApi, noCapabilities, type CaseCapabilities, type CaseDetail } from '../staffApi'
import { useStaffSession } from '../staffSession'
import { useLoader } from '../useForm'

export interface CasePage {
  caseId: ComputedRef<string>
  /** The report (null until it is loaded). */
  report: ShallowRef<CaseDetail | null>
  /** The server's flags for the signed-in user (none allowed until the report is loaded). */
  can: ComputedRef<CaseCapabilities>
  loading: Ref<boolean>
  /** The load error (translated), shown with a retry. */
  loadError: Ref<string>
  reload: () => Promise<void>
  /** What the last action did (the page's status line). */
  status: Ref<string>
  /** Why the last action failed (the page's alert). */
  actionError: Ref<string>
  /** The key of the action running now ('' when none): every send button waits for it. */
  busy: Ref<string>
  /** Field errors by element id, for every form of the page. */
  errors: Record<string, string>
  /** need marks the field `key` as required when value is blank; true when it is filled. */
  need: (key: string, value: string) => boolean
  clearErrors: () => void
  /** required is the "required" error, by element id, of every value that is blank. */
  required: (values: Record<string, string>) => Record<string, string>
  /**
   * live keeps one form's errors true while the user corrects them
   * (liveErrors.ts): values and check are by element id; call it in the form's setup.
   */
  live: (values: () => Record<string, unknown>, check: () => Record<string, string>) => void
  focusFirstError: () => Promise<void>
  /**
   * act runs one action, then reloads the report and says what happened. The
   * API's field errors (code "invalid", HTTP 400, with error.fields) are shown
   * next to the fields `fields` maps them to (API field name → element id).
   */
  act: (key: string, fn: () => Promise<unknown>, done: string, after?: () => void, fields?: Record<string, string>) => Promise<void>
  /** reset forgets the last action's status, error and field errors (another report is opened). */
  reset: () => void
}

const KEY: InjectionKey<CasePage> = Symbol('casePage')

/** withFlags completes a report's flags: whatever the answer does not allow (or does not mention) is not allowed. */
export function withFlags(d: CaseDetail): CaseDetail {
  return { ...d, allowedTransitions: d.allowedTransitions ?? [], can: { ...noCapabilities(), ...(d.can ?? {}) } }
}

/** workPlace remembers the control a person used: its id, and the id of the heading of the form or section it is in. */
function workPlace(el: HTMLElement): { id: string; heading: string } {
  const box = el.closest('form, section')
  const heading = box?.querySelector('h2[id], h3[id]') ?? el.closest('section')?.querySelector('h2[id]')
  // A confirmation's "yes" names the button it stands in for (data-return-to).
  return { id: el.dataset.returnTo || el.id, heading: heading?.id ?? '' }
}

/**
 * returnFocus puts focus back on the control a person used, once the report
 * is reloaded: the same element if it is still there and usable, else the
 * element with its id, else the heading of its form or section, else the
 * actions' heading. The page does not scroll.
 */
export function returnFocus(origin: HTMLElement | null, place: { id: string; heading: string } | null) {
  const usable = (el: Element | null): el is HTMLElement =>
    el instanceof HTMLElement && el.isConnected && !(el as HTMLButtonElement).disabled && !el.closest('[hidden]')
  const candidates: (Element | null)[] = [origin, place?.id ? document.getElementById(place.id) : null]
  for (const el of candidates) {
    if (usable(el)) {
      el.focus({ preventScroll: true })
      return
    }
  }
  const heading = (place?.heading && document.getElementById(place.heading)) || document.getElementById('actions-heading')
  if (heading instanceof HTMLElement) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1')
    heading.focus({ preventScroll: true })
  }
}

/** createCasePage loads the report of caseId and keeps the page's shared state; call it in the page's setup and provide it. */
export function createCasePage(caseId: ComputedRef<string>): CasePage {
  const { t, te } = useI18n()
  const { data: report, loading, error: loadError, reload } = useLoader<CaseDetail | null>(
    async () => withFlags(await caseApi.get(caseId.value)),
    null,
  )
  const can = computed(() => report.value?.can ?? noCapabilities())
  const status = ref('')
  const actionError = ref('')
  const busy = ref('')
  const errors = reactive<Record<string, string>>({})

  function statusText(s: string): string {
    return te(`status.${s}`) ? t(`status.${s}`) : s
  }

  function need(key: string, value: string): boolean {
    if (value.trim()) return true
    errors[key] = t('fieldError.required')
    return false
  }

  function clearErrors() {
    for (const k of Object.keys(errors)) delete errors[k]
  }

  function required(values: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(values)) if (!v.trim()) out[k] = t('fieldError.required')
    return out
  }

  function live(values: () => Record<string, unknown>, check: () => Record<string, string>) {
    useLiveErrors({
      errors: () => errors,
      values,
      check,
      cleared: () => {
        if (actionError.value === t('caseView.fixErrors')) actionError.value = ''
      },
    })
  }

  async function focusFirstError() {
    await nextTick()
    const first = Object.keys(errors)[0]
    if (first) document.getElementById(first)?.focus()
  }

  /** fieldText is the sentence for a field error from the API; "identity" in a public summary gets its own. */
  function fieldText(field: string, code: string, details: string[] = []): string {
    if (field === 'publicSummary' && code === 'identity') {
      // The server names the words of the summary it flagged.
      return details.length ? t('caseView.summaryIdentityWords', { words: details.map((w) => `“${w}”`).join(', ') }) : t('caseView.summaryIdentity')
    }
    if (field === 'assigneeId' && code === 'invalid') return t('caseView.assignInvalid')
    return fieldErrorText(t, te, code)
  }

  async function act(key: string, fn: () => Promise<unknown>, done: string, after?: () => void, fields: Record<string, string> = {}) {
    if (busy.value) return
    // Where the person works: focus comes back there once the report is
    // reloaded, instead of jumping to the top of the page.
    const origin = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null
    const place = origin ? workPlace(origin) : null
    busy.value = key
    actionError.value = ''
    status.value = ''
    try {
      await fn()
      after?.()
      await reload()
      // The status line is a live region: the result is announced where focus stays.
      status.value = done
      busy.value = ''
      await nextTick()
      returnFocus(origin, place)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return
      const mapped = e instanceof ApiError ? Object.entries(e.fields).filter(([f]) => fields[f]) : []
      if (e instanceof ApiError && mapped.length) {
        for (const [f, code] of mapped) errors[fields[f]!] = fieldText(f, code, (e as ApiError).details[f])
        actionError.value = t('caseView.fixErrors')
        return focusFirstError()
      }
      if (e instanceof ApiError && e.status === 409 && key === 'move') {
        const allowed = e.allowed ?? []
        actionError.value = e.allowed
          ? allowed.length
            ? t('caseView.refusedAllowed', { allowed: allowed.map(statusText).join(', ') })
            : t('caseView.refusedNone')
          : t('caseView.refused')
        await reload()
      } else {
        actionError.value = apiErrorMessage(t, e)
      }
      await nextTick()
      document.getElementById('case-error')?.focus()
    } finally {
      busy.value = ''
    }
  }

  function reset() {
    clearErrors()
    status.value = ''
    actionError.value = ''
  }

  return { caseId, report, can, loading, loadError, reload, status, actionError, busy, errors, need, clearErrors, required, live, focusFirstError, act, reset }
}

/** provideCasePage gives the page's state to its panels. */
export function provideCasePage(page: CasePage) {
  provide(KEY, page)
}

/** useCasePage is the state of the report page a panel is on. */
export function useCasePage(): CasePage {
  const page = inject(KEY)
  if (!page) throw new Error('useCasePage: no report page provides its state')
  return page
}

/** useCaseText puts a report's codes in words, and names the staff it mentions ("you" for oneself). */
export function useCaseText() {
  const { t, te, locale } = useI18n()
  const { user } = useStaffSession()
  const page = useCasePage()
  const word = (prefix: string, code: string) => (te(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code)

  /** who names a user id: "you" for the signed-in user, else the name the report's `people` gives (or the id). */
  function who(id: string | undefined | null): string {
    return personText(t, id, user.value?.id, page.report.value?.people)
  }

  return {
    who,
    statusText: (s: string) => word('status', s),
    roleText: (r: string) => word('roles', r),
    fromText: (f: string) => word('caseView.from', f),
    outcomeText: (o: string) => word('caseView.outcomes', o),
    kindText: (k: string) => word('kinds', k),
    eventText: (type: string) => eventTitle(t, te, type),
    actorText: (a: string) => (te(`caseView.actors.${a}`) ? t(`caseView.actors.${a}`) : who(a)),
    eventNote: (e: { type: string; note?: string; ref?: string }) => eventNoteText(t, te, e, who),
    when: (iso?: string | null) => (iso ? formatDateTime(iso, locale.value) : '—'),
  }
}
