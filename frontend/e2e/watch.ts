import { test as base, expect, type ConsoleMessage, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'

/** statsBaseURL is the transparency spec's own portal (playwright.config.ts's second server). */
export const statsBaseURL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 18080) + 1}`

// watchedTest returns a Playwright test in which every page load is watched:
// any console error, uncaught exception or Content-Security-Policy violation
// fails the test, except console errors `allowed` accepts.
export function watchedTest(allowed: (msg: ConsoleMessage) => boolean = () => false) {
  return base.extend<{ problems: string[] }>({
    problems: [
      async ({ page }, use) => {
        const problems: string[] = []
        page.on('console', (msg) => {
          if (msg.type() === 'error' && !allowed(msg)) problems.push(`console error: ${msg.text()} (${msg.location().url})`)
        })
        page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`))
        await page.exposeBinding('__reportCSPViolation', (_src, v: string) => {
          problems.push(`CSP violation: ${v}`)
        })
        await page.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (e) => {
            const report = (window as unknown as { __reportCSPViolation: (v: string) => void }).__reportCSPViolation
            void report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)
          })
        })
        await use(problems)
        expect(problems, 'console errors, exceptions or CSP violations').toEqual([])
      },
      { auto: true },
    ],
  })
}

// expectAccessible fails on serious or critical axe-core violations.
export async function expectAccessible(page: Page, where: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(serious, `serious or critical accessibility violations on ${where}`).toEqual([])
}

// expectNoHorizontalScroll fails when the page is wider than a 360 px phone.
export async function expectNoHorizontalScroll(page: Page, where: string) {
  const width = await page.evaluate(() => document.scrollingElement!.scrollWidth)
  expect(width, `horizontal scroll on ${where}`).toBeLessThanOrEqual(360)
}
