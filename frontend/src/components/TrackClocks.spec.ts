import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createAppI18n } from '../i18n'
import type { Clock } from '../api'
import TrackClocks from './TrackClocks.vue'

const mountClocks = (props: { clocks: Clock[]; status?: string; withdrawnAt?: string }, locale: 'vi' | 'en' = 'en') =>
  mount(TrackClocks, { props, global: { plugins: [createAppI18n(locale)] } })

// Received Tuesday 1 December 2026, withdrawn Wednesday 2 December, before any acceptance.
const withdrawnAt = '2026-12-02T03:00:00Z'
const accept: Clock = { name: 'accept', start: '2026-12-01T02:00:00Z', due: '2026-12-11T16:59:59.999Z', stopped: withdrawnAt, overdue: false }

describe('the citizen’s clocks of a withdrawn report', () => {
  it('does not claim that no deadline has started', () => {
    const w = mountClocks({ clocks: [], status: 'withdrawn', withdrawnAt })
    const text = w.get('[data-testid="track-no-clocks"]').text()
    expect(text).not.toContain('No deadline has started')
    expect(text).toBe('You withdrew this report on Wednesday, 2 December 2026, so no deadline runs any more.')
    const vi = mountClocks({ clocks: [], status: 'withdrawn', withdrawnAt }, 'vi')
    expect(vi.get('[data-testid="track-no-clocks"]').text()).not.toContain('Chưa có thời hạn nào bắt đầu')
  })

  it('says a clock stopped because the citizen withdrew, not that it was decided on time', () => {
    const w = mountClocks({ clocks: [accept], status: 'withdrawn', withdrawnAt })
    const line = w.get('[data-testid="track-clock"]')
    expect(line.text()).not.toContain('on time')
    expect(line.text()).toBe(
      'Acceptance decision: stopped on Wednesday, 2 December 2026, when you withdrew the report (it was due by Friday, 11 December 2026)',
    )
    expect(line.attributes('data-state')).toBe('withdrawn')
  })

  it('keeps a clock met before the withdrawal as done on time', () => {
    const accepted = { ...accept, stopped: '2026-12-01T09:00:00Z' }
    const w = mountClocks({ clocks: [accepted], status: 'withdrawn', withdrawnAt })
    expect(w.get('[data-testid="track-clock"]').text()).toContain('decided on time')
  })

  it('says a finished report has no running deadline, and an open one has none yet', () => {
    expect(mountClocks({ clocks: [], status: 'closed' }).get('[data-testid="track-no-clocks"]').text()).toBe(
      'The handling of this report has ended, so no deadline runs any more.',
    )
    expect(mountClocks({ clocks: [], status: 'received' }).get('[data-testid="track-no-clocks"]').text()).toBe('No deadline has started yet.')
  })
})
