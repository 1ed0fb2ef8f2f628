import { describe, expect, it, vi } from 'vitest'
import { ApiError } from './api'
import { createLoginFlow, isTotpCode, normalizeTotp, type LoginDeps } from './staffLogin'
import { grant, staffUser } from './testing/fakeApi'

const totpRequired = () => new ApiError(401, 'unauthorized', 'code', { totp: 'required' })
const totpInvalid = () => new ApiError(401, 'unauthorized', 'code', { totp: 'invalid' })
const badLogin = () => new ApiError(401, 'unauthorized', 'wrong')

function deps(over: Partial<LoginDeps> = {}): LoginDeps {
  return {
    login: vi.fn(),
    totpSetup: vi.fn(),
    totpEnable: vi.fn(),
    changeTemporaryPassword: vi.fn(),
    ...over,
  } as LoginDeps
}

describe('codes', () => {
  it('accepts six digits, with spaces people type', () => {
    expect(isTotpCode('123456')).toBe(true)
    expect(isTotpCode(' 123 456 ')).toBe(true)
    expect(normalizeTotp('123 456')).toBe('123456')
    expect(isTotpCode('12345')).toBe(false)
    expect(isTotpCode('12345a')).toBe(false)
  })
})

describe('login steps', () => {
  it('password only → done', async () => {
    const g = grant('acc-1', staffUser({ role: 'monitor' }))
    const d = deps({ login: vi.fn().mockResolvedValue(g) })
    const f = createLoginFlow(d)
    await f.submitCredentials('a@b.vn', 'mật khẩu dài đủ 12')
    expect(d.login).toHaveBeenCalledWith('a@b.vn', 'mật khẩu dài đủ 12')
    expect(f.state.step).toBe('done')
    expect(f.state.grant).toEqual(g)
  })

  it('password → the server asks for a code → code → done, resending email and password with it', async () => {
    const g = grant('acc-2')
    const login = vi.fn().mockRejectedValueOnce(totpRequired()).mockRejectedValueOnce(totpInvalid()).mockResolvedValueOnce(g)
    const f = createLoginFlow(deps({ login }))
    await f.submitCredentials('a@b.vn', 'pw-123456789012')
    expect(f.state.step).toBe('totp')
    expect(f.state.codeError).toBe('')

    await f.submitCode('000000')
    expect(f.state.step).toBe('totp')
    expect(f.state.codeError).toBe('invalid')

    await f.submitCode('123456')
    expect(login).toHaveBeenLastCalledWith('a@b.vn', 'pw-123456789012', '123456')
    expect(f.state.step).toBe('done')
    expect(f.state.grant?.accessToken).toBe('acc-2')
  })

  it('a temporary password leads to the change form, then signs in with the new password', async () => {
    const user = staffUser({ role: 'inspector' })
    const g = grant('acc-3', user)
    const login = vi.fn().mockResolvedValueOnce({ passwordChangeRequired: true, passwordToken: 'pw-tok', user }).mockResolvedValueOnce(g)
    const changeTemporaryPassword = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(400, 'invalid', 'too short', { newPassword: 'too_short' }))
      .mockResolvedValueOnce(undefined)
    const f = createLoginFlow(deps({ login, changeTemporaryPassword }))
    await f.submitCredentials('a@b.vn', 'tạm-thời-123456')
    expect(f.state.step).toBe('password')
    expect(f.state.grant).toBeNull()

    await expect(f.submitNewPassword('ngắn')).rejects.toMatchObject({ status: 400 })
    expect(f.state.step).toBe('password')

    await f.submitNewPassword('mật-khẩu-của-riêng-tôi-2026')
    expect(changeTemporaryPassword).toHaveBeenLastCalledWith('pw-tok', 'tạm-thời-123456', 'mật-khẩu-của-riêng-tôi-2026')
    expect(login).toHaveBeenLastCalledWith('a@b.vn', 'mật-khẩu-của-riêng-tôi-2026')
    expect(f.state.step).toBe('done')
    expect(f.state.grant?.accessToken).toBe('acc-3')
  })

  it('an expired password token goes back to the first step', async () => {
    const user = staffUser()
    const login = vi.fn().mockResolvedValue({ passwordChangeRequired: true, passwordToken: 'pw-tok', user })
    const changeTemporaryPassword = vi.fn().mockRejectedValue(new ApiError(401, 'unauthorized', 'expired'))
    const f = createLoginFlow(deps({ login, changeTemporaryPassword }))
    await f.submitCredentials('a@b.vn', 'tạm-thời-123456')
    await f.submitNewPassword('mật-khẩu-của-riêng-tôi-2026')
    expect(f.state.step).toBe('credentials')
    expect(f.state.notice).toBe('signin_again')
  })

  it('a wrong password is thrown to the page and stays on the first step', async () => {
    const f = createLoginFlow(deps({ login: vi.fn().mockRejectedValue(badLogin()) }))
    await expect(f.submitCredentials('a@b.vn', 'nope')).rejects.toMatchObject({ status: 401 })
    expect(f.state.step).toBe('credentials')
    expect(f.state.busy).toBe(false)
  })

  it('goes back to the first step when the password stops working during the code step', async () => {
    const login = vi.fn().mockRejectedValueOnce(totpRequired()).mockRejectedValueOnce(badLogin())
    const f = createLoginFlow(deps({ login }))
    await f.submitCredentials('a@b.vn', 'pw')
    await f.submitCode('123456')
    expect(f.state.step).toBe('credentials')
    expect(f.state.notice).toBe('signin_again')
  })

  it('enrolment: QR and secret, first code, recovery codes once, then done', async () => {
    const user = staffUser({ role: 'admin', unitId: '' })
    const login = vi.fn().mockResolvedValue({ totpEnrolmentRequired: true, enrolmentToken: 'enrol-1', user })
    const totpSetup = vi.fn().mockResolvedValue({ secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://x', qrDataUrl: 'data:image/png;base64,AA' })
    const codes = Array.from({ length: 10 }, (_, i) => `abcde-${i}000`)
    const totpEnable = vi
      .fn()
      .mockRejectedValueOnce(new ApiError(400, 'invalid', 'wrong', { code: 'invalid' }))
      .mockResolvedValueOnce({ recoveryCodes: codes, ...grant('acc-3', { ...user, totpEnabled: true }) })
    const f = createLoginFlow(deps({ login, totpSetup, totpEnable }))

    await f.submitCredentials('root@b.vn', 'pw-123456789012')
    expect(f.state.step).toBe('enrol')
    expect(f.state.user?.email).toBe(user.email)
    await f.loadSetup()
    expect(totpSetup).toHaveBeenCalledWith('enrol-1')
    expect(f.state.setup?.secret).toBe('JBSWY3DPEHPK3PXP')

    await f.confirmEnrolment('111111')
    expect(f.state.step).toBe('enrol')
    expect(f.state.codeError).toBe('invalid')

    await f.confirmEnrolment('222222')
    expect(totpEnable).toHaveBeenLastCalledWith('222222', 'enrol-1')
    expect(f.state.step).toBe('recovery')
    expect(f.state.recoveryCodes).toEqual(codes)
    // The session is not used until the codes are saved.
    expect(f.state.grant?.accessToken).toBe('acc-3')

    f.finishRecovery()
    expect(f.state.step).toBe('done')
    expect(f.state.recoveryCodes).toEqual([])
    expect(f.state.user?.totpEnabled).toBe(true)
  })

  it('starts again when the enrolment token has expired', async () => {
    const login = vi.fn().mockResolvedValue({ totpEnrolmentRequired: true, enrolmentToken: 'e', user: staffUser() })
    const totpSetup = vi.fn().mockRejectedValue(new ApiError(401, 'unauthorized', 'expired'))
    const f = createLoginFlow(deps({ login, totpSetup }))
    await f.submitCredentials('a@b.vn', 'pw')
    await f.loadSetup()
    expect(f.state.step).toBe('credentials')
    expect(f.state.notice).toBe('enrolment_expired')
  })

  it('asks to sign in again when the enrolment did not complete the login', async () => {
    const login = vi.fn().mockResolvedValue({ totpEnrolmentRequired: true, enrolmentToken: 'e', user: staffUser() })
    const totpEnable = vi.fn().mockResolvedValue({ recoveryCodes: ['a'] })
    const f = createLoginFlow(deps({ login, totpEnable }))
    await f.submitCredentials('a@b.vn', 'pw')
    await f.confirmEnrolment('123456')
    f.finishRecovery()
    expect(f.state.step).toBe('credentials')
    expect(f.state.notice).toBe('signin_again')
  })
})
