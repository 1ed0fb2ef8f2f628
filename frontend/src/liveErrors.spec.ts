import { describe, expect, it } from 'vitest'
import { effectScope, nextTick, reactive, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { flatValues, useLiveErrors, useLiveFieldRefs } from './liveErrors'
import { createAppI18n } from './i18n'
import MessageForm from './components/MessageForm.vue'
import vi from './locales/vi'

function form() {
  const f = reactive({ title: '', name: { vi: '', en: '' }, note: '' })
  const errors = reactive<Record<string, string>>({})
  let cleared = 0
  const check = () => {
    const e: Record<string, string> = {}
    if (!f.title.trim()) e.title = 'required'
    else if (f.title.length > 5) e.title = 'too_long'
    if (!f.name.vi.trim()) e['name.vi'] = 'required'
    return e
  }
  effectScope().run(() => useLiveErrors({ errors: () => errors, values: () => flatValues(f), check, cleared: () => cleared++ }))
  return { f, errors, check, cleared: () => cleared }
}

describe('useLiveErrors', () => {
  it('judges no field before an error is shown', async () => {
    const { f, errors } = form()
    f.title = 'x'.repeat(9)
    await nextTick()
    expect(errors).toEqual({})
  })

  it('removes an error as soon as its field is right, and keeps the others', async () => {
    const { f, errors, check, cleared } = form()
    Object.assign(errors, check())
    expect(errors).toEqual({ title: 'required', 'name.vi': 'required' })
    f.title = 'abc'
    await nextTick()
    expect(errors).toEqual({ 'name.vi': 'required' })
    expect(cleared()).toBe(0)
    f.name.vi = 'Tên'
    await nextTick()
    expect(errors).toEqual({})
    expect(cleared()).toBe(1)
  })

  it('shows the new problem of a field still wrong', async () => {
    const { f, errors, check } = form()
    Object.assign(errors, check())
    f.title = 'far too long'
    await nextTick()
    expect(errors.title).toBe('too_long')
  })

  it('drops the server’s error of a field once its value changes, not before', async () => {
    const { f, errors } = form()
    f.title = 'abc'
    f.name.vi = 'Tên'
    errors.note = 'identity' // the server's: the page cannot judge it
    await nextTick()
    f.title = 'abcd'
    await nextTick()
    expect(errors.note).toBe('identity')
    f.note = 'rewritten'
    await nextTick()
    expect(errors.note).toBeUndefined()
  })

  it('leaves alone the errors of keys the form does not own', async () => {
    const { f, errors } = form()
    errors['other-form'] = 'required'
    f.title = 'a'
    await nextTick()
    expect(errors['other-form']).toBe('required')
  })

  it('works on per-field refs too', async () => {
    const reason = ref('')
    const reasonError = ref('')
    effectScope().run(() =>
      useLiveFieldRefs({ reason: reasonError }, () => ({ reason: reason.value }), (): Record<string, string> => (reason.value.trim() ? {} : { reason: 'Required' })),
    )
    reasonError.value = 'Required'
    await nextTick()
    reason.value = ' '
    await nextTick()
    expect(reasonError.value).toBe('Required')
    reason.value = 'Lý do'
    await nextTick()
    expect(reasonError.value).toBe('')
  })
})

describe('the citizen’s message form', () => {
  it('clears the message’s error and aria-invalid as soon as the text is right', async () => {
    const w = mount(MessageForm, {
      props: { token: 't', maxChars: 20, fileLimits: { maxFiles: 3, maxFileBytes: 1 << 20, maxTotalBytes: 3 << 20 }, allowedTypes: [] },
      global: { plugins: [createAppI18n('vi')] },
      attachTo: document.body,
    })
    await w.get('form').trigger('submit')
    await nextTick()
    const box = () => w.get('#msg-text')
    expect(box().attributes('aria-invalid')).toBe('true')
    expect(w.get('[data-testid="error-msg-text"]').text()).toBe(vi.fieldError.required)
    await box().setValue('x'.repeat(25))
    await nextTick()
    expect(w.get('[data-testid="error-msg-text"]').text()).toBe(vi.fieldError.too_long)
    await box().setValue('Xin bổ sung biên lai')
    await nextTick()
    expect(w.find('[data-testid="error-msg-text"]').exists()).toBe(false)
    expect(box().attributes('aria-invalid')).toBeUndefined()
    w.unmount()
  })
})

describe('useLiveErrors across fields', () => {
  it('removes an error another field’s correction fixed', async () => {
    const f = reactive({ phone: '', email: '' })
    const errors = reactive<Record<string, string>>({})
    const check = (): Record<string, string> => (f.phone || f.email ? {} : { phone: 'contact' })
    effectScope().run(() => useLiveErrors({ errors: () => errors, values: () => ({ ...f }), check }))
    Object.assign(errors, check())
    await nextTick()
    f.email = 'a@b.vn'
    await nextTick()
    expect(errors).toEqual({})
  })
})
