// One upload with progress, for every form that sends files (the report
// form, the citizen's added evidence, the citizen's messages): which files are
// being sent, the bytes sent, each file's share of them, whether the server is
// now storing and checking them, a way to cancel, and the backend's verdict on
// single files. The request itself is api.ts sendForm (one XMLHttpRequest,
// since fetch reports no upload progress); an upload still running when the
// form goes away is cancelled.

import { computed, getCurrentScope, onScopeDispose, reactive } from 'vue'
import { ApiError, type UploadProgress } from '../api'
import { splitFileErrors } from '../errors'
import { fileProgress, type ChosenFile } from '../files'

/** A file being sent, as the progress list shows it. */
export interface UploadingFile {
  key: string
  name: string
  size: number
}

/** What the request function gets: where to report progress, and the signal that cancels it. */
export interface UploadControl {
  onProgress: (p: UploadProgress) => void
  signal: AbortSignal
}

/** How an upload ended. */
export type UploadOutcome<T> =
  | { state: 'done'; value: T }
  /** Cancelled by the user (or because the form went away). */
  | { state: 'cancelled' }
  /**
   * Refused or failed: the error (a network failure is an ApiError too), the
   * codes of the files the backend refused (files[i] → the key of the file
   * sent at i) and its other field errors.
   */
  | { state: 'failed'; error: ApiError; perFile: Record<string, string>; other: Record<string, string> }

export interface UploadState {
  /** The files of the running (or last) upload, in the order they are sent. */
  readonly files: readonly UploadingFile[]
  /** Bytes of the whole request body sent so far. */
  readonly loaded: number
  /** The body's size; 0 while the browser does not know it. */
  readonly total: number
  /** Each file's share of the upload done, 0..1, in the order of files. */
  readonly fractions: readonly number[]
  /** The whole upload done, 0..100. */
  readonly percent: number
  /** Whether an upload is running. */
  readonly busy: boolean
  /** Set once the whole body is sent and the server is storing and checking it (too late to cancel). */
  readonly processing: boolean
  /** Whether the last upload was cancelled. */
  readonly cancelled: boolean
}

export interface Upload extends UploadState {
  /**
   * run sends the files with send, which must report progress to
   * control.onProgress and stop on control.signal. One upload at a time: a
   * second call while one runs is refused as cancelled.
   */
  run<T>(files: readonly ChosenFile[], send: (control: UploadControl) => Promise<T>): Promise<UploadOutcome<T>>
  /** cancel stops the running upload (nothing happens once the server is processing it). */
  cancel(): void
}

function isAbort(e: unknown): boolean {
  return (e instanceof DOMException || e instanceof Error) && e.name === 'AbortError'
}

/** useUpload keeps the state of one form's uploads; see Upload. */
export function useUpload(): Upload {
  const state = reactive({
    files: [] as UploadingFile[],
    loaded: 0,
    total: 0,
    busy: false,
    processing: false,
    cancelled: false,
  })
  const fractions = computed(() =>
    fileProgress(
      state.files.map((f) => f.size),
      state.loaded,
      state.total,
    ),
  )
  const percent = computed(() => {
    const whole = state.total > 0 ? state.total : state.files.reduce((n, f) => n + f.size, 0)
    return whole > 0 ? Math.min(100, Math.round((state.loaded / whole) * 100)) : 0
  })
  let controller: AbortController | null = null

  async function run<T>(files: readonly ChosenFile[], send: (control: UploadControl) => Promise<T>): Promise<UploadOutcome<T>> {
    if (state.busy) return { state: 'cancelled' }
    const sent = files.slice()
    const mine = new AbortController()
    controller = mine
    state.files = sent.map((f) => ({ key: f.key, name: f.file.name, size: f.file.size }))
    state.loaded = 0
    state.total = 0
    state.processing = false
    state.cancelled = false
    state.busy = true
    try {
      const value = await send({
        signal: mine.signal,
        onProgress: (p) => {
          state.loaded = p.loaded
          state.total = p.total
          if (p.total > 0 && p.loaded >= p.total) state.processing = true
        },
      })
      return { state: 'done', value }
    } catch (e) {
      if (isAbort(e) || mine.signal.aborted) {
        state.cancelled = true
        return { state: 'cancelled' }
      }
      const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
      const { perFile, other } = splitFileErrors(
        error.fields,
        sent.map((f) => f.key),
      )
      return { state: 'failed', error, perFile, other }
    } finally {
      if (controller === mine) controller = null
      state.busy = false
      state.processing = false
    }
  }

  function cancel() {
    if (state.busy && !state.processing) controller?.abort()
  }

  // A form that goes away takes its upload with it.
  if (getCurrentScope()) onScopeDispose(() => controller?.abort())

  // Read-only to the forms: only run and cancel change an upload.
  return reactive({
    files: computed(() => state.files),
    loaded: computed(() => state.loaded),
    total: computed(() => state.total),
    busy: computed(() => state.busy),
    processing: computed(() => state.processing),
    cancelled: computed(() => state.cancelled),
    fractions,
    percent,
    run,
    cancel,
  }) as Upload
}
