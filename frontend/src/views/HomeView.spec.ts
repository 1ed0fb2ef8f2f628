import { describe, expect, it } from 'vitest'
import { fakeApi } from '../testing/fakeApi'
import { jsonResponse } from '../testing/fakeXhr'
import { mountApp, resetPageTests, until } from '../testing/mountApp'
import { policy, testMeta } from '../testing/meta'

resetPageTests()

describe('home page: what happens after filing', () => {
  it('lists the stages in the tracking page’s words, the legal time limits from /meta, how the citizen hears back, and appeal', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, testMeta)
    const { w } = await mountApp('/', 'en')
    await until(() => w.find('[data-testid="home-limits-complaint"]').exists())
    const after = w.get('[data-testid="home-after"]')
    expect(after.get('h2').text()).toBe('What happens after you file')
    // The stages, in order, named as the tracking page names the statuses.
    const stages = w.findAll('[data-testid="home-stages"] li strong').map((s) => s.text())
    expect(stages).toEqual(['Received', 'Accepted for handling', 'Being investigated', 'Concluded', 'Closed'])
    expect(after.text()).toContain('Not accepted')
    expect(after.text()).toContain('Withdrawn')
    // The time limits, working or calendar days.
    expect(w.get('[data-testid="home-limits-feedback"]').text()).toContain('within 10 working days of receipt')
    expect(w.get('[data-testid="home-limits-complaint"] h4').text()).toBe('Complaint')
    expect(w.get('[data-testid="home-limits-complaint"]').text()).toContain('within 30 calendar days of acceptance')
    expect(w.get('[data-testid="home-limits-denunciation"]').text()).toContain('extended up to 2 times')
    expect(w.get('[data-testid="home-limits-counting"]').text()).toContain('next working day')
    // The notices, in the receipt's words; appeal.
    expect(w.get('[data-testid="home-notices"]').text()).toContain('you get no notices: come back to the tracking page with both codes')
    expect(w.get('[data-testid="home-appeal"]').text()).toContain('second complaint')
    expect(w.get('[data-testid="home-appeal"]').text()).toContain('cannot be appealed')
  })

  it('shows the policies the server counts with, not built-in numbers', async () => {
    const api = fakeApi()
    api.json('GET', '/api/v1/meta', 200, {
      ...testMeta,
      deadlines: [policy({ kind: 'feedback', acceptDays: 3, acceptWorkingDays: true, resolveDays: 15 })],
    })
    const { w } = await mountApp('/', 'vi')
    await until(() => w.find('[data-testid="home-limits-feedback"]').exists())
    expect(w.get('[data-testid="home-limits-feedback"]').text()).toContain('Giải quyết: trong 15 ngày theo lịch kể từ khi nhận.')
    expect(w.get('[data-testid="home-limits-feedback"]').text()).toContain('trong 3 ngày làm việc')
    expect(w.find('[data-testid="home-limits-complaint"]').exists()).toBe(false)
  })

  it('says when the time limits could not be loaded, and tries again', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/meta', () => jsonResponse(503, { error: { code: 'unavailable', message: 'x' } }), () => jsonResponse(200, testMeta))
    const { w } = await mountApp('/', 'en')
    await until(() => w.find('[data-testid="home-limits-error"]').exists())
    expect(w.get('[data-testid="home-limits-error"]').text()).toContain('The time limits could not be loaded.')
    // The rest of the section stands without them.
    expect(w.get('[data-testid="home-stages"]').text()).toContain('Received')
    await w.get('[data-testid="home-limits-error"] button').trigger('click')
    await until(() => w.find('[data-testid="home-limits-feedback"]').exists())
    expect(w.find('[data-testid="home-limits-error"]').exists()).toBe(false)
  })
})
