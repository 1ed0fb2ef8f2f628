// Mounts the whole app (header, staff menu, router, i18n) at a path, with
// a memory history, for page tests.

import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import App from '../App.vue'
import { createAppI18n } from '../i18n'
import { createAppRouter } from '../router'

export async function mountApp(path: string, locale: 'vi' | 'en' = 'en') {
  const router = createAppRouter(createMemoryHistory())
  const i18n = createAppI18n(locale)
  await router.push(path)
  await router.isReady()
  const w = mount(App, { global: { plugins: [router, i18n] }, attachTo: document.body })
  await flushPromises()
  return { w, router, i18n }
}

/** settle waits for lazy route components, fetches and re-renders. */
export async function settle(rounds = 10) {
  for (let i = 0; i < rounds; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

/** until waits (up to 5 s) for a condition that needs a lazy page to load. */
export async function until(check: () => void | boolean) {
  const { vi } = await import('vitest')
  await vi.waitFor(
    () => {
      if (check() === false) throw new Error('not yet')
    },
    { timeout: 5000, interval: 10 },
  )
  await settle(2)
}
