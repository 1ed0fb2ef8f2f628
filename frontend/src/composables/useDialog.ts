import type { Ref } from 'vue'

/**
 * useDialog drives the <dialog> element bound to dialog: modal where the
 * browser supports it, a plain open attribute otherwise.
 */
export function useDialog(dialog: Ref<HTMLDialogElement | null>) {
  function open() {
    const d = dialog.value
    if (!d) return
    if (typeof d.showModal === 'function') d.showModal()
    else d.setAttribute('open', '')
  }
  function close() {
    const d = dialog.value
    if (!d) return
    if (typeof d.close === 'function') d.close()
    else d.removeAttribute('open')
  }
  return { open, close }
}
