import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import ReportForm from '../ReportForm.vue'
import { createAppI18n } from '../../i18n'
import { FakeXHR, jsonResponse } from '../../testing/fakeXhr'
import { testMeta } from '../../testing/meta'
import type { Meta } from '../../api'

const commune = (code: string, vi: string, en: string) => ({ code, parent: '79', level: 'commune', name: { vi, en } })
const meta: Meta = {
  ...testMeta,
  areas: [
    { code: '79', parent: '', level: 'province', name: { vi: 'Thành phố Hồ Chí Minh', en: 'Ho Chi Minh City' } },
    commune('c10', 'Phường 10', 'Ward 10'),
    commune('c-td', 'Phường Tân Định', 'Tan Dinh Ward'),
    commune('c1', 'Phường 1', 'Ward 1'),
    commune('c-dn', 'Phường Đức Nhuận', 'Duc Nhuan Ward'),
    commune('c2', 'Phường 2', 'Ward 2'),
    commune('c-cc', 'Xã Củ Chi', 'Cu Chi Commune'),
    { code: '01', parent: '', level: 'province', name: { vi: 'Thành phố Hà Nội', en: 'Ha Noi' } },
    { code: '48', parent: '', level: 'province', name: { vi: 'Thành phố Đà Nẵng', en: 'Da Nang' } },
  ],
}

function mountForm(locale: 'vi' | 'en' = 'vi') {
  return mount(ReportForm, { props: { meta }, global: { plugins: [createAppI18n(locale)] }, attachTo: document.body })
}

async function toWhere(w: VueWrapper) {
  await w.get('[data-testid="kind-feedback"]').setValue(true)
  await w.get('form').trigger('submit')
  await flushPromises()
  await w.get('[data-testid="category"]').setValue('bribe')
  await w.get('[data-testid="title"]').setValue('Bị đòi tiền')
  await w.get('[data-testid="description"]').setValue('Cán bộ quầy 3 đòi tiền.')
  await w.get('form').trigger('submit')
  await flushPromises()
}

const optionTexts = (w: VueWrapper, testid: string) =>
  w
    .get(`[data-testid="${testid}"]`)
    .findAll('option')
    .map((o) => o.text())
    .slice(1) // the "none" choice

enableAutoUnmount(afterEach)

describe('the report form’s area picker', () => {
  beforeEach(() => {
    localStorage.clear()
    document.body.innerHTML = ''
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(404, {})))
  })

  it('lists provinces and communes in Vietnamese alphabetical order, numbers by value', async () => {
    const w = mountForm('vi')
    await toWhere(w)
    expect(optionTexts(w, 'province')).toEqual(['Thành phố Đà Nẵng', 'Thành phố Hà Nội', 'Thành phố Hồ Chí Minh'])
    expect(w.find('[data-testid="commune-search"]').exists()).toBe(false) // no province, no communes
    await w.get('[data-testid="province"]').setValue('79')
    expect(optionTexts(w, 'commune')).toEqual([
      'Phường 1',
      'Phường 2',
      'Phường 10',
      'Xã Củ Chi',
      'Phường Đức Nhuận',
      'Phường Tân Định',
    ])
  })

  it('narrows the communes as the citizen types, ignoring diacritics, and chooses a single match', async () => {
    const w = mountForm('vi')
    await toWhere(w)
    await w.get('[data-testid="province"]').setValue('79')
    const search = w.get('[data-testid="commune-search"]')
    // A labelled search box that controls the list.
    expect(w.get('label[for="commune-search"]').text()).toBe('Tìm phường, xã')
    expect(search.attributes('aria-controls')).toBe('f-commune')
    await search.setValue('phuong 1')
    expect(optionTexts(w, 'commune')).toEqual(['Phường 1', 'Phường 10'])
    expect(w.get('[data-testid="commune-search-count"]').text()).toBe('Có 2 phường, xã phù hợp. Hãy chọn trong danh sách bên dưới.')
    await search.setValue('duc nhuan')
    expect(optionTexts(w, 'commune')).toEqual(['Phường Đức Nhuận'])
    expect((w.get('[data-testid="commune"]').element as HTMLSelectElement).value).toBe('c-dn')
    expect(w.get('[data-testid="commune-search-count"]').text()).toBe('Có một kết quả, đã được chọn: Phường Đức Nhuận.')
    // The chosen commune stays in the list when the search moves on.
    await search.setValue('xyz')
    expect(optionTexts(w, 'commune')).toEqual(['Phường Đức Nhuận'])
    expect(w.get('[data-testid="commune-search-count"]').text()).toContain('Không có phường, xã nào phù hợp')
    // Enter in the search box does not move to the next step.
    await search.trigger('keydown', { key: 'Enter' })
    expect(w.find('[data-testid="step-where"]').exists()).toBe(true)
  })

  it('finds by the English name in English', async () => {
    const w = mountForm('en')
    await toWhere(w)
    await w.get('[data-testid="province"]').setValue('79')
    await w.get('[data-testid="commune-search"]').setValue('tan dinh')
    expect(optionTexts(w, 'commune')).toEqual(['Tan Dinh Ward'])
  })
})
