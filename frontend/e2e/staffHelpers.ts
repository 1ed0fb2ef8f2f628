import { createHmac } from 'node:crypto'
import { expect, type APIRequestContext, type Page } from '@playwright/test'

// Staff helpers shared by the end-to-end specs: RFC 6238 codes computed from
// the secret the enrolment page shows (as an authenticator app would), the
// enrolment steps on the page, signing in and out.

// ---- RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), as an authenticator app computes it.

export function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = s.toUpperCase().replace(/[\s=-]/g, '')
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const i = alphabet.indexOf(ch)
    if (i < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export function totpAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(n).padStart(6, '0')
}

/** freshTotp returns a code of a time step not used before for this secret (the server refuses replays), waiting if needed. */
export async function freshTotp(secret: string, used: Set<number>): Promise<string> {
  for (;;) {
    const now = Date.now()
    const step = Math.floor(now / 30_000)
    // Too close to the end of a step, the code may expire in flight.
    if (!used.has(step) && now % 30_000 < 27_000) {
      used.add(step)
      return totpAt(secret, step)
    }
    await new Promise((r) => setTimeout(r, 30_000 - (now % 30_000) + 100))
  }
}

/** enrolOnPage reads the secret shown on the page, confirms with a code and saves the recovery codes; it returns them. */
export async function enrolOnPage(page: Page, used: Set<number>): Promise<string[]> {
  const secretEl = page.getByTestId('totp-secret')
  await expect(secretEl).toHaveText(/[A-Z2-7]{4}/)
  await expect(page.getByTestId('totp-qr')).toBeVisible()
  expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
  const secret = (await secretEl.innerText()).replace(/\s+/g, '')
  await page.getByTestId('totp-enrol-code').fill(await freshTotp(secret, used))
  await page.getByTestId('totp-enrol-submit').click()
  const list = page.getByTestId('recovery-codes')
  await expect(list.locator('li')).toHaveCount(10)
  const codes = await list.locator('li').allInnerTexts()
  await expect(page.getByTestId('recovery-continue')).toBeDisabled()
  await page.getByTestId('recovery-saved').check()
  await page.getByTestId('recovery-continue').click()
  await expect(list).toHaveCount(0)
  return codes.map((c) => c.trim())
}

export async function signIn(page: Page, email: string, password: string) {
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

/** openStaffMenu opens the staff menu when it is folded behind its button (a phone). */
export async function openStaffMenu(page: Page) {
  const toggle = page.getByTestId('staff-menu-toggle')
  if ((await toggle.isVisible()) && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
}

/** staffNav opens a page of the staff menu, on a phone through its button. */
export async function staffNav(page: Page, key: string) {
  await openStaffMenu(page)
  await page.getByTestId(`staff-nav-${key}`).click()
}

export async function signOut(page: Page) {
  await openStaffMenu(page)
  await page.getByTestId('staff-signout').click()
  await expect(page).toHaveURL(/\/staff\/login$/)
  await expect(page.getByTestId('login-notice')).toBeVisible()
  await expect(page.getByTestId('staff-nav')).toHaveCount(0)
}

// ---- Set-up through the API, as an administrator would do it in the admin pages.

/** adminCreator signs an admin in through the API (enrolling TOTP, which PORTAL_REQUIRE_2FA asks of admins) and returns a function that creates admin records (units, routing rules, users). */
export async function adminCreator(
  request: APIRequestContext,
  admin: { email: string; password: string },
  /** Hears the admin's TOTP secret, for a spec that signs the admin in on the page too. */
  onSecret?: (secret: string) => void,
): Promise<(path: string, data: object) => Promise<{ id: string }>> {
  const login = await request.post('/api/v1/auth/login', { data: admin })
  expect(login.status()).toBe(200)
  const enrolment = await login.json()
  expect(enrolment.totpEnrolmentRequired).toBe(true)
  const enrol = { Authorization: `Bearer ${enrolment.enrolmentToken}` }
  const setup = await request.post('/api/v1/auth/totp/setup', { headers: enrol })
  expect(setup.status()).toBe(200)
  const { secret } = await setup.json()
  onSecret?.(secret)
  const enabled = await request.post('/api/v1/auth/totp/enable', { headers: enrol, data: { code: await freshTotp(secret, new Set()) } })
  expect(enabled.status()).toBe(200)
  const headers = { Authorization: `Bearer ${(await enabled.json()).accessToken}` }
  return async (path, data) => {
    const res = await request.post(`/api/v1/admin/${path}`, { headers, data })
    expect(res.status(), `POST /admin/${path}: ${await res.text()}`).toBe(201)
    return (await res.json()) as { id: string }
  }
}

/** setOwnPassword replaces the temporary password an admin set: signing in with it opens only the change. */
export async function setOwnPassword(request: APIRequestContext, email: string, temporary: string, password: string) {
  const first = await request.post('/api/v1/auth/login', { data: { email, password: temporary } })
  const answer = await first.json()
  expect(answer.passwordChangeRequired, JSON.stringify(answer)).toBe(true)
  const changed = await request.post('/api/v1/auth/password', {
    headers: { Authorization: `Bearer ${answer.passwordToken}` },
    data: { currentPassword: temporary, newPassword: password },
  })
  expect(changed.status()).toBe(204)
}

// ---- A unit with two people who may take part in custody (custody.spec.ts, originals.spec.ts).

export interface StaffSpec {
  email: string
  name: string
  role: 'inspector' | 'lead'
}

export interface CustodyTeamSpec {
  /** The admin that creates everything (one of playwright.config.ts's, used by one spec only: it enrols its TOTP here). */
  admin: { email: string; password: string }
  unit: { code: string; vi: string; en: string }
  front: { code: string; vi: string; en: string }
  /** The routing rule that sends the spec's reports to the unit: a category in a commune no other spec routes. */
  category: string
  areaCode: string
  inspector: StaffSpec
  lead: StaffSpec
  /** The temporary password the admin sets, and the one each person then chooses. */
  temporary: string
  password: string
}

/**
 * custodyTeam creates an inspection unit, its Front committee and routing
 * rule, and an inspector and a lead of the unit, who replace their temporary
 * passwords; the inspector turns on two-step verification through the API
 * (custody needs it of both people under PORTAL_REQUIRE_2FA; the lead enrols
 * on the page at first sign-in). It returns when the accounts' cooling
 * period (PORTAL_COOLING_PERIOD, one minute in playwright.config.ts) ends,
 * in ms since the epoch, and the inspector's TOTP secret.
 */
export async function custodyTeam(request: APIRequestContext, team: CustodyTeamSpec): Promise<{ coolUntil: number; inspectorSecret: string }> {
  const create = await adminCreator(request, team.admin)
  const unit = await create('units', { code: team.unit.code, name: { vi: team.unit.vi, en: team.unit.en }, type: 'inspection', areaCodes: [team.areaCode] })
  const front = await create('units', { code: team.front.code, name: { vi: team.front.vi, en: team.front.en }, type: 'front', areaCodes: [team.areaCode] })
  await create('routing-rules', { category: team.category, areaCode: team.areaCode, inspectionUnitId: unit.id, frontUnitId: front.id, note: team.unit.code })
  let coolUntil = 0
  let inspectorAccess = ''
  for (const u of [team.inspector, team.lead]) {
    await create('users', { ...u, unitId: unit.id, password: team.temporary })
    coolUntil = Date.now() + 61_000
    await setOwnPassword(request, u.email, team.temporary, team.password)
    if (u.role === 'inspector') {
      const again = await request.post('/api/v1/auth/login', { data: { email: u.email, password: team.password } })
      const body = await again.json()
      expect(body.accessToken, JSON.stringify(body)).toBeTruthy()
      inspectorAccess = body.accessToken
    }
  }
  const auth = { Authorization: `Bearer ${inspectorAccess}` }
  const s = await request.post('/api/v1/auth/totp/setup', { headers: auth, data: { password: team.password } })
  expect(s.status(), await s.text()).toBe(200)
  const inspectorSecret = (await s.json()).secret as string
  const e = await request.post('/api/v1/auth/totp/enable', { headers: auth, data: { code: await freshTotp(inspectorSecret, new Set()) } })
  expect(e.status(), await e.text()).toBe(200)
  return { coolUntil, inspectorSecret }
}

/** signInWithTotp signs in with a password and a fresh authenticator code, landing on the queue. */
export async function signInWithTotp(page: Page, email: string, password: string, secret: string, used: Set<number>) {
  await signIn(page, email, password)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('login-code').fill(await freshTotp(secret, used))
  await page.getByTestId('login-verify').click()
  await expect(page.getByTestId('staff-nav')).toBeVisible()
}

/** signInWithRecovery signs in with a password and a recovery code (when the authenticator's step may already be spent). */
export async function signInWithRecovery(page: Page, email: string, password: string, code: string) {
  await signIn(page, email, password)
  await expect(page.getByTestId('totp-form')).toBeVisible()
  await page.getByTestId('login-toggle-recovery').click()
  await page.getByTestId('login-code').fill(code)
  await page.getByTestId('login-verify').click()
  await expect(page.getByTestId('staff-nav')).toBeVisible()
}
