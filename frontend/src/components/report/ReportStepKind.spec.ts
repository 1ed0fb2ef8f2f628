import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import ReportForm from '../ReportForm.vue'
import { createAppI18n } from '../../i18n'
import { FakeXHR, jsonResponse } from '../../testing/fakeXhr'
import { testMeta as meta } from '../../testing/meta'

/** phoneWide makes matchMedia answer like a 360 px wide screen (narrow) or a desktop. */
function screen(narrow: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: query.includes('max-width') ? narrow : !narrow,
    media: query,
    addEventListener: () => {},
    removeEventListener: () => {},
  }))
}

const mountForm = () => mount(ReportForm, { props: { meta }, global: { plugins: [createAppI18n('en')] }, attachTo: document.body })

enableAutoUnmount(afterEach)

describe('the kind step', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(404, {})))
  })
  afterEach(() => vi.unstubAllGlobals())

  it('on a phone puts the choices first and folds the legal explanations below them', () => {
    screen(true)
    const w = mountForm()
    const html = w.get('[data-testid="step-kind"]').html()
    expect(html.indexOf('kind-feedback')).toBeGreaterThan(-1)
    expect(html.indexOf('kind-feedback')).toBeLessThan(html.indexOf('explain-anonymous-denunciation'))
    const folded = w.get('[data-testid="explain-folded"]')
    const details = folded.findAll('details')
    expect(details).toHaveLength(2)
    for (const d of details) expect((d.element as HTMLDetailsElement).open).toBe(false)
    expect(details[0]!.get('summary').text()).toBe('Which kind fits?')
    expect(details[0]!.text()).toContain('Law on Complaints')
    expect(details[1]!.get('[data-testid="explain-anonymous-denunciation"]').text()).toContain('Article 25')
  })

  it('on a wide screen explains first, unfolded', () => {
    screen(false)
    const w = mountForm()
    const html = w.get('[data-testid="step-kind"]').html()
    expect(html.indexOf('explain-anonymous-denunciation')).toBeLessThan(html.indexOf('kind-feedback'))
    expect(w.find('details').exists()).toBe(false)
  })
})
