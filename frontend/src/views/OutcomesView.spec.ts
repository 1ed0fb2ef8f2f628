import { describe, expect, it } from 'vitest'
import { apiError, fakeApi } from '../testing/fakeApi'
import { jsonResponse } from '../testing/fakeXhr'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import { testMeta } from '../testing/meta'
import type { PublishedOutcome } from '../api'

resetPageTests()

const outcome = (over: Partial<PublishedOutcome> = {}): PublishedOutcome => ({
  id: 'o1',
  kind: 'denunciation',
  category: 'bribe',
  areaCode: '26734',
  office: 'UBND Phường Sài Gòn',
  procedure: 'Cấp giấy phép xây dựng',
  result: 'substantiated',
  summary: 'Cán bộ quầy 3 bị kỷ luật vì đòi tiền.',
  concludedAt: '2026-03-04T02:00:00Z',
  publishedAt: '2026-03-05T02:00:00Z',
  ...over,
})

describe('published outcomes', () => {
  it('is linked from the home page and lists outcomes with category and area names, without signing in', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', '/api/v1/outcomes', 200, { items: [outcome()], nextCursor: 'p2' })
    api.json('GET', '/api/v1/outcomes?cursor=p2', 200, {
      items: [outcome({ id: 'o2', category: 'delay', result: 'unsubstantiated', areaCode: undefined, office: undefined, procedure: undefined, kind: 'feedback' })],
      nextCursor: null,
    })
    const { w, router } = await mountApp('/', 'vi')
    await w.get('[data-testid="home-outcomes"]').trigger('click')
    await until(() => w.find('[data-testid="outcome"]').exists())
    expect(router.currentRoute.value.path).toBe('/outcomes')
    expect(w.get('h1').text()).toBe('Kết quả đã công bố')
    expect(document.title).toBe('Kết quả đã công bố · Minh Bạch')
    await settle()

    const first = w.get('[data-testid="outcome"]')
    expect(first.get('[data-testid="outcome-title"]').text()).toBe('Đòi tiền, “bồi dưỡng”')
    expect(first.get('[data-testid="outcome-result"]').text()).toBe('Đúng')
    expect(first.text()).toContain('Tố cáo')
    expect(first.get('[data-testid="outcome-area"]').text()).toBe('Phường Sài Gòn, Thành phố Hồ Chí Minh')
    expect(first.get('[data-testid="outcome-summary"]').text()).toBe('Cán bộ quầy 3 bị kỷ luật vì đòi tiền.')
    expect(first.text()).toContain('UBND Phường Sài Gòn')

    await w.get('[data-testid="outcomes-more"]').trigger('click')
    await settle()
    const all = w.findAll('[data-testid="outcome"]')
    expect(all).toHaveLength(2)
    expect(all[1]!.get('[data-testid="outcome-title"]').text()).toBe('Cố tình kéo dài')
    expect(all[1]!.get('[data-testid="outcome-result"]').text()).toBe('Không đúng')
    expect(all[1]!.find('[data-testid="outcome-area"]').exists()).toBe(false)
    expect(w.find('[data-testid="outcomes-more"]').exists()).toBe(false)

    // A public page: no staff session is asked for.
    expect(api.calls.some((c) => c.url.startsWith('/api/v1/auth'))).toBe(false)
    expect(api.calls.every((c) => !c.headers.Authorization)).toBe(true)
  })

  it('marks an appealed outcome as under second-round review, or its second round as ended', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    api.json('GET', '/api/v1/outcomes', 200, {
      items: [outcome({ id: 'a', appeal: 'under_review' }), outcome({ id: 'b', appeal: 'decided' }), outcome({ id: 'c' })],
      nextCursor: null,
    })
    const { w } = await mountApp('/outcomes', 'en')
    await until(() => w.findAll('[data-testid="outcome"]').length === 3)
    const [under, decided, plain] = w.findAll('[data-testid="outcome"]')
    expect(under!.get('[data-testid="outcome-appeal"] strong').text()).toBe('Appealed: under second-round review')
    expect(under!.get('[data-testid="outcome-appeal"]').text()).toContain('may change it')
    expect(decided!.get('[data-testid="outcome-appeal"] strong').text()).toBe('Appealed: the second round has ended')
    expect(plain!.find('[data-testid="outcome-appeal"]').exists()).toBe(false)
  })

  it('says when nothing is published, and retries after a failure', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/meta', () => apiError(503, 'unavailable'))
    api.on('GET', '/api/v1/outcomes', () => apiError(503, 'unavailable'), () => jsonResponse(200, { items: [], nextCursor: null }))
    const { w } = await mountApp('/outcomes')
    await until(() => w.find('[data-testid="outcomes-error"]').exists())
    await w.get('[data-testid="outcomes-error"] button').trigger('click')
    await until(() => w.find('[data-testid="outcomes-none"]').exists())
    expect(w.get('[data-testid="outcomes-none"]').text()).toBe('No outcome has been published yet.')
  })

  it('shows a linked outcome whole and focuses it, as the transparency page links to it', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    const long = 'Đoàn thanh tra đã xác minh toàn bộ hồ sơ.\nCán bộ tiếp nhận đã bị kỷ luật khiển trách và chuyển vị trí công tác. '.repeat(3)
    api.json('GET', '/api/v1/outcomes', 200, { items: [outcome({ id: 'a' }), outcome({ id: 'b', summary: long })], nextCursor: null })
    const { w } = await mountApp('/outcomes#outcome-b', 'vi')
    await until(() => w.findAll('[data-testid="outcome"]').length === 2)
    await until(() => document.activeElement?.id === 'outcome-b')
    expect(w.findAll('[data-testid="outcome"]').map((o) => o.attributes('id'))).toEqual(['outcome-a', 'outcome-b'])
    // Each card is titled at the page's second level, in a labelled list; the summary is whole, the office and procedure shown.
    expect(w.get('ul.outcome-list').attributes('aria-label')).toBe('Kết quả đã công bố')
    expect(w.get('#outcome-b h2').text()).toBe('Đòi tiền, “bồi dưỡng”')
    expect(w.get('#outcome-b [data-testid="outcome-summary"]').text()).toBe(long.trim())
    expect(w.get('#outcome-b').text()).toContain('Cấp giấy phép xây dựng')
    expect(w.find('[data-testid="outcome-full"]').exists()).toBe(false)
    // The page's own list asks for the server's page size.
    expect(api.callsTo('GET', '/api/v1/outcomes')).toHaveLength(1)
  })
})
