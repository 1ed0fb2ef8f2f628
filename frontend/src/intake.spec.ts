import { describe, expect, it } from 'vitest'
import { buildInput, emptyForm } from './reportSteps'
import { STAFF_CHANNELS, channelOf, isStaffChannel, onBehalfInput, proofFileName, slipOf, type OnBehalfResult } from './intake'

function result(over: Partial<OnBehalfResult> = {}): OnBehalfResult {
  return {
    id: 'c1',
    trackingCode: 'MB-7K3M-9QX2',
    receipt: '1234567890123456',
    kind: 'denunciation',
    anonymousDenunciation: false,
    channel: 'reception',
    submittedAt: '2026-12-05T03:00:00Z',
    contentHash: 'ab'.repeat(32),
    proofUrl: '/api/v1/cases/c1/proof.pdf',
    attachments: [],
    ...over,
  }
}

describe('intake', () => {
  it('offers exactly the channels the server lets staff file on', () => {
    expect([...STAFF_CHANNELS]).toEqual(['reception', 'hotline', 'mail'])
    expect(isStaffChannel('hotline')).toBe(true)
    expect(isStaffChannel('web')).toBe(false)
    expect(isStaffChannel('open311')).toBe(false)
    expect(isStaffChannel(undefined)).toBe(false)
  })

  it('reads a report without a channel as the web form', () => {
    expect(channelOf({})).toBe('web')
    expect(channelOf({ channel: '' })).toBe('web')
    expect(channelOf({ channel: 'mail' })).toBe('mail')
  })

  it('sends the web form’s body, built by the web form’s rules, with the channel', () => {
    const form = emptyForm()
    Object.assign(form, { kind: 'denunciation', category: 'bribe', title: '  Đòi tiền  ', description: 'Cán bộ đòi tiền.', province: '79' })
    form.identity.name = ' Trần Thị Bích '
    form.identity.phone = '0912345678'
    const body = onBehalfInput(buildInput(form, 'vi'), 'reception')
    expect(body.channel).toBe('reception')
    expect(body.title).toBe('Đòi tiền')
    expect(body.areaCode).toBe('79')
    expect(body.anonymous).toBe(false)
    expect(body.identity).toEqual({ name: 'Trần Thị Bích', phone: '0912345678', email: '', address: '', nationalId: '' })
    // An anonymous report carries no identity, as on the web form.
    form.anonymous = true
    expect(onBehalfInput(buildInput(form, 'vi'), 'mail').identity).toBeUndefined()
  })

  it('puts the codes, the date, the channel and whole addresses on the slip', () => {
    const s = slipOf(result({ attachments: [{ id: 'a', name: 'x', size: 1, type: 'image/png', sha256: '', scan: 'clean', uploadedAt: '', source: 'report' }] }), 'http://127.0.0.1:8080/')
    expect(s).toEqual({
      trackingCode: 'MB-7K3M-9QX2',
      receipt: '1234567890123456',
      submittedAt: '2026-12-05T03:00:00Z',
      kind: 'denunciation',
      anonymousDenunciation: false,
      channel: 'reception',
      trackUrl: 'http://127.0.0.1:8080/track',
      verifyUrl: 'http://127.0.0.1:8080/verify',
      files: 1,
    })
    expect(slipOf(result({ attachments: undefined }), 'http://127.0.0.1:8080').files).toBe(0)
  })

  it('names the proof by its tracking code only', () => {
    expect(proofFileName('MB-7K3M-9QX2')).toBe('minh-bach-giay-xac-nhan-MB-7K3M-9QX2.pdf')
  })
})
