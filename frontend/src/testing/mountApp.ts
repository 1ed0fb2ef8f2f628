// Mounts the whole app (header, staff menu, router, i18n) at a path, with
// a memory history, for page tests; and the set-up the page tests share.

import { afterEach, beforeEach } from 'vitest'
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import App from '../App.vue'
import { createAppI18n } from '../i18n'
import { createAppRouter } from '../router'
import { resetStaffSessionForTests, setSession, type Role, type StaffUser } from '../staffSession'
import { grant, staffUser } from './fakeApi'

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

/**
 * resetPageTests registers, for the spec file that calls it at its top, what
 * every page test needs: the app unmounted and the staff session forgotten
 * after each test; the session, storage and document emptied before each,
 * then before run (to sign the same person in for every test).
 */
export function resetPageTests(before?: () => void) {
  enableAutoUnmount(afterEach)
  beforeEach(() => {
    resetStaffSessionForTests()
    localStorage.clear()
    document.body.innerHTML = ''
    before?.()
  })
  afterEach(() => resetStaffSessionForTests())
}

/**
 * openAs signs a staff member in with the access token "acc" (a role, or the
 * fields of staffUser that differ), mounts the app at path and waits until it
 * is ready: an element with that data-testid shows, or the check holds.
 */
export async function openAs(
  user: Role | Partial<StaffUser>,
  path: string,
  ready: string | ((w: VueWrapper) => boolean),
  locale: 'vi' | 'en' = 'en',
) {
  setSession(grant('acc', staffUser(typeof user === 'string' ? { role: user } : user)))
  const app = await mountApp(path, locale)
  await until(() => (typeof ready === 'string' ? app.w.find(`[data-testid="${ready}"]`).exists() : ready(app.w)))
  return app
}
