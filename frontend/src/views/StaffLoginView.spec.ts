import { describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import { accessToken, resetStaffSessionForTests, useStaffSession } from '../staffSession'

resetPageTests()

async function fill(w: VueWrapper, email: string, password: string) {
  await w.get('[data-testid="login-email"]').setValue(email)
  await w.get('[data-testid="login-password"]').setValue(password)
  await w.get('[data-testid="login-form"]').trigger('submit')
  await settle()
}

describe('staff sign-in page', () => {
  it('asks for both fields, then says the same thing for any wrong email or password', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    api.on('POST', '/api/v1/auth/login', () => apiError(401, 'unauthorized'))
    const { w } = await mountApp('/staff/login')
    await settle()
    expect(w.get('h1').text()).toBe('Staff sign-in')
    await w.get('[data-testid="login-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-login-email"]').text()).toBe('This field is required.')
    expect(w.get('[data-testid="error-login-password"]').text()).toBe('This field is required.')
    expect(document.activeElement?.id).toBe('login-email')
    expect(api.callsTo('POST', '/api/v1/auth/login')).toHaveLength(0)

    await fill(w, 'ai@example.vn', 'sai mật khẩu')
    expect(w.get('[data-testid="login-error"]').text()).toBe('The email or the password is not right.')
    expect(api.callsTo('POST', '/api/v1/auth/login')[0]!.body).toEqual({ email: 'ai@example.vn', password: 'sai mật khẩu' })
  })

  it('password → six-digit code → the queue, with the staff menu of an inspector', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    api.on(
      'POST',
      '/api/v1/auth/login',
      () => apiError(401, 'unauthorized', { totp: 'required' }),
      (c) =>
        (c.body as { totp?: string }).totp === '123456'
          ? jsonResponse(200, grant('acc-1', staffUser({ totpEnabled: true })))
          : apiError(401, 'unauthorized', { totp: 'invalid' }),
    )
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w, router } = await mountApp('/staff/login', 'vi')
    await settle()
    await fill(w, 'tra@example.vn', 'mật khẩu đủ dài')
    expect(w.find('[data-testid="totp-form"]').exists()).toBe(true)
    expect(document.activeElement?.id).toBe('login-code')
    // The password field is gone from the page.
    expect(w.find('[data-testid="login-password"]').exists()).toBe(false)

    await w.get('[data-testid="login-code"]').setValue('12345')
    await w.get('[data-testid="totp-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-login-code"]').text()).toBe('Mã gồm 6 chữ số.')

    await w.get('[data-testid="login-code"]').setValue('654 321')
    await w.get('[data-testid="totp-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="totp-invalid"]').text()).toContain('Mã không đúng')
    expect(api.callsTo('POST', '/api/v1/auth/login')[1]!.body).toEqual({ email: 'tra@example.vn', password: 'mật khẩu đủ dài', totp: '654321' })

    await w.get('[data-testid="login-code"]').setValue('123456')
    await w.get('[data-testid="totp-form"]').trigger('submit')
    await until(() => router.currentRoute.value.fullPath === '/staff/queue')
    expect(router.currentRoute.value.fullPath).toBe('/staff/queue')
    expect(accessToken()).toBe('acc-1')
    const nav = w.get('[data-testid="staff-nav"]')
    expect(nav.findAll('a').map((a) => a.text())).toEqual(['Hàng đợi', 'Quá hạn', 'Kiến nghị', 'Tiếp nhận đơn', 'Yêu cầu xem', 'Số liệu', 'Sổ công khai', 'Bảo mật'])
    expect(w.get('[data-testid="staff-who"]').text()).toBe('Đang đăng nhập: Nguyễn Văn Tra, Thanh tra viên')
    expect(w.find('[data-testid="staff-signin-link"]').exists()).toBe(false)
  })

  it('accepts a recovery code instead', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    api.on('POST', '/api/v1/auth/login', () => apiError(401, 'unauthorized', { totp: 'required' }), () =>
      jsonResponse(200, grant('acc-2', staffUser({ role: 'monitor' }))),
    )
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w, router } = await mountApp('/staff/login')
    await settle()
    await fill(w, 'gs@example.vn', 'mật khẩu đủ dài')
    await w.get('[data-testid="login-toggle-recovery"]').trigger('click')
    expect(w.get('label[for="login-code"]').text()).toContain('Recovery code')
    await w.get('[data-testid="login-code"]').setValue(' ab12c-3de45 ')
    await w.get('[data-testid="totp-form"]').trigger('submit')
    await settle()
    expect((api.callsTo('POST', '/api/v1/auth/login')[1]!.body as { totp: string }).totp).toBe('ab12c-3de45')
    expect(router.currentRoute.value.fullPath).toBe('/staff/queue')
    expect(w.get('[data-testid="staff-nav"]').findAll('a').map((a) => a.text())).toEqual(['Queue', 'Public log', 'Overdue', 'Recommendations', 'Staffing changes', 'Figures', 'Security'])
  })

  it('a temporary password leads to the change form, then to the queue with the new password', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    const user = staffUser()
    api.on(
      'POST',
      '/api/v1/auth/login',
      () => jsonResponse(200, { passwordChangeRequired: true, passwordToken: 'pw-tok', user }),
      () => jsonResponse(200, grant('acc-own', user)),
    )
    api.on(
      'POST',
      '/api/v1/auth/password',
      () => apiError(400, 'invalid', { newPassword: 'too_common' }),
      () => new Response(null, { status: 204 }),
    )
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    const { w, router } = await mountApp('/staff/login', 'vi')
    await settle()
    await fill(w, 'moi@example.vn', 'tạm-thời-do-quản-trị')
    expect(w.find('[data-testid="login-password-change"]').exists()).toBe(true)
    expect(w.get('h2').text()).toBe('Đặt mật khẩu của riêng bạn')
    expect(accessToken()).toBe('')
    // Checked here first: the two fields must match.
    await w.get('[data-testid="login-new-password"]').setValue('mật-khẩu-riêng-2026')
    await w.get('[data-testid="login-new-again"]').setValue('khác')
    await w.get('[data-testid="login-password-change"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/auth/password')).toHaveLength(0)
    // The server refuses a common password; the field says so.
    await w.get('[data-testid="login-new-again"]').setValue('mật-khẩu-riêng-2026')
    await w.get('[data-testid="login-password-change"]').trigger('submit')
    await settle()
    expect(w.find('[data-testid="error-login-new-password"]').exists()).toBe(true)
    await w.get('[data-testid="login-password-change"]').trigger('submit')
    await settle()
    const change = api.callsTo('POST', '/api/v1/auth/password')[1]!
    expect(change.headers.Authorization).toBe('Bearer pw-tok')
    expect(change.body).toEqual({ currentPassword: 'tạm-thời-do-quản-trị', newPassword: 'mật-khẩu-riêng-2026' })
    expect(api.callsTo('POST', '/api/v1/auth/login')[1]!.body).toEqual({ email: 'moi@example.vn', password: 'mật-khẩu-riêng-2026' })
    await until(() => router.currentRoute.value.fullPath === '/staff/queue')
    expect(accessToken()).toBe('acc-own')
  })

  it('enrols when the server requires it: QR code, secret, first code, recovery codes shown once', async () => {
    const admin = staffUser({ id: 'a1', role: 'admin', unitId: '', unitName: undefined, email: 'root@example.vn', name: 'Quản trị' })
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    api.json('POST', '/api/v1/auth/login', 200, { totpEnrolmentRequired: true, enrolmentToken: 'enrol-tok', user: admin })
    api.json('POST', '/api/v1/auth/totp/setup', 200, {
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      otpauthUrl: 'otpauth://totp/x',
      qrDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
    })
    const codes = Array.from({ length: 10 }, (_, i) => `a1b2${i}-c3d4e`)
    api.on('POST', '/api/v1/auth/totp/enable', (c) =>
      (c.body as { code: string }).code === '111111'
        ? apiError(400, 'invalid', { code: 'invalid' })
        : jsonResponse(200, { recoveryCodes: codes, ...grant('acc-admin', { ...admin, totpEnabled: true }) }),
    )
    api.json('GET', '/api/v1/admin/users', 200, [])
    api.json('GET', '/api/v1/admin/units', 200, { items: [] })

    const { w, router } = await mountApp('/staff/login')
    await settle()
    await fill(w, 'root@example.vn', 'Quản-trị-viên-2026!')
    expect(w.get('[data-testid="login-enrol"] h2').text()).toBe('Set up two-step verification')
    expect(api.callsTo('POST', '/api/v1/auth/totp/setup')[0]!.headers.Authorization).toBe('Bearer enrol-tok')
    expect(w.get('[data-testid="totp-qr"]').attributes('src')).toBe('data:image/png;base64,iVBORw0KGgo=')
    expect(w.get('[data-testid="totp-qr"]').attributes('alt')).toBeTruthy()
    expect(w.get('[data-testid="totp-secret"]').text()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')

    await w.get('[data-testid="totp-enrol-code"]').setValue('111111')
    await w.get('[data-testid="totp-enrol-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-login-enrol-code"]').text()).toContain('The code is wrong')
    expect(accessToken()).toBe('')

    await w.get('[data-testid="totp-enrol-code"]').setValue('222222')
    await w.get('[data-testid="totp-enrol-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/auth/totp/enable').at(-1)!.headers.Authorization).toBe('Bearer enrol-tok')
    const shown = w.get('[data-testid="recovery-codes"]').findAll('li').map((li) => li.text())
    expect(shown).toEqual(codes)
    expect(document.activeElement?.id).toBe('recovery-heading')
    // Not signed in on the page until the codes are saved; "Continue" waits for the checkbox.
    expect(useStaffSession().signedIn.value).toBe(false)
    expect(w.get('[data-testid="recovery-continue"]').attributes('disabled')).toBeDefined()
    await w.get('[data-testid="recovery-saved"]').setValue(true)
    expect(w.get('[data-testid="recovery-continue"]').attributes('disabled')).toBeUndefined()
    await w.get('[data-testid="recovery-continue"]').trigger('click')
    await until(() => router.currentRoute.value.fullPath === '/admin/users')
    expect(router.currentRoute.value.fullPath).toBe('/admin/users')
    expect(accessToken()).toBe('acc-admin')
    expect(w.text()).not.toContain(codes[0]!)
    expect(w.get('[data-testid="staff-nav"]').findAll('a').map((a) => a.text())).toEqual(['Administration', 'Figures', 'Public log', 'Security'])
  })

  it('returns to the page first asked for, and a reload keeps the staff member signed in', async () => {
    const api = fakeApi()
    api.on('POST', '/api/v1/auth/refresh', () => apiError(401, 'unauthorized'))
    api.json('POST', '/api/v1/auth/login', 200, grant('acc-1', staffUser({ role: 'lead' })))
    api.json('GET', '/api/v1/custody', 200, [])
    const { w, router } = await mountApp('/staff/custody')
    await until(() => router.currentRoute.value.fullPath === '/staff/login?redirect=/staff/custody')
    expect(router.currentRoute.value.fullPath).toBe('/staff/login?redirect=/staff/custody')
    await fill(w, 'lead@example.vn', 'mật khẩu đủ dài')
    await until(() => router.currentRoute.value.fullPath === '/staff/custody')

    // "Reload": a fresh page whose only way in is the refresh cookie.
    resetStaffSessionForTests()
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-2', staffUser({ role: 'lead' })))
    const again = await mountApp('/staff/custody')
    await settle()
    expect(again.router.currentRoute.value.fullPath).toBe('/staff/custody')
    expect(accessToken()).toBe('acc-2')
  })

  it('signs out through the API and forgets the token', async () => {
    const api = fakeApi()
    api.json('POST', '/api/v1/auth/refresh', 200, grant('acc-1', staffUser({ role: 'monitor' })))
    api.json('GET', '/api/v1/cases', 200, { items: [], nextCursor: null, counts: {} })
    api.on('POST', '/api/v1/auth/logout', () => new Response(null, { status: 204 }))
    const { w, router } = await mountApp('/staff/queue')
    await settle()
    await w.get('[data-testid="staff-signout"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', '/api/v1/auth/logout')).toHaveLength(1)
    expect(accessToken()).toBe('')
    expect(router.currentRoute.value.name).toBe('staff-login')
    expect(w.get('[data-testid="login-notice"]').text()).toBe('You have signed out.')
    expect(w.find('[data-testid="staff-nav"]').exists()).toBe(false)
  })
})
