import { describe, expect, it } from 'vitest'
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach } from 'vitest'
import { createAppI18n } from '../i18n'
import { apiError, fakeApi } from '../testing/fakeApi'
import { until } from '../testing/mountApp'
import vectors from '../testdata/translog-vectors.json'
import LogInclusion from './LogInclusion.vue'

// The answers of GET /api/v1/log and GET /api/v1/log/inclusion are those
// internal/translog computed for a 13-entry log (internal/translog/vectors_test.go).

enableAutoUnmount(afterEach)

type Answer = (typeof vectors.answers)[number]
const concluded = vectors.answers[0]! // filed, accepted, concluded: entries 0, 3 and 10
const pendingReport = vectors.answers.find((a) => a.inclusion.entries.length === 0)!

function serve(a: Answer, edit?: (inclusion: Answer['inclusion']) => void) {
  const api = fakeApi()
  const inclusion = JSON.parse(JSON.stringify(a.inclusion)) as Answer['inclusion']
  edit?.(inclusion)
  api.json('GET', '/api/v1/log', 200, a.log)
  api.json('GET', `/api/v1/log/inclusion?commitment=${a.commitment}`, 200, inclusion)
  return api
}

function mountFor(a: Answer, locale: 'vi' | 'en' = 'en', extra: { expectedEvents?: number; forProof?: boolean } = {}) {
  return mount(LogInclusion, {
    props: { trackingCode: a.trackingCode, contentHash: a.contentHash, ...extra },
    global: { plugins: [createAppI18n(locale)] },
  })
}

type W = ReturnType<typeof mountFor>
const settled = (w: W) => until(() => w.get('[data-testid="log-inclusion"]').attributes('data-state') !== 'checking')

describe('a report in the public log', () => {
  it('verifies the entries with the commitment computed in the browser, and says which they are', async () => {
    const api = serve(concluded)
    const w = mountFor(concluded, 'en', { expectedEvents: 3 })
    expect(w.find('[data-testid="log-checking"]').exists()).toBe(true)
    await settled(w)
    // The browser asked for the commitment it computed (never the tracking code or the content hash).
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/log', `/api/v1/log/inclusion?commitment=${concluded.commitment}`])
    expect(w.get('[data-testid="log-verified"]').text()).toBe('Your report’s public events are entries 0, 3, 10 of the public log.')
    const items = w.findAll('[data-testid="log-entry"]')
    expect(items.map((i) => i.attributes('data-index'))).toEqual(['0', '3', '10'])
    expect(items[0]!.text()).toBe('Filed · 01/12/2026 · entry 0')
    expect(items[2]!.text()).toBe('Concluded: partly substantiated · 05/12/2026 · entry 10')
    expect(w.get('[data-testid="log-checked-against"]').text()).toBe('Verified in your browser against the log’s signed checkpoint of size 13.')
    expect(w.find('[data-testid="log-more-pending"]').exists()).toBe(false)
    expect(w.find('[data-testid="log-failed"]').exists()).toBe(false)
    expect(w.get('[role="status"]').text()).toContain('entries 0, 3, 10')
  })

  it('says one entry in Vietnamese, and the events the log has not integrated yet', async () => {
    serve(concluded, (inc) => (inc.entries = inc.entries.slice(0, 1)))
    const w = mountFor(concluded, 'vi', { expectedEvents: 3 })
    await settled(w)
    expect(w.get('[data-testid="log-verified"]').text()).toBe('Phản ánh của bạn là mục số 0 trong sổ công khai.')
    expect(w.get('[data-testid="log-entry"]').text()).toBe('Đã gửi · 01/12/2026 · mục số 0')
    expect(w.get('[data-testid="log-more-pending"]').text()).toBe('Còn 2 sự kiện công khai khác của phản ánh đang được đưa vào sổ công khai.')
  })

  it('says a report not yet in the log is being added, after checking the checkpoint', async () => {
    serve(pendingReport)
    const w = mountFor(pendingReport, 'vi', { expectedEvents: 1 })
    await settled(w)
    expect(w.get('[data-testid="log-pending"]').text()).toContain('Phản ánh của bạn đang được đưa vào sổ công khai')
    expect(w.find('[data-testid="log-verified"]').exists()).toBe(false)
    const en = mountFor(pendingReport, 'en', { forProof: true })
    await settled(en)
    expect(en.get('[data-testid="log-pending"]').text()).toContain('The report of this proof is being added to the public log')
  })

  it('raises the alarm when the log’s answer does not verify', async () => {
    const tamperings: Record<string, (inc: Answer['inclusion']) => void> = {
      'an entry edited': (inc) => (inc.entries[1]!.entry = inc.entries[1]!.entry.replace('accepted', 'rejected')),
      'an index moved': (inc) => (inc.entries[0]!.index = 1),
      'a proof hash changed': (inc) => (inc.entries[2]!.proof[0] = 'ff'.repeat(32)),
      'the checkpoint re-sized': (inc) => (inc.checkpoint = inc.checkpoint.replace('\n13\n', '\n14\n')),
      'the signature changed': (inc) => (inc.checkpoint = inc.checkpoint.replace(/ ([A-Za-z0-9+/])([A-Za-z0-9+/]{9})/, (_, c: string, r: string) => ` ${c === 'A' ? 'B' : 'A'}${r}`)),
      'another report’s entries': (inc) => (inc.entries = JSON.parse(JSON.stringify(vectors.answers[1]!.inclusion.entries))),
      'not the expected form': (inc) => ((inc as unknown as { entries: unknown }).entries = 'none'),
    }
    for (const [why, edit] of Object.entries(tamperings)) {
      serve(concluded, edit)
      const w = mountFor(concluded, 'en', { expectedEvents: 3 })
      await settled(w)
      expect(w.get('[data-testid="log-inclusion"]').attributes('data-state'), why).toBe('failed')
      const alarm = w.get('[data-testid="log-failed"]')
      expect(alarm.attributes('role')).toBe('alert')
      expect(alarm.text()).toContain('Warning: the public log’s answer did not verify')
      expect(alarm.text()).toContain('Keep your proof of filing')
      expect(w.find('[data-testid="log-verified"]').exists()).toBe(false)
      w.unmount()
    }
    // A pending answer whose checkpoint does not verify is an alarm too, in Vietnamese.
    serve(pendingReport, (inc) => (inc.checkpoint = vectors.badCheckpoints[0]!.note))
    const w = mountFor(pendingReport, 'vi')
    await settled(w)
    expect(w.get('[data-testid="log-failed"]').text()).toContain('Cảnh báo')
    expect(w.get('[data-testid="log-failed"]').text()).toContain('giữ kỹ giấy xác nhận đã gửi')
    expect(w.find('[data-testid="log-pending"]').exists()).toBe(false)
  })

  it('raises the alarm when the log names another key', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/log', 200, { ...concluded.log, verifierKey: vectors.sameNameOtherVerifierKey })
    api.json('GET', `/api/v1/log/inclusion?commitment=${concluded.commitment}`, 200, concluded.inclusion)
    const w = mountFor(concluded)
    await settled(w)
    expect(w.find('[data-testid="log-failed"]').exists()).toBe(true)
  })

  it('says plainly, without alarm, when the log cannot be reached, and checks again', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/log', () => apiError(503, 'unavailable'))
    api.json('GET', `/api/v1/log/inclusion?commitment=${concluded.commitment}`, 200, concluded.inclusion)
    const w = mountFor(concluded)
    await settled(w)
    expect(w.get('[data-testid="log-unavailable"]').text()).toBe('The public log could not be checked just now. This says nothing about the report; try again later.')
    expect(w.find('[data-testid="log-failed"]').exists()).toBe(false)
    api.json('GET', '/api/v1/log', 200, concluded.log)
    await w.get('[data-testid="log-retry"]').trigger('click')
    await settled(w)
    expect(w.find('[data-testid="log-verified"]').exists()).toBe(true)
  })

  it('treats a network failure as neutral', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/log', () => {
      throw new TypeError('Failed to fetch')
    })
    api.on('GET', `/api/v1/log/inclusion?commitment=${concluded.commitment}`, () => {
      throw new TypeError('Failed to fetch')
    })
    const w = mountFor(concluded, 'vi')
    await settled(w)
    expect(w.get('[data-testid="log-unavailable"]').text()).toContain('Hiện chưa kiểm tra được sổ công khai')
    await flushPromises()
  })
})
