// Saving files through a blob: URL and <a download>: the signed
// proof-of-filing PDF and the staff's evidence downloads, fetched with a
// bearer token (a plain link cannot carry the Authorization header), and the
// recovery codes as text.

import { fetchReceiptPdf } from './api'

export function receiptFileName(trackingCode: string): string {
  return `minh-bach-${trackingCode}.pdf`
}

/** saveReceiptPdf downloads the receipt and hands it to the browser as a file; it throws ApiError on failure. */
export async function saveReceiptPdf(token: string, trackingCode: string, path?: string): Promise<string> {
  const blob = await fetchReceiptPdf(token, path)
  return saveBlob(blob, receiptFileName(trackingCode))
}

/** saveBlob hands a fetched file to the browser as a download named name (CSP-safe: a blob: URL and <a download>). */
export function saveBlob(blob: Blob, name: string): string {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.className = 'sr-only'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}
