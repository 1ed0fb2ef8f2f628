import { ref } from 'vue'

/**
 * useDialog drives a <dialog> element bound to the returned ref: modal where
 * the browser supports it, a plain open attribute otherwise.
 */
export function useDialog() {
  const dialog = ref<HTMLDialogElement | null>(null)
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
  return { dialog, open, close }
}
