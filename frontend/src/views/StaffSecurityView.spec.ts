import { describe, expect, it } from 'vitest'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import { accessToken, currentUser, setSession } from '../staffSession'

resetPageTests()

describe('security page', () => {
  it('turns on two-step verification with the session token and shows the recovery codes once', async () => {
    const api = fakeApi()
    setSession(grant('acc', staffUser()))
    api.json('POST', '/api/v1/auth/totp/setup', 200, { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://x', qrDataUrl: 'data:image/png;base64,AA==' })
    api.json('POST', '/api/v1/auth/totp/enable', 200, { recoveryCodes: Array.from({ length: 10 }, (_, i) => `c${i}`) })
    const { w } = await mountApp('/staff/security')
    await until(() => w.find('[data-testid="totp-start"]').exists())
    expect(w.get('[data-testid="totp-state"]').text()).toMatch(/^Off/)
    await w.get('[data-testid="totp-start"]').trigger('click')
    await settle()
    // The password is asked again before anything is set up.
    expect(api.callsTo('POST', '/api/v1/auth/totp/setup')).toHaveLength(0)
    await w.get('[data-testid="totp-password"]').setValue('mật-khẩu-hiện-tại-2026')
    await w.get('[data-testid="totp-password-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/auth/totp/setup')[0]!.headers.Authorization).toBe('Bearer acc')
    expect(api.callsTo('POST', '/api/v1/auth/totp/setup')[0]!.body).toEqual({ password: 'mật-khẩu-hiện-tại-2026' })
    await w.get('[data-testid="totp-enrol-code"]').setValue('123456')
    await w.get('[data-testid="totp-enrol-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/auth/totp/enable')[0]!.body).toEqual({ code: '123456' })
    expect(w.findAll('[data-testid="recovery-codes"] li')).toHaveLength(10)
    await w.get('[data-testid="recovery-saved"]').setValue(true)
    await w.get('[data-testid="recovery-continue"]').trigger('click')
    await settle()
    expect(w.find('[data-testid="recovery-codes"]').exists()).toBe(false)
    expect(w.get('[data-testid="totp-state"]').text()).toMatch(/^On/)
    expect(currentUser()?.totpEnabled).toBe(true)
  })

  it('changes the password (checked first), then asks to sign in again when the session ended', async () => {
    const api = fakeApi()
    setSession(grant('acc', staffUser({ mustChangePassword: true })))
    api.on(
      'POST',
      '/api/v1/auth/password',
      () => apiError(400, 'invalid', { currentPassword: 'invalid' }),
      () => new Response(null, { status: 204 }),
    )
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    const { w, router } = await mountApp('/staff/queue', 'vi')
    await until(() => router.currentRoute.value.name === 'staff-security')
    expect(w.get('[data-testid="must-change"]').text()).toBe('Bạn phải đổi mật khẩu trước khi tiếp tục làm việc.')

    await w.get('[data-testid="pw-current"]').setValue('cũ')
    await w.get('[data-testid="pw-new"]').setValue('ngắn')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-pw-new"]').text()).toBe('Cần ít nhất 12 ký tự.')
    await w.get('[data-testid="pw-new"]').setValue('một mật khẩu mới dài')
    await w.get('[data-testid="pw-again"]').setValue('khác')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-pw-again"]').text()).toBe('Hai mật khẩu không giống nhau.')
    expect(api.callsTo('POST', '/api/v1/auth/password')).toHaveLength(0)

    await w.get('[data-testid="pw-again"]').setValue('một mật khẩu mới dài')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-pw-current"]').text()).toBe('Mật khẩu hiện tại không đúng.')

    await w.get('[data-testid="pw-current"]').setValue('mật khẩu cũ đúng')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await until(() => router.currentRoute.value.name === 'staff-login')
    expect(api.callsTo('POST', '/api/v1/auth/password')[1]!.body).toEqual({ currentPassword: 'mật khẩu cũ đúng', newPassword: 'một mật khẩu mới dài' })
    expect(accessToken()).toBe('')
    expect(w.get('[data-testid="login-notice"]').text()).toBe('Đã đổi mật khẩu. Vui lòng đăng nhập lại bằng mật khẩu mới.')
  })

  it('explains the server\'s refusal of a guessable new password', async () => {
    const api = fakeApi()
    setSession(grant('acc', staffUser()))
    api.on(
      'POST',
      '/api/v1/auth/password',
      () => apiError(400, 'invalid', { newPassword: 'too_personal' }),
      () => apiError(400, 'invalid', { newPassword: 'too_weak' }),
    )
    const { w } = await mountApp('/staff/security', 'vi')
    await until(() => w.find('[data-testid="password-form"]').exists())
    await w.get('[data-testid="pw-current"]').setValue('mật khẩu cũ đúng')
    await w.get('[data-testid="pw-new"]').setValue('ThanhTra2026!!')
    await w.get('[data-testid="pw-again"]').setValue('ThanhTra2026!!')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-pw-new"]').text()).toBe(
      'Mật khẩu được ghép từ địa chỉ thư điện tử, họ tên hoặc tên cổng thông tin (thêm số, năm hay dấu câu vẫn dễ đoán). Hãy chọn mật khẩu khác.',
    )
    await w.get('[data-testid="pw-new"]').setValue('aaaaaaaaaaaaaaaa')
    await w.get('[data-testid="pw-again"]').setValue('aaaaaaaaaaaaaaaa')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-pw-new"]').text()).toBe(
      'Mật khẩu quá dễ đoán (chỉ có dấu cách, ký tự lặp lại, dãy liên tiếp hoặc một hàng phím). Hãy dùng một câu dài hơn, ít quy luật hơn.',
    )
  })

  it('stays signed in after the change when the cookie still works', async () => {
    const api = fakeApi()
    setSession(grant('acc', staffUser({ mustChangePassword: true })))
    api.on('POST', '/api/v1/auth/password', () => new Response(null, { status: 204 }))
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-2', staffUser({ mustChangePassword: false })))
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w, router } = await mountApp('/staff/security')
    await until(() => w.find('[data-testid="password-form"]').exists())
    await w.get('[data-testid="pw-current"]').setValue('mật khẩu tạm thời')
    await w.get('[data-testid="pw-new"]').setValue('một mật khẩu mới dài')
    await w.get('[data-testid="pw-again"]').setValue('một mật khẩu mới dài')
    await w.get('[data-testid="password-form"]').trigger('submit')
    await until(() => router.currentRoute.value.fullPath === '/staff/queue')
    expect(accessToken()).toBe('acc-2')
    void jsonResponse
  })
})
