// The staff sign-in as a small state machine, so its steps are tested without
// a page:
//
//   credentials ──200 + token──────────────────────────────────────────▶ done
//        │ 401 fields.totp=required                                      ▲
//        ▼                                                               │
//      totp ──code (or recovery code) → 200 + token──────────────────────┤
//        │                                                               │
//   credentials ──200 totpEnrolmentRequired──▶ enrol ──code──▶ recovery ─┘
//        │                                     (QR + secret)   (10 codes, shown once)
//        │ 200 passwordChangeRequired (a temporary password set by an admin)
//        ▼
//    password ──new password → POST /auth/password, then sign in again with it──▶ (as credentials)
//
// The password is kept in memory between the first and second step (the
// server wants it again with the code) and forgotten as soon as it is not needed.

import { reactive } from 'vue'
import { ApiError } from './api'
import {
  changeTemporaryPassword,
  grantOf,
  isEnrolmentRequired,
  isPasswordChangeRequired,
  login,
  totpEnable,
  totpSetup,
  totpState,
  type LoginAnswer,
  type SessionGrant,
  type StaffUser,
  type TotpSetup,
} from './staffApi'

export type LoginStep = 'credentials' | 'totp' | 'password' | 'enrol' | 'recovery' | 'done'

export interface LoginDeps {
  login: typeof login
  totpSetup: typeof totpSetup
  totpEnable: typeof totpEnable
  changeTemporaryPassword: typeof changeTemporaryPassword
}

export interface LoginState {
  step: LoginStep
  busy: boolean
  /** The account signing in, once the server has named it (enrolment) or the login is done. */
  user: StaffUser | null
  /** The secret and QR code to enrol, once loaded. */
  setup: TotpSetup | null
  /** The recovery codes, shown once after enrolment. */
  recoveryCodes: string[]
  /** The last code was wrong ('invalid'), or the server asked for one again ('required'). */
  codeError: '' | 'invalid' | 'required'
  /** Why the flow went back to the first step, if it did on its own. */
  notice: '' | 'enrolment_expired' | 'signin_again'
  /** The session, once the login is complete. */
  grant: SessionGrant | null
}

/** The characters of a six-digit code, without the spaces people type ("123 456"). */
export function normalizeTotp(v: string): string {
  return v.replace(/[\s-]+/g, '')
}

export function isTotpCode(v: string): boolean {
  return /^\d{6}$/.test(normalizeTotp(v))
}

/** A recovery code as typed, without spaces ("ab12c-3de45"; the server ignores case and hyphens). */
export function normalizeRecoveryCode(v: string): string {
  return v.trim().replace(/\s+/g, '')
}

export function createLoginFlow(deps: LoginDeps = { login, totpSetup, totpEnable, changeTemporaryPassword }) {
  const state = reactive<LoginState>({
    step: 'credentials',
    busy: false,
    user: null,
    setup: null,
    recoveryCodes: [],
    codeError: '',
    notice: '',
    grant: null,
  })
  let email = ''
  let password = ''
  let enrolmentToken = ''
  let passwordToken = ''

  function forgetSecrets() {
    password = ''
  }

  function reset(notice: LoginState['notice'] = '') {
    forgetSecrets()
    email = ''
    enrolmentToken = ''
    passwordToken = ''
    Object.assign(state, {
      step: 'credentials',
      busy: false,
      user: null,
      setup: null,
      recoveryCodes: [],
      codeError: '',
      notice,
      grant: null,
    } satisfies LoginState)
  }

  function answered(a: LoginAnswer) {
    state.codeError = ''
    if (isPasswordChangeRequired(a)) {
      // The password just used is temporary: keep it (the change needs it) until the change is made.
      passwordToken = a.passwordToken
      state.user = a.user
      state.step = 'password'
      return
    }
    forgetSecrets()
    if (isEnrolmentRequired(a)) {
      enrolmentToken = a.enrolmentToken
      state.user = a.user
      state.setup = null
      state.step = 'enrol'
      return
    }
    state.user = a.user
    state.grant = a
    state.step = 'done'
  }

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    state.busy = true
    try {
      return await fn()
    } finally {
      state.busy = false
    }
  }

  /** signIn sends email and password and moves to the step the answer asks for. */
  async function signIn(e: string, p: string): Promise<void> {
    email = e
    password = p
    try {
      answered(await deps.login(e, p))
    } catch (err) {
      const s = totpState(err)
      if (!s) {
        forgetSecrets()
        throw err
      }
      state.codeError = s === 'invalid' ? 'invalid' : ''
      state.step = 'totp'
    }
  }

  /** submitCredentials sends email and password; other errors than "a code is needed" are thrown for the page to show. */
  async function submitCredentials(e: string, p: string): Promise<void> {
    if (state.busy) return
    state.notice = ''
    await run(() => signIn(e, p))
  }

  /**
   * submitNewPassword replaces the temporary password with the staff member's own, then signs in with it.
   * A refused password (too short, too common) is thrown for the page to show; an expired token starts again.
   */
  async function submitNewPassword(next: string): Promise<void> {
    if (state.busy || state.step !== 'password') return
    await run(async () => {
      try {
        await deps.changeTemporaryPassword(passwordToken, password, next)
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          reset('signin_again')
          return
        }
        throw err
      }
      passwordToken = ''
      await signIn(email, next)
    })
  }

  /** submitCode sends the six-digit code (or a recovery code) with the remembered email and password. */
  async function submitCode(code: string): Promise<void> {
    if (state.busy || state.step !== 'totp') return
    await run(async () => {
      try {
        answered(await deps.login(email, password, code))
      } catch (err) {
        const s = totpState(err)
        if (s) {
          state.codeError = s
          return
        }
        if (err instanceof ApiError && err.status === 401) {
          // The password no longer works (changed or the account disabled meanwhile): start again.
          reset('signin_again')
          return
        }
        throw err
      }
    })
  }

  /** loadSetup fetches the secret and QR code of the enrolment. */
  async function loadSetup(): Promise<void> {
    if (state.step !== 'enrol') return
    await run(async () => {
      try {
        state.setup = await deps.totpSetup(enrolmentToken)
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          reset('enrolment_expired')
          return
        }
        throw err
      }
    })
  }

  /** confirmEnrolment enables two-factor sign-in with the first code from the app. */
  async function confirmEnrolment(code: string): Promise<void> {
    if (state.busy || state.step !== 'enrol') return
    await run(async () => {
      try {
        const r = await deps.totpEnable(code, enrolmentToken)
        enrolmentToken = ''
        state.codeError = ''
        state.recoveryCodes = [...r.recoveryCodes]
        state.grant = grantOf(r)
        if (r.user) state.user = r.user
        state.step = 'recovery'
      } catch (err) {
        if (err instanceof ApiError && (err.fields.code || err.fields.totp || err.status === 400)) {
          state.codeError = 'invalid'
          return
        }
        if (err instanceof ApiError && err.status === 401) {
          reset('enrolment_expired')
          return
        }
        throw err
      }
    })
  }

  /** finishRecovery is called once the staff member says they saved the recovery codes. */
  function finishRecovery(): void {
    if (state.step !== 'recovery') return
    state.recoveryCodes = []
    if (state.grant) state.step = 'done'
    // Enrolled, but the server did not complete the login: sign in again with a code.
    else reset('signin_again')
  }

  return { state, submitCredentials, submitCode, submitNewPassword, loadSetup, confirmEnrolment, finishRecovery, reset }
}

export type LoginFlow = ReturnType<typeof createLoginFlow>
