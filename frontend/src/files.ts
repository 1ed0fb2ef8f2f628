// Client-side checks of evidence files before upload, and per-file upload
// progress. The checks are a courtesy that saves the citizen a failed upload:
// the backend decides by content and enforces the limits itself.

import { DEFAULT_ALLOWED_TYPES, type AllowedType } from './api'

/** The limits that apply to one set of files (a report, a message, an addition). */
export interface FileLimits {
  maxFiles: number
  maxFileBytes: number
  /** The largest total of all files together. */
  maxTotalBytes: number
}

/** Why a file was refused before upload. The backend's codes, plus empty and duplicate. */
export type FileRejection = 'too_many' | 'too_large' | 'total_too_large' | 'unsupported_type' | 'empty' | 'duplicate'

/** A file the citizen chose, with a key that stays stable while the list changes. */
export interface ChosenFile {
  key: string
  file: File
}

export interface FileCheckResult {
  accepted: File[]
  rejected: { file: File; reason: FileRejection }[]
}

/** extensionOf returns the lower-case extension of a file name without the dot, or ''. */
export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.')
  if (i <= 0 || i === name.length - 1) return ''
  return name.slice(i + 1).toLowerCase()
}

/** Other spellings of the same types that people's files carry (the backend names one of each). */
const ALIASES: Record<string, AllowedType[]> = {
  jpg: [{ mime: 'image/jpeg', ext: 'jpeg' }],
  jpeg: [{ mime: 'image/jpeg', ext: 'jpg' }],
  m4a: [{ mime: 'audio/x-m4a', ext: 'm4a' }],
  mp3: [{ mime: 'audio/mp3', ext: 'mp3' }],
}

/** normalizeAllowedTypes accepts "jpg", ".JPG" or lists of them, as a backend may send, and adds common aliases. */
export function normalizeAllowedTypes(types: readonly AllowedType[] | undefined | null): AllowedType[] {
  const src = types && types.length > 0 ? types : DEFAULT_ALLOWED_TYPES
  const out: AllowedType[] = []
  const seen = new Set<string>()
  const push = (t: AllowedType) => {
    const k = `${t.mime} ${t.ext}`
    if (!seen.has(k)) {
      seen.add(k)
      out.push(t)
    }
  }
  for (const t of src) {
    const exts = ([] as unknown[]).concat((t as { ext: unknown }).ext)
    for (const e of exts) {
      if (typeof e !== 'string') continue
      for (const part of e.split(/[\s,]+/)) {
        const ext = part.replace(/^\./, '').toLowerCase()
        if (!ext) continue
        push({ mime: (t.mime ?? '').toLowerCase(), ext })
        for (const a of ALIASES[ext] ?? []) push(a)
      }
    }
  }
  return out
}

/**
 * isAllowedType: a known extension or a known MIME hint (browsers derive the
 * hint from the extension). Only a courtesy: the backend decides by content.
 */
export function isAllowedType(file: Pick<File, 'name' | 'type'>, allowed: readonly AllowedType[]): boolean {
  const ext = extensionOf(file.name)
  const mime = (file.type || '').toLowerCase()
  return (ext !== '' && allowed.some((a) => a.ext === ext)) || (mime !== '' && allowed.some((a) => a.mime === mime))
}

/** acceptAttribute is the <input accept> hint: extensions and MIME types. */
export function acceptAttribute(allowed: readonly AllowedType[]): string {
  const seen = new Set<string>()
  for (const a of allowed) seen.add(`.${a.ext}`)
  for (const a of allowed) if (a.mime) seen.add(a.mime)
  return [...seen].join(',')
}

/** allowedExtensionsText lists the extensions for people: "JPG, JPEG, PNG, …". */
export function allowedExtensionsText(allowed: readonly AllowedType[]): string {
  return [...new Set(allowed.map((a) => a.ext.toUpperCase()))].join(', ')
}

function sameFile(a: File, b: File): boolean {
  return a.name === b.name && a.size === b.size && a.lastModified === b.lastModified
}

/**
 * checkFiles decides which of the incoming files may join the ones already
 * chosen: each must be of an allowed type, not empty and at most maxFileBytes;
 * the list may hold at most maxFiles files of at most maxTotalBytes together.
 * Files are taken in order, so the first ones that fit are kept.
 */
export function checkFiles(
  existing: readonly File[],
  incoming: readonly File[],
  limits: FileLimits,
  allowed: readonly AllowedType[],
): FileCheckResult {
  const result: FileCheckResult = { accepted: [], rejected: [] }
  let count = existing.length
  let total = existing.reduce((n, f) => n + f.size, 0)
  for (const file of incoming) {
    let reason: FileRejection | undefined
    if ([...existing, ...result.accepted].some((f) => sameFile(f, file))) reason = 'duplicate'
    else if (!isAllowedType(file, allowed)) reason = 'unsupported_type'
    else if (file.size === 0) reason = 'empty'
    else if (file.size > limits.maxFileBytes) reason = 'too_large'
    else if (count + 1 > limits.maxFiles) reason = 'too_many'
    else if (total + file.size > limits.maxTotalBytes) reason = 'total_too_large'
    if (reason) {
      result.rejected.push({ file, reason })
      continue
    }
    result.accepted.push(file)
    count++
    total += file.size
  }
  return result
}

/**
 * fileProgress splits the progress of one multipart request among its files.
 * The body is the non-file parts (the JSON part and part headers, taken to
 * come first) followed by the files in order; so file i is done when the bytes
 * sent pass the overhead plus the sizes of files 0..i. Returns a fraction
 * 0..1 per file. total 0 (unknown) counts the files only.
 */
export function fileProgress(sizes: readonly number[], loaded: number, total: number): number[] {
  const sum = sizes.reduce((n, s) => n + s, 0)
  const whole = total > 0 ? total : sum
  if (whole > 0 && loaded >= whole) return sizes.map(() => 1)
  const overhead = Math.max(0, whole - sum)
  let start = overhead
  return sizes.map((size) => {
    const begin = start
    start += size
    if (size <= 0) return loaded >= begin ? 1 : 0
    return Math.min(1, Math.max(0, (loaded - begin) / size))
  })
}

let seq = 0

/** chosen wraps files with fresh keys. */
export function chosen(files: readonly File[]): ChosenFile[] {
  return files.map((file) => ({ key: `f${++seq}`, file }))
}
