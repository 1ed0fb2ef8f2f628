// The state of the public log's witnesses as people read it
// (docs/transparency-log.md, "The Front as witness"), from what GET
// /api/v1/log says of each (services/publiclogread.go, LogWitnessStatus).

import type { LogWitness } from './api'

type Translate = (key: string, named?: Record<string, unknown>) => string

/**
 * WitnessState: refused (its latest refusal is not older than its latest
 * cosignature, as the server reckons its alarm), silent (the server's alarm
 * without a refusal: no cosignature for too long while the log has entries),
 * ok (it cosigns), waiting (it has not cosigned yet, and the log is empty).
 */
export type WitnessState = 'refused' | 'silent' | 'ok' | 'waiting'

export const REFUSAL_REASONS = ['inconsistent', 'rollback', 'fork', 'unavailable', 'bad_signature'] as const

function time(iso: string): number {
  const n = Date.parse(iso)
  return Number.isNaN(n) ? 0 : n
}

export function witnessState(w: LogWitness): WitnessState {
  if (w.refused && (!w.cosigned || time(w.refused.at) >= time(w.cosigned.at))) return 'refused'
  if (w.alarm) return 'silent'
  return w.cosigned ? 'ok' : 'waiting'
}

/** agoText says how long ago an instant was: "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function agoText(t: Translate, iso: string, now: number): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return ''
  const minutes = Math.max(0, Math.floor((now - at) / 60_000))
  if (minutes < 1) return t('logWitnesses.ago.justNow')
  if (minutes < 60) return minutes === 1 ? t('logWitnesses.ago.minuteOne') : t('logWitnesses.ago.minutes', { n: minutes })
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return hours === 1 ? t('logWitnesses.ago.hourOne') : t('logWitnesses.ago.hours', { n: hours })
  return t('logWitnesses.ago.days', { n: Math.floor(hours / 24) })
}

/** reasonText puts a refusal's reason in plain words; an unknown one is shown as it came. */
export function reasonText(t: Translate, reason: string | undefined): string {
  const r = reason ?? ''
  return (REFUSAL_REASONS as readonly string[]).includes(r) ? t(`logWitnesses.reasons.${r}`) : t('logWitnesses.reasons.other', { reason: r || '?' })
}
