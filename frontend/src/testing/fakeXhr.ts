// A stand-in for XMLHttpRequest in unit tests: it records what the app sends
// and lets a test drive upload progress and the answer by hand.

type Listener = (e: Event) => void

class Emitter {
  private listeners = new Map<string, Listener[]>()
  addEventListener(type: string, fn: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn])
  }
  removeEventListener(type: string, fn: Listener) {
    this.listeners.set(
      type,
      (this.listeners.get(type) ?? []).filter((f) => f !== fn),
    )
  }
  emit(type: string, props: Record<string, unknown> = {}) {
    const e = Object.assign(new Event(type), {}) as Event
    for (const [k, v] of Object.entries(props)) Object.defineProperty(e, k, { value: v })
    for (const fn of this.listeners.get(type) ?? []) fn(e)
  }
}

export class FakeXHR extends Emitter {
  static instances: FakeXHR[] = []
  /** Called (asynchronously) for every send; leave undefined to answer by hand. */
  static handler: ((x: FakeXHR) => void) | undefined

  static reset() {
    FakeXHR.instances = []
    FakeXHR.handler = undefined
  }

  static last(): FakeXHR {
    const x = FakeXHR.instances[FakeXHR.instances.length - 1]
    if (!x) throw new Error('no XMLHttpRequest was sent')
    return x
  }

  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: FormData | null = null
  status = 0
  statusText = ''
  responseText = ''
  private responseHeaders: Record<string, string> = {}
  upload = new Emitter()

  open(method: string, url: string) {
    this.method = method
    this.url = url
  }

  setRequestHeader(k: string, v: string) {
    this.headers[k] = v
  }

  getResponseHeader(k: string): string | null {
    return this.responseHeaders[k.toLowerCase()] ?? null
  }

  send(body: FormData) {
    this.body = body
    FakeXHR.instances.push(this)
    const h = FakeXHR.handler
    if (h) queueMicrotask(() => h(this))
  }

  abort() {
    this.emit('abort')
  }

  /** progress fires an upload progress event. */
  progress(loaded: number, total: number) {
    this.upload.emit('progress', { loaded, total, lengthComputable: total > 0 })
  }

  reply(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body)
    this.responseHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
    this.emit('load')
  }

  fail() {
    this.emit('error')
  }

  /** part returns the text of a multipart part that is a Blob (the JSON parts). */
  async jsonPart(name: string): Promise<unknown> {
    const p = this.body?.get(name)
    if (!(p instanceof Blob)) throw new Error(`part ${name} is not a Blob`)
    return JSON.parse(await p.text())
  }

  fileNames(): string[] {
    return (this.body?.getAll('files') ?? []).map((f) => (f as File).name)
  }
}

/** file makes a File of the given size (bytes of "x") and type. */
export function file(name: string, size: number, type = ''): File {
  return new File([new Uint8Array(size).fill(120)], name, { type, lastModified: 1 })
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}
