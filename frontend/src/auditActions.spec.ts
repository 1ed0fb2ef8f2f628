/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createAppI18n } from './i18n'
import { ADMIN_ACTIONS, actionText, actorText, targetText } from './auditActions'

// The Go sources that write the admin audit log, read as text: every action
// code passed to Org.record or Staff.record must have a label in both languages.
const servicesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'services')

function serverActions(): string[] {
  const out = new Set<string>()
  for (const name of readdirSync(servicesDir)) {
    if (!name.endsWith('.go') || name.endsWith('_test.go')) continue
    const src = readFileSync(join(servicesDir, name), 'utf8')
    for (const m of src.matchAll(/\.record\(ctx,\s*&?actor,\s*"([A-Za-z]+\.[A-Za-z]+)"/g)) out.add(m[1]!)
    // Events written directly name their code in a constant (PeriodReportAction).
    for (const m of src.matchAll(/^(?:const\s+)?\s*\w+Action\s*=\s*"([A-Za-z]+\.[A-Za-z]+)"/gm)) out.add(m[1]!)
  }
  return [...out].sort()
}

function translator(locale: 'vi' | 'en') {
  const i18n = createAppI18n()
  i18n.global.locale.value = locale
  const g = i18n.global
  return {
    t: (k: string, named?: Record<string, unknown>) => (named ? g.t(k, named) : g.t(k)),
    te: (k: string) => g.te(k, locale),
  }
}

describe('admin audit action labels', () => {
  it('finds the action codes the server writes', () => {
    const codes = serverActions()
    // The services write at least the account and configuration changes.
    expect(codes.length).toBeGreaterThanOrEqual(15)
    expect(codes).toContain('user.resetTOTP')
    expect([...ADMIN_ACTIONS].sort()).toEqual(codes)
  })

  it.each(serverActions())('labels %s in Vietnamese and English', (code) => {
    const vi = translator('vi')
    const en = translator('en')
    expect(vi.te(`auditLog.actions.${code}`)).toBe(true)
    expect(en.te(`auditLog.actions.${code}`)).toBe(true)
    const viText = actionText(vi.t, vi.te, code)
    const enText = actionText(en.t, en.te, code)
    expect(viText).not.toContain(code)
    expect(enText).not.toContain(code)
    expect(viText).not.toBe(enText)
  })

  it('says an unknown code is another action, keeping the code', () => {
    const vi = translator('vi')
    expect(actionText(vi.t, vi.te, 'thing.explode')).toBe('Thao tác khác (thing.explode)')
  })

  it('names actors and targets, never a bare id', () => {
    const vi = translator('vi')
    const en = translator('en')
    expect(actorText(vi.t, { actorId: '665f00aa', actorName: 'Nguyễn Thị Lan' })).toBe('Nguyễn Thị Lan')
    expect(actorText(vi.t, { actorId: 'system' })).toBe('Hệ thống')
    expect(actorText(en.t, { actorId: '665f00aa' })).toBe('An account that no longer exists')
    const unit = { action: 'unit.update', target: '665f00bb', targetName: { vi: 'Thanh tra Quận 1', en: 'District 1 Inspectorate' } }
    expect(targetText(vi.t, vi.te, unit, 'vi')).toBe('Thanh tra Quận 1')
    expect(targetText(en.t, en.te, unit, 'en')).toBe('District 1 Inspectorate')
    expect(targetText(vi.t, vi.te, { action: 'user.update', target: '665f00cc' }, 'vi')).toBe('Tài khoản không còn tồn tại')
    expect(targetText(en.t, en.te, { action: 'deadlinePolicy.update', target: 'complaint' }, 'en')).toBe('Complaint')
    expect(targetText(vi.t, vi.te, { action: 'holiday.create', target: '2026-09-02' }, 'vi')).toMatch(/2026/)
    expect(targetText(vi.t, vi.te, { action: 'routingRule.delete', target: '665f00dd' }, 'vi')).toBe('Một quy tắc phân luồng')
  })
})
