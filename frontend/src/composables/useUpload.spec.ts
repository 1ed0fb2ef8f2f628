import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { ApiError, sendForm } from '../api'
import { chosen } from '../files'
import { createAppI18n } from '../i18n'
import { FakeXHR, file } from '../testing/fakeXhr'
import FileProgressList from '../components/FileProgressList.vue'
import { useUpload, type Upload } from './useUpload'

/** start makes an upload in its own scope (as a component would) and runs files through sendForm. */
function start() {
  const scope = effectScope()
  const upload = scope.run(() => useUpload()) as Upload
  const files = chosen([file('a.png', 200, 'image/png'), file('b.pdf', 300, 'application/pdf')])
  const send = () =>
    upload.run(files, (c) => {
      const fd = new FormData()
      for (const f of files) fd.append('files', f.file, f.file.name)
      return sendForm<{ ok: boolean }>('/x', fd, c)
    })
  return { scope, upload, files, send }
}

describe('useUpload', () => {
  beforeEach(() => {
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('shares the bytes sent among the files, says when the server is processing, and gives the answer', async () => {
    const { upload, files, send } = start()
    expect(upload.busy).toBe(false)
    const done = send()
    expect(upload.busy).toBe(true)
    expect(upload.files).toEqual([
      { key: files[0]!.key, name: 'a.png', size: 200 },
      { key: files[1]!.key, name: 'b.pdf', size: 300 },
    ])
    const x = FakeXHR.last()
    // 100 bytes of overhead, then 200 + 300 bytes of files.
    x.progress(200, 600)
    expect(upload.fractions).toEqual([0.5, 0])
    expect(upload.percent).toBe(33)
    expect(upload.processing).toBe(false)
    x.progress(600, 600)
    expect(upload.fractions).toEqual([1, 1])
    expect(upload.processing).toBe(true)
    x.reply(201, { ok: true })
    expect(await done).toEqual({ state: 'done', value: { ok: true } })
    expect(upload.busy).toBe(false)
    expect(upload.processing).toBe(false)
    expect(upload.cancelled).toBe(false)
  })

  it('counts the files alone while the body size is unknown', async () => {
    const { upload, send } = start()
    void send()
    FakeXHR.last().progress(250, 0)
    expect(upload.total).toBe(0)
    expect(upload.fractions).toEqual([1, 50 / 300])
    expect(upload.percent).toBe(50)
  })

  it('gives the backend’s refusal with the codes of the files it refused, by their keys', async () => {
    const { files, send } = start()
    const done = send()
    FakeXHR.last().reply(400, { error: { code: 'invalid', message: 'x', fields: { 'files[1]': 'unsupported_type', text: 'too_long' } } })
    const r = await done
    expect(r.state).toBe('failed')
    if (r.state !== 'failed') return
    expect(r.error).toBeInstanceOf(ApiError)
    expect(r.error.status).toBe(400)
    expect(r.perFile).toEqual({ [files[1]!.key]: 'unsupported_type' })
    expect(r.other).toEqual({ text: 'too_long' })
  })

  it('gives a lost connection as a network error', async () => {
    const { upload, send } = start()
    const done = send()
    FakeXHR.last().fail()
    const r = await done
    expect(r.state === 'failed' && r.error.code).toBe('network')
    expect(upload.busy).toBe(false)
  })

  it('cancels the request on request, until the whole body is sent', async () => {
    const { upload, send } = start()
    const aborted = vi.spyOn(FakeXHR.prototype, 'abort')
    const first = send()
    FakeXHR.last().progress(300, 600)
    upload.cancel()
    expect(aborted).toHaveBeenCalledTimes(1)
    expect(await first).toEqual({ state: 'cancelled' })
    expect(upload.cancelled).toBe(true)
    expect(upload.busy).toBe(false)

    // Once the server has everything, it is too late: cancel does nothing.
    const second = send()
    expect(upload.cancelled).toBe(false)
    FakeXHR.last().progress(600, 600)
    upload.cancel()
    expect(aborted).toHaveBeenCalledTimes(1)
    FakeXHR.last().reply(201, { ok: true })
    expect((await second).state).toBe('done')
  })

  it('runs one upload at a time', async () => {
    const { send } = start()
    const first = send()
    expect(await send()).toEqual({ state: 'cancelled' })
    expect(FakeXHR.instances).toHaveLength(1)
    FakeXHR.last().reply(200, { ok: true })
    expect((await first).state).toBe('done')
  })

  it('cancels a running upload when its form goes away', async () => {
    const { scope, upload, send } = start()
    const done = send()
    scope.stop()
    expect(await done).toEqual({ state: 'cancelled' })
    expect(upload.busy).toBe(false)
  })

  it('does not send at all when already cancelled', async () => {
    const ctl = new AbortController()
    ctl.abort()
    await expect(sendForm('/x', new FormData(), { signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' })
    expect(FakeXHR.instances).toHaveLength(0)
  })
})

describe('FileProgressList', () => {
  beforeEach(() => {
    FakeXHR.reset()
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('shows a named bar per file and a cancel button until the server is processing', async () => {
    const { upload, send } = start()
    const done = send()
    const w = mount(FileProgressList, { props: { upload }, global: { plugins: [createAppI18n('en')] } })
    FakeXHR.last().progress(450, 600)
    await nextTick()
    const bars = w.findAll('[data-testid="file-progress"]')
    expect(bars.map((b) => b.attributes('aria-label'))).toEqual(['Upload progress of a.png', 'Upload progress of b.pdf'])
    expect(bars.map((b) => b.attributes('value'))).toEqual(['100', '50'])
    expect(w.get('[role="status"]').text()).toBe('Sending files: 75%')

    await w.get('[data-testid="upload-cancel"]').trigger('click')
    expect(await done).toEqual({ state: 'cancelled' })

    const again = send()
    FakeXHR.last().progress(600, 600)
    await flushPromises()
    expect(w.find('[data-testid="upload-cancel"]').exists()).toBe(false)
    expect(w.get('[role="status"]').text()).toBe('All sent; the server is storing and checking the files…')
    FakeXHR.last().reply(201, { ok: true })
    await again
  })
})
