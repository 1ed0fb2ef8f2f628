// Saving files through a blob: URL and <a download>: the signed
// proof-of-filing PDF and the staff's evidence downloads, fetched with a
// bearer token (a plain link cannot carry the Authorization header), and the
// citizen's secret card, built here in the browser so the secret code never
// travels to the server again (no request, no log line can hold it).

import { fetchReceiptPdf } from './api'

/** receiptFileName names the proof-of-filing PDF: it carries no secret, so the tracking code may name it. */
export function receiptFileName(trackingCode: string): string {
  return `minh-bach-${trackingCode}.pdf`
}

/** secretCardFileName names the secret card: the file name itself warns what it holds. */
export function secretCardFileName(trackingCode: string): string {
  return `minh-bach-ma-bi-mat-${trackingCode}.txt`
}

/** Translate gives a message in one locale (vue-i18n's t with { locale }). */
export type Translate = (key: string, locale: 'vi' | 'en', params?: Record<string, unknown>) => string

/**
 * secretCardText is the secret card's content: both codes, the address to
 * open the report, and the do-not-share warning, in Vietnamese then English
 * whatever the page's language, so whoever finds the file understands it.
 */
export function secretCardText(r: { trackingCode: string; receipt: string }, trackUrl: string, tr: Translate): string {
  const both = (key: string) => `${tr(key, 'vi')}\n${tr(key, 'en')}`
  const row = (key: string, value: string) => `${tr(key, 'vi')} / ${tr(key, 'en')}: ${value}`
  return (
    [
      `${tr('secretCard.title', 'vi')} / ${tr('secretCard.title', 'en')}`,
      '',
      both('secretCard.warning'),
      '',
      row('receipt.trackingCode', r.trackingCode),
      row('receipt.receipt', r.receipt),
      '',
      row('secretCard.openAt', trackUrl),
      '',
      both('secretCard.notProof'),
    ].join('\n') + '\n'
  )
}

/** saveSecretCard hands the secret card to the browser as a text file; it returns the file name. */
export function saveSecretCard(r: { trackingCode: string; receipt: string }, trackUrl: string, tr: Translate): string {
  const blob = new Blob([secretCardText(r, trackUrl, tr)], { type: 'text/plain;charset=utf-8' })
  return saveBlob(blob, secretCardFileName(r.trackingCode))
}

/** saveReceiptPdf downloads the proof of filing and hands it to the browser as a file; it throws ApiError on failure. */
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
