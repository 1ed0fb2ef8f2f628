import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { createAppI18n } from '../i18n'
import { apiError, fakeApi } from '../testing/fakeApi'
import { jsonResponse } from '../testing/fakeXhr'
import { until } from '../testing/mountApp'
import { LOG_KEY, LOG_ORIGIN, logInfo, witness } from '../testing/logWitnesses'
import type { LogInfo } from '../api'
import LogWitnesses from './LogWitnesses.vue'

// The public log's witnesses as GET /api/v1/log describes them
// (services/publiclogread.go): cosigning, refusing, silent, or none at all.

enableAutoUnmount(afterEach)

// 10:00 in Vietnam on 05/12/2026.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-12-05T03:00:00Z'))
})
afterEach(() => {
  vi.useRealTimers()
})

function serve(info: LogInfo) {
  const api = fakeApi()
  api.json('GET', '/api/v1/log', 200, info)
  return api
}

async function mountPanel(locale: 'vi' | 'en' = 'en') {
  const w = mount(LogWitnesses, { global: { plugins: [createAppI18n(locale)] }, attachTo: document.body })
  await until(() => w.get('[data-testid="log-witnesses"]').attributes('data-state') !== 'loading')
  return w
}

const ROLLBACK_EN = 'the log went back to an older state (an old backup restored or entries deleted)'

describe('the public log’s witnesses', () => {
  it('shows the log’s name, size and key, and a witness that cosigns as OK, in an accessible table', async () => {
    const api = serve(logInfo([witness({ cosigned: { size: 1234, at: '2026-12-05T02:55:00Z' } })]))
    const w = await mountPanel('en')
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/log'])
    expect(w.get('h2').text()).toBe('Public log')
    expect(w.get('[data-testid="log-origin"]').text()).toBe(LOG_ORIGIN)
    expect(w.get('[data-testid="log-size"]').text()).toBe('1,234')
    const key = w.get('[data-testid="log-key"]')
    expect(key.element.tagName).toBe('CODE')
    expect(key.text()).toBe(LOG_KEY)
    const help = w.get('[data-testid="log-key-help"]')
    expect(help.text()).toContain('Anyone can check the log with this key')
    expect(help.get('code').text()).toBe('portal log verify')

    // A real table: a caption, column headers, the witness's name as the row's header.
    const table = w.get('[data-testid="log-witness-table"]')
    expect(table.get('caption').text()).toBe('The public log’s witnesses, with each one’s latest co-signature and refusal')
    expect(table.findAll('th[scope="col"]').map((h) => h.text())).toEqual([
      'Witness',
      'Status',
      'Latest co-signature (Vietnam time)',
      'Latest refusal (Vietnam time)',
    ])
    const row = w.get('[data-testid="log-witness-row"]')
    expect(row.attributes('data-state')).toBe('ok')
    expect(row.get('th[scope="row"]').text()).toContain('mttq.example.vn/hanoi')
    expect(row.get('th[scope="row"] code').text()).toBe(witness().verifierKey)
    expect(row.get('[data-testid="log-witness-status"]').text()).toBe('OK: co-signing')
    const cosigned = row.get('[data-testid="log-witness-cosigned"]')
    expect(cosigned.text()).toContain('05/12/2026 at 09:55 (5 minutes ago)')
    expect(cosigned.text()).toContain('When the log had 1,234 entries')
    expect(cosigned.get('time').attributes('datetime')).toBe('2026-12-05T02:55:00Z')
    expect(row.get('[data-testid="log-witness-refused"]').text()).toBe('Never refused')
    expect(w.find('[role="alert"]').exists()).toBe(false)
    expect(w.find('[data-testid="log-witness-silent-notice"]').exists()).toBe(false)
    expect(w.find('[data-testid="log-no-witnesses"]').exists()).toBe(false)
  })

  it('copies the key, or selects it when the browser cannot copy', async () => {
    serve(logInfo([]))
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const w = await mountPanel('vi')
    await w.get('[data-testid="log-key-copy"]').trigger('click')
    await until(() => w.get('[data-testid="log-key-copy-status"]').text() !== '')
    expect(writeText).toHaveBeenCalledWith(LOG_KEY)
    expect(w.get('[data-testid="log-key-copy-status"]').text()).toBe('Đã chép khóa.')
    expect(w.get('[data-testid="log-key-copy-status"]').attributes('role')).toBe('status')

    writeText.mockRejectedValueOnce(new Error('denied'))
    await w.get('[data-testid="log-key-copy"]').trigger('click')
    await until(() => w.get('[data-testid="log-key-copy-status"]').text().startsWith('Không chép'))
    expect(window.getSelection()?.toString()).toBe(LOG_KEY)
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true })
  })

  it('raises an alert for a witness that refused, with the reason in words and its detail', async () => {
    serve(
      logInfo([
        witness({
          cosigned: { size: 1200, at: '2026-12-05T02:00:00Z' },
          refused: { size: 1100, at: '2026-12-05T02:30:00Z', reason: 'rollback', detail: 'size 1100 is smaller than the cosigned size 1200' },
          alarm: true,
        }),
        // An older refusal, cosigned again since: the witness is OK.
        witness({
          name: 'mttq.example.vn/hcm',
          cosigned: { size: 1234, at: '2026-12-05T02:58:00Z' },
          refused: { size: 10, at: '2026-12-01T02:00:00Z', reason: 'unavailable' },
        }),
      ]),
    )
    const w = await mountPanel('en')
    const alert = w.get('[data-testid="log-witness-refused-alert"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.classes()).toContain('error-summary')
    expect(alert.text()).toContain('The witness refused to co-sign')
    expect(alert.findAll('li').map((li) => li.text())).toEqual([`mttq.example.vn/hanoi: ${ROLLBACK_EN}.`])

    const [refused, again] = w.findAll('[data-testid="log-witness-row"]')
    expect(refused!.attributes('data-state')).toBe('refused')
    const status = refused!.get('[data-testid="log-witness-status"] .witness-status')
    expect(status.text()).toBe('The witness refused to co-sign')
    expect(status.classes()).toContain('witness-status-refused')
    const cell = refused!.get('[data-testid="log-witness-refused"]')
    expect(cell.get('[data-testid="log-witness-reason"]').text()).toBe(ROLLBACK_EN)
    expect(cell.text()).toContain('05/12/2026 at 09:30 (30 minutes ago)')
    expect(cell.text()).toContain('When the log had 1,100 entries')
    expect(cell.get('[data-testid="log-witness-detail"]').text()).toBe('Detail: size 1100 is smaller than the cosigned size 1200')
    expect(cell.find('[data-testid="log-witness-cosigned-since"]').exists()).toBe(false)
    expect(refused!.get('[data-testid="log-witness-cosigned"]').text()).toContain('(1 hour ago)')

    expect(again!.attributes('data-state')).toBe('ok')
    expect(again!.get('[data-testid="log-witness-reason"]').text()).toBe('part of the published log could no longer be fetched (deleted or unreachable)')
    expect(again!.get('[data-testid="log-witness-refused"]').text()).toContain('(4 days ago)')
    expect(again!.get('[data-testid="log-witness-cosigned-since"]').text()).toBe('The witness has co-signed again since this refusal.')
  })

  it('says the refusal in Vietnamese, for a witness that never cosigned', async () => {
    serve(logInfo([witness({ refused: { size: 5, at: '2026-12-05T02:59:30Z', reason: 'inconsistent' }, alarm: true })], 5))
    const w = await mountPanel('vi')
    const alert = w.get('[role="alert"]')
    expect(alert.text()).toContain('Bên chứng kiến đã từ chối đồng xác nhận')
    expect(alert.text()).toContain('nội dung sổ đã bị sửa')
    const row = w.get('[data-testid="log-witness-row"]')
    expect(row.get('[data-testid="log-witness-status"]').text()).toBe('Bên chứng kiến đã từ chối đồng xác nhận')
    expect(row.get('[data-testid="log-witness-cosigned"]').text()).toBe('Chưa đồng xác nhận lần nào')
    expect(row.get('[data-testid="log-witness-refused"]').text()).toContain('05/12/2026 lúc 09:59 (vừa xong)')
    expect(row.find('[data-testid="log-witness-detail"]').exists()).toBe(false)
  })

  it('warns of a silent witness, without an alert', async () => {
    serve(
      logInfo([
        witness({ cosigned: { size: 1000, at: '2026-12-05T01:00:00Z' }, alarm: true }),
        witness({ name: 'mttq.example.vn/hcm', cosigned: { size: 1234, at: '2026-12-05T02:59:00Z' } }),
      ]),
    )
    const w = await mountPanel('en')
    expect(w.find('[role="alert"]').exists()).toBe(false)
    const notice = w.get('[data-testid="log-witness-silent-notice"]')
    expect(notice.text()).toContain('A witness is silent')
    expect(notice.text()).toContain('more than 30 minutes): mttq.example.vn/hanoi.')
    expect(notice.text()).not.toContain('hcm')
    const [silent, ok] = w.findAll('[data-testid="log-witness-row"]')
    expect(silent!.attributes('data-state')).toBe('silent')
    expect(silent!.get('[data-testid="log-witness-status"]').text()).toBe('Silent: no co-signature for a long time')
    expect(silent!.get('[data-testid="log-witness-cosigned"]').text()).toContain('(2 hours ago)')
    expect(ok!.attributes('data-state')).toBe('ok')
  })

  it('says plainly when no committee witnesses the log, and how one becomes a witness', async () => {
    serve(logInfo([], 0))
    const w = await mountPanel('vi')
    expect(w.get('[data-testid="log-size"]').text()).toBe('0')
    expect(w.find('[data-testid="log-witness-table"]').exists()).toBe(false)
    const none = w.get('[data-testid="log-no-witnesses"]')
    expect(none.text()).toContain('Chưa có Ủy ban Mặt trận Tổ quốc nào làm bên chứng kiến sổ này')
    expect(none.text()).toContain('chỉ dựa vào đơn vị vận hành cổng')
    expect(none.findAll('code').map((c) => c.text())).toEqual(['portal witness init', 'PORTAL_LOG_WITNESSES', 'portal witness run'])
    expect(w.find('[role="alert"]').exists()).toBe(false)
  })

  it('says a witness that has not cosigned an empty log is waiting, not silent', async () => {
    serve(logInfo([witness()], 0))
    const w = await mountPanel('en')
    expect(w.get('[data-testid="log-witness-row"]').attributes('data-state')).toBe('waiting')
    expect(w.get('[data-testid="log-witness-status"]').text()).toBe('Has not co-signed yet (the log is empty)')
    expect(w.find('[data-testid="log-witness-silent-notice"]').exists()).toBe(false)
  })

  it('says when the log cannot be read, and tries again', async () => {
    const api = fakeApi()
    api.on('GET', '/api/v1/log', () => apiError(503, 'unavailable'), () => jsonResponse(200, logInfo([])))
    const w = await mountPanel('en')
    const err = w.get('[data-testid="log-witnesses-error"]')
    expect(err.attributes('role')).toBe('alert')
    expect(err.text()).toContain('The public log could not be loaded.')
    await w.get('[data-testid="log-witnesses-retry"]').trigger('click')
    await until(() => w.find('[data-testid="log-no-witnesses"]').exists())
    expect(w.find('[data-testid="log-witnesses-error"]').exists()).toBe(false)
  })
})
