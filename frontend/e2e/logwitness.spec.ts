import { expect } from '@playwright/test'
import { expectAccessible, expectNoHorizontalScroll, watchedTest } from './watch'
import { adminCreator, setOwnPassword, signIn, staffNav } from './staffHelpers'

// The public log and its witnesses for a Front monitor, in Chromium, on the
// real binary (docs/transparency-log.md, "Where the witnesses' state is
// seen"): the staff menu links /staff/log right after the queue; the page
// shows the log's name, size and key, and, with no witness configured on
// this portal, says that the log rests on the operator alone and how a
// committee becomes a witness; accessible, and no horizontal scroll on a
// phone; then, with GET /api/v1/log answered by the test, a refused and a
// silent witness, and the alert on the queue. The refusals themselves are
// driven by the Go end-to-end tests with a real witness (cmd/portal).
const test = watchedTest((msg) => /status of 401/.test(msg.text()) && msg.location().url.includes('/api/v1/auth/'))

const ADMIN = { email: 'log-admin@e2e.test', password: 'Sổ-công-khai-có-người-chứng-kiến-2026!' }
const TEMP = 'Tạm-thời-sổ-công-khai-2026'
const PASSWORD = 'Mật-khẩu-giám-sát-sổ-công-khai-2026'
const MONITOR = { email: 'giam-sat@log.e2e.test', name: 'Lê Thị Chứng Kiến', role: 'monitor' }
const PROVINCE = { code: '93', vi: 'Tỉnh Hậu Giang (sổ công khai)', en: 'Hau Giang Province (public log)' }
const FRONT = { code: 'mttq-hau-giang-log', vi: 'Ủy ban MTTQ tỉnh Hậu Giang (sổ công khai)', en: 'Hau Giang Front Committee (public log)' }

test('a monitor sees the public log and its witnesses on the staff page, on a desktop and a phone, and the alert of a refusal', async ({ page, request }) => {
  const create = await adminCreator(request, ADMIN)
  await create('areas', { code: PROVINCE.code, level: 'province', name: { vi: PROVINCE.vi, en: PROVINCE.en } })
  const front = await create('units', { code: FRONT.code, name: { vi: FRONT.vi, en: FRONT.en }, type: 'front', areaCodes: [PROVINCE.code] })
  await create('users', { ...MONITOR, unitId: front.id, password: TEMP })
  await setOwnPassword(request, MONITOR.email, TEMP, PASSWORD)
  const info = await (await request.get('/api/v1/log')).json()

  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto('/staff/login')
  await signIn(page, MONITOR.email, PASSWORD)
  await expect(page).toHaveURL(/\/staff\/queue$/)
  // No witness here, so no alarm on the landing page.
  await expect(page.getByTestId('queue-read-only')).toBeVisible()
  await expect(page.getByTestId('log-alarm')).toHaveCount(0)
  const links = page.getByTestId('staff-nav').locator('a')
  await expect(links.nth(0)).toHaveAttribute('href', '/staff/queue')
  await expect(links.nth(1)).toHaveAttribute('href', '/staff/log')

  await staffNav(page, 'log')
  await expect(page).toHaveURL(/\/staff\/log$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sổ công khai và bên chứng kiến')
  await expect(page).toHaveTitle('Sổ công khai và bên chứng kiến · Minh Bạch')
  await expect(page.getByTestId('log-origin')).toHaveText(info.origin)
  await expect(page.getByTestId('log-key')).toHaveText(info.verifierKey)
  await expect(page.getByTestId('log-no-witnesses')).toContainText('Chưa có Ủy ban Mặt trận Tổ quốc nào làm bên chứng kiến sổ này')
  await expect(page.getByTestId('log-no-witnesses').locator('code').first()).toHaveText('portal witness init')
  await expectAccessible(page, 'the public log page of a monitor')

  await page.getByTestId('lang-en').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Public log and witnesses')
  await expect(page.getByTestId('log-no-witnesses')).toContainText('rests on the portal’s operator alone')

  await page.setViewportSize({ width: 360, height: 740 })
  await expectNoHorizontalScroll(page, 'the public log page of a monitor on a phone')
  await expectAccessible(page, 'the public log page of a monitor on a phone')

  // The witnesses' table with long names and keys, a refusal and a silence,
  // as GET /api/v1/log would say them (answered here by the test: this
  // portal has no witness), on a phone.
  const now = Date.now()
  const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString()
  const key = (name: string) => `${name}+8d66cf3f+BEYrBJkcvqVWLmHzNuhl1H12S9pm0qJwuPdPGRW2Fy2MAbCdEfGhIjKlMnOpQrStUvWxYz`
  await page.route('**/api/v1/log', (route) =>
    route.fulfill({
      json: {
        ...info,
        size: 1234,
        witnesses: [
          {
            name: 'uy-ban-mat-tran-to-quoc-thanh-pho-ha-noi.example.vn/nhan-chung',
            verifierKey: key('uy-ban-mat-tran-to-quoc-thanh-pho-ha-noi.example.vn/nhan-chung'),
            cosigned: { size: 1200, at: ago(90) },
            refused: { size: 1100, at: ago(60), reason: 'rollback', detail: 'size 1100 is smaller than the cosigned size 1200 (checkpoint 1200 kept at log/checkpoints/1200)' },
            alarm: true,
          },
          { name: 'mttq.example.vn/hcm', verifierKey: key('mttq.example.vn/hcm'), cosigned: { size: 1000, at: ago(180) }, refused: null, alarm: true },
          { name: 'mttq.example.vn/hue', verifierKey: key('mttq.example.vn/hue'), cosigned: { size: 1234, at: ago(2) }, refused: null, alarm: false },
        ],
      },
    }),
  )
  await page.reload()
  const panel = page.getByTestId('log-witnesses')
  await expect(panel.getByTestId('log-witness-row')).toHaveCount(3)
  await expect(panel.getByRole('alert')).toContainText('The witness refused to co-sign')
  await expect(panel.getByRole('alert')).toContainText('the log went back to an older state')
  await expect(panel.getByTestId('log-witness-silent-notice')).toContainText('mttq.example.vn/hcm')
  await expect(panel.getByRole('table')).toHaveAccessibleName(/witnesses/)
  await expectNoHorizontalScroll(page, 'the public log page with witnesses on a phone')
  await expectAccessible(page, 'the public log page with witnesses on a phone')
  await page.setViewportSize({ width: 1280, height: 900 })
  await expectAccessible(page, 'the public log page with witnesses on a desktop')

  // The landing page's alert links to the page.
  await page.goto('/staff/queue')
  await expect(page.getByTestId('log-alarm-link')).toHaveText('A witness refused to co-sign the public log — see the details')
  await page.getByTestId('log-alarm-link').click()
  await expect(page).toHaveURL(/\/staff\/log$/)
})

