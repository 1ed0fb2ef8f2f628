import { onBeforeUnmount, ref, type Ref } from 'vue'

/**
 * useMediaQuery follows a CSS media query (false where matchMedia is
 * missing), so a component can change its order, not just its look, at a
 * breakpoint: screen readers and the keyboard then meet what the eye sees.
 */
export function useMediaQuery(query: string): Ref<boolean> {
  const mql = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(query) : null
  const matches = ref(mql?.matches ?? false)
  const onChange = (e: MediaQueryListEvent) => (matches.value = e.matches)
  mql?.addEventListener?.('change', onChange)
  onBeforeUnmount(() => mql?.removeEventListener?.('change', onChange))
  return matches
}

/** The phone layout: narrower than the 40rem breakpoint of style.css. */
export const NARROW_QUERY = '(max-width: 39.99rem)'
