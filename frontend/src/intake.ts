// Taking a report on a citizen's behalf (docs/intake.md): the channels a
// staff member files on, the request they send, and what the citizen's slip
// shows. Pure, so that the rules are tested alone; the page is
// views/IntakeView.vue.

import type { Attachment, ComplaintInput } from './api'

/** The channels a staff member takes a report by (services/channel.go StaffChannel). */
export const STAFF_CHANNELS = ['reception', 'hotline', 'mail'] as const
export type StaffChannel = (typeof STAFF_CHANNELS)[number]

/** Every channel a report may have come by; a report without one came through the web form. */
export const CHANNELS = ['web', 'open311', ...STAFF_CHANNELS] as const

export function isStaffChannel(v: unknown): v is StaffChannel {
  return typeof v === 'string' && (STAFF_CHANNELS as readonly string[]).includes(v)
}

/** channelOf is a report's channel as the staff pages show it: "web" when the report says none. */
export function channelOf(c: { channel?: string | null }): string {
  return c.channel || 'web'
}

/** The body of POST /api/v1/cases: the web form's body and the channel it came by. */
export interface OnBehalfInput extends ComplaintInput {
  channel: StaffChannel
}

/** onBehalfInput adds the channel to the body the web form's rules built (reportSteps.ts buildInput). */
export function onBehalfInput(input: ComplaintInput, channel: StaffChannel): OnBehalfInput {
  return { ...input, channel }
}

/** The 201 answer of POST /api/v1/cases: the slip's codes and the proof's address, no citizen session. */
export interface OnBehalfResult {
  id: string
  trackingCode: string
  /** The citizen's receipt (secret code): shown this once, never kept. */
  receipt: string
  kind: string
  anonymousDenunciation: boolean
  channel: string
  submittedAt: string
  contentHash: string
  /** The signed proof of filing, for the staff token (GET /api/v1/cases/{id}/proof.pdf). */
  proofUrl: string
  attachments?: Attachment[]
}

/** What the printed slip shows. */
export interface Slip {
  trackingCode: string
  receipt: string
  submittedAt: string
  kind: string
  anonymousDenunciation: boolean
  channel: string
  /** Where the citizen follows the report with the two codes. */
  trackUrl: string
  /** Where anyone checks the proof of filing. */
  verifyUrl: string
  /** How many evidence files were filed with it. */
  files: number
}

/**
 * slipOf is the slip of a report just filed, with the portal's addresses on
 * origin (the page's own, window.location.origin): the citizen types
 * them, so they are whole addresses, not links.
 */
export function slipOf(r: OnBehalfResult, origin: string): Slip {
  const base = origin.replace(/\/+$/, '')
  return {
    trackingCode: r.trackingCode,
    receipt: r.receipt,
    submittedAt: r.submittedAt,
    kind: r.kind,
    anonymousDenunciation: r.anonymousDenunciation,
    channel: r.channel,
    trackUrl: `${base}/track`,
    verifyUrl: `${base}/verify`,
    files: r.attachments?.length ?? 0,
  }
}

/** proofFileName names the downloaded proof: it holds no secret, so the tracking code may name it. */
export function proofFileName(trackingCode: string): string {
  return `minh-bach-giay-xac-nhan-${trackingCode}.pdf`
}
