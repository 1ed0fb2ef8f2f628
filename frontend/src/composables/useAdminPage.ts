// The behaviour every admin list-and-form page shares: a status line that
// says what was done (and takes the focus), one row action at a time with its
// error, and (for the pages that create and edit in one form) which item the
// form edits. The page's shell is components/staff/AdminListPage.vue, the
// form's frame components/staff/AdminEditForm.vue.

import { nextTick, reactive, ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError } from '../api'
import { apiErrorMessage } from '../errors'

/** focusId moves the focus to an element once the page has been drawn again. */
export async function focusId(id: string) {
  await nextTick()
  document.getElementById(id)?.focus()
}

/** useAdminPage keeps the status line of the page `name` (#<name>-status) and its row actions. */
export function useAdminPage(name: string) {
  const { t } = useI18n()
  const status = ref('')
  const rowError = ref('')
  /** The id of the row whose action runs now ('' when none). */
  const busyRow = ref('')

  /** say puts what was done in the status line and moves the focus there. */
  function say(text: string) {
    status.value = text
    void focusId(`${name}-status`)
  }

  /** runRow runs a row's action (delete, disable…); a failure is shown above the list. */
  async function runRow(id: string, action: () => Promise<void>) {
    busyRow.value = id
    rowError.value = ''
    status.value = ''
    try {
      await action()
    } catch (e) {
      // The session is gone: the page is already on its way to sign-in.
      if (!(e instanceof ApiError && e.status === 401)) rowError.value = apiErrorMessage(t, e)
    } finally {
      busyRow.value = ''
    }
  }

  return { status, rowError, busyRow, say, runRow }
}

export interface EditorOptions<T, F extends object> {
  /** The prefix of the form's ids: #<prefix>-new opens it, #<prefix>-edit-<id> edits a row. */
  prefix: string
  /** The fields of a new item. */
  blank: () => F
  /** The fields of an item to edit (copies: the list stays as loaded until saved). */
  fieldsOf: (item: T) => F
  /** The id of an item (in #<prefix>-edit-<id>). */
  idOf: (item: T) => string
  /** The field focused when creating, and when editing (ids without the prefix). */
  focusNew: string
  focusEdit: string
  /** Called whenever the form opens (to forget the last attempt's errors). */
  reset?: () => void
}

/**
 * useAdminEditor keeps a create-or-edit form: whether it is open, the item it
 * edits (null for a new one) and its fields. Opening focuses the first field;
 * closing gives the focus back to the button that opened it.
 */
export function useAdminEditor<T, F extends object>(o: EditorOptions<T, F>) {
  const open = ref(false)
  const editing = ref(null) as Ref<T | null>
  const f = reactive(o.blank()) as F

  function show(fields: F, focus: string) {
    Object.assign(f, fields)
    o.reset?.()
    open.value = true
    void focusId(`${o.prefix}-${focus}`)
  }

  /** startCreate opens the form empty (over: fields that start otherwise). */
  function startCreate(over: Partial<F> = {}) {
    editing.value = null
    show({ ...o.blank(), ...over }, o.focusNew)
  }

  function startEdit(item: T) {
    editing.value = item
    show(o.fieldsOf(item), o.focusEdit)
  }

  /** close abandons the form. */
  function close() {
    const back = editing.value ? `${o.prefix}-edit-${o.idOf(editing.value)}` : `${o.prefix}-new`
    done()
    void focusId(back)
  }

  /** done closes the form after saving. */
  function done() {
    open.value = false
    editing.value = null
  }

  return { open, editing, f, startCreate, startEdit, close, done, isNew: () => !editing.value }
}
