// The admin audit log in words (docs/architecture.md, "Admin audit log"):
// every action code the server writes (services/*.go, Org.record and
// Staff.record) has a label in both languages under auditLog.actions, and
// what was changed is named rather than shown as an id.

import type { AdminEvent } from './staffApi'
import { formatDate, localName } from './format'

/** ADMIN_ACTIONS are the action codes the server writes to the admin audit log. */
export const ADMIN_ACTIONS = [
  'user.create',
  'user.update',
  'user.resetPassword',
  'user.resetTOTP',
  'unit.create',
  'unit.update',
  'area.create',
  'area.update',
  'category.create',
  'category.update',
  'routingRule.create',
  'routingRule.delete',
  'holiday.create',
  'holiday.delete',
  'deadlinePolicy.update',
  'report.period',
  'apikey.issue',
  'apikey.update',
  'apikey.revoke',
] as const

type T = (key: string, named?: Record<string, unknown>) => string
type TE = (key: string) => boolean

/** actionText is the action in words; an unknown code says so and keeps the code for the operator. */
export function actionText(t: T, te: TE, code: string): string {
  const key = `auditLog.actions.${code}`
  return te(key) ? t(key) : t('auditLog.unknownAction', { code })
}

/** actorText names who made the change: the account's name, the system, or an account that no longer exists. */
export function actorText(t: T, e: Pick<AdminEvent, 'actorId' | 'actorName'>): string {
  if (e.actorName) return e.actorName
  return e.actorId === 'system' ? t('auditLog.system') : t('auditLog.goneAccount')
}

/**
 * targetText names what was changed: a named account, unit, area or category
 * in the page's language; a holiday by its date; a deadline policy by its
 * kind; a routing rule as such (its summary describes it). Something that no
 * longer exists is said to be removed, with its code.
 */
export function targetText(t: T, te: TE, e: Pick<AdminEvent, 'action' | 'target' | 'targetName'>, locale: string): string {
  const kind = e.action.split('.')[0] ?? ''
  const name = localName(e.targetName ?? null, locale)
  if (name) return name
  switch (kind) {
    case 'holiday':
      return formatDate(e.target, locale)
    case 'deadlinePolicy':
      return te(`kinds.${e.target}`) ? t(`kinds.${e.target}`) : e.target
    case 'routingRule':
      return t('auditLog.routingRule')
    case 'report':
      // A period report's scope: "all", or "unit:<id>" / "front:<id>" (the summary gives the range and format).
      return e.target === 'all' ? t('auditLog.wholePortal') : e.target
    case 'user':
      return t('auditLog.goneAccount')
    case 'apikey':
      // The summary names the key (its name and prefix).
      return t('auditLog.apiKey')
    default:
      return t('auditLog.goneThing', { code: e.target })
  }
}
