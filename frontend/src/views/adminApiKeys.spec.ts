import { describe, expect, it, vi } from 'vitest'
import { jsonResponse } from '../testing/fakeXhr'
import { apiError, fakeApi, grant, staffUser } from '../testing/fakeApi'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import { setSession } from '../staffSession'
import type { ApiKey } from '../staffApi'

resetPageTests(() => setSession(grant('acc', staffUser({ id: 'a1', role: 'admin', unitId: '' }))))

const key: ApiKey = {
  id: 'k1',
  name: 'Ứng dụng phường',
  prefix: 'mb311_abcdef',
  ratePerMinute: 60,
  createdAt: '2026-12-01T03:00:00Z',
  createdBy: 'a1',
  requests: 12,
  lastUsedAt: '2026-12-04T03:00:00Z',
}
const secret = 'mb311_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst'

describe('admin: Open311 API keys', () => {
  it('is linked in the admin menu and lists the keys without any secret', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/users', 200, { items: [] })
    api.json('GET', '/api/v1/admin/units', 200, { items: [] })
    api.json('GET', '/api/v1/admin/api-keys', 200, { items: [key, { ...key, id: 'k2', name: 'Cũ', revokedAt: '2026-12-03T03:00:00Z' }] })
    const { w } = await mountApp('/admin/users', 'vi')
    await until(() => w.find('[data-testid="admin-nav-apiKeys"]').exists())
    expect(w.get('[data-testid="admin-nav-apiKeys"]').text()).toBe('Khóa Open311')
    await w.get('[data-testid="admin-nav-apiKeys"]').trigger('click')
    await until(() => w.findAll('[data-testid="apikey-row"]').length === 2)
    const rows = w.findAll('[data-testid="apikey-row"]')
    expect(rows[0]!.text()).toContain('mb311_abcdef…')
    expect(rows[0]!.text()).toContain('12')
    expect(rows[0]!.get('[data-testid="apikey-state"]').text()).toBe('Đang dùng')
    expect(rows[1]!.get('[data-testid="apikey-state"]').text()).toContain('Đã thu hồi')
    // A revoked key cannot be revoked again.
    expect(rows[1]!.find('[data-testid="apikey-revoke"]').exists()).toBe(false)
    expect(w.find('[data-testid="apikey-secret-panel"]').exists()).toBe(false)
  })

  it('issues a key and shows its secret once, with a warning and a copy button', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const api = fakeApi()
    let listed: ApiKey[] = []
    api.on('GET', '/api/v1/admin/api-keys', () => jsonResponse(200, { items: listed }))
    api.on('POST', '/api/v1/admin/api-keys', (c) => {
      const body = c.body as { name: string; ratePerMinute: number }
      listed = [{ ...key, name: body.name, ratePerMinute: body.ratePerMinute, requests: 0, lastUsedAt: undefined }]
      return jsonResponse(201, { key: listed[0], secret })
    })
    const { w } = await mountApp('/admin/api-keys', 'en')
    await until(() => w.find('[data-testid="apikey-form"]').exists())
    // Checked before sending.
    await w.get('[data-testid="apikey-rate"]').setValue('0')
    await w.get('[data-testid="apikey-form"]').trigger('submit')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/api-keys')).toHaveLength(0)
    expect(w.find('[data-testid="error-apikey-name"]').exists()).toBe(true)
    expect(w.find('[data-testid="error-apikey-rate"]').exists()).toBe(true)

    await w.get('[data-testid="apikey-name"]').setValue('City app')
    await w.get('[data-testid="apikey-rate"]').setValue('30')
    await w.get('[data-testid="apikey-form"]').trigger('submit')
    await until(() => w.find('[data-testid="apikey-secret"]').exists())
    expect(api.callsTo('POST', '/api/v1/admin/api-keys')[0]!.body).toEqual({ name: 'City app', ratePerMinute: 30 })
    expect(w.get('[data-testid="apikey-secret"]').text()).toBe(secret)
    expect(w.get('[data-testid="apikey-secret-warning"]').text()).toContain('shown only this once')
    await w.get('[data-testid="apikey-copy"]').trigger('click')
    await settle()
    expect(writeText).toHaveBeenCalledWith(secret)
    expect(w.get('[data-testid="apikey-copy-status"]').text()).toBe('The key was copied.')
    await until(() => w.findAll('[data-testid="apikey-row"]').length === 1)
    // The list never holds the secret; once dismissed, it is gone from the page.
    expect(w.get('[data-testid="apikey-table"]').text()).not.toContain(secret)
    await w.get('[data-testid="apikey-done"]').trigger('click')
    await settle()
    expect(w.html()).not.toContain(secret)
  })

  it('changes a key’s rate and revokes it after asking', async () => {
    const api = fakeApi()
    let current: ApiKey = { ...key }
    api.on('GET', '/api/v1/admin/api-keys', () => jsonResponse(200, { items: [current] }))
    api.on('PATCH', '/api/v1/admin/api-keys/k1', (c) => {
      current = { ...current, ...(c.body as object) }
      return jsonResponse(200, current)
    })
    api.on('POST', '/api/v1/admin/api-keys/k1/revoke', () => {
      current = { ...current, revokedAt: '2026-12-05T03:00:00Z' }
      return jsonResponse(200, current)
    })
    const { w } = await mountApp('/admin/api-keys', 'en')
    await until(() => w.find('[data-testid="apikey-edit"]').exists())
    await w.get('[data-testid="apikey-edit"]').trigger('click')
    await settle()
    await w.get('[data-testid="apikey-edit-rate"]').setValue('5')
    await w.get('[data-testid="apikey-save"]').trigger('click')
    await settle()
    // Only what changed is sent.
    expect(api.callsTo('PATCH', '/api/v1/admin/api-keys/k1')[0]!.body).toEqual({ ratePerMinute: 5 })
    await until(() => w.get('[data-testid="apikey-row"]').text().includes('5'))

    await w.get('[data-testid="apikey-revoke"]').trigger('click')
    await settle()
    expect(api.callsTo('POST', '/api/v1/admin/api-keys/k1/revoke')).toHaveLength(0)
    await w.get('[data-testid="apikey-revoke-yes"]').trigger('click')
    await until(() => w.get('[data-testid="apikey-state"]').text().startsWith('Revoked'))
    expect(api.callsTo('POST', '/api/v1/admin/api-keys/k1/revoke')).toHaveLength(1)
    expect(w.get('[data-testid="admin-status"]').text()).toBe('The key Ứng dụng phường was revoked.')
  })

  it('says why the server refused a new key', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/admin/api-keys', 200, { items: [] })
    api.on('POST', '/api/v1/admin/api-keys', () => apiError(400, 'invalid', { name: 'too_long' }))
    const { w } = await mountApp('/admin/api-keys', 'vi')
    await until(() => w.find('[data-testid="apikey-form"]').exists())
    await w.get('[data-testid="apikey-name"]').setValue('Ứng dụng')
    await w.get('[data-testid="apikey-form"]').trigger('submit')
    await settle()
    expect(w.get('[data-testid="error-apikey-name"]').text()).toBe('Nội dung quá dài.')
  })
})
