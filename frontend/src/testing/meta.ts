import type { Meta } from '../api'

/** A /api/v1/meta answer for component tests. */
export const testMeta: Meta = {
  kinds: [
    { code: 'feedback', name: { vi: 'Phản ánh, kiến nghị', en: 'Feedback / recommendation' }, requiresIdentity: false },
    { code: 'complaint', name: { vi: 'Khiếu nại', en: 'Complaint' }, requiresIdentity: true },
    { code: 'denunciation', name: { vi: 'Tố cáo', en: 'Denunciation' }, requiresIdentity: true },
  ],
  categories: [
    { code: 'bribe', name: { vi: 'Đòi tiền, “bồi dưỡng”', en: 'Bribe or “fee” demanded' } },
    { code: 'delay', name: { vi: 'Cố tình kéo dài', en: 'Deliberate delay' } },
  ],
  areas: [
    { code: '79', parent: '', level: 'province', name: { vi: 'Thành phố Hồ Chí Minh', en: 'Ho Chi Minh City' } },
    { code: '26734', parent: '79', level: 'commune', name: { vi: 'Phường Sài Gòn', en: 'Sai Gon Ward' } },
    { code: '01', parent: '', level: 'province', name: { vi: 'Thành phố Hà Nội', en: 'Ha Noi' } },
  ],
  limits: {
    maxFileBytes: 1000,
    maxReportBytes: 2500,
    maxFiles: 3,
    maxTitleChars: 200,
    maxDescriptionChars: 10000,
    maxFieldChars: 500,
    maxMessageFiles: 2,
    maxMessageChars: 5000,
  },
  allowedTypes: [
    { mime: 'image/jpeg', ext: 'jpg' },
    { mime: 'image/png', ext: 'png' },
    { mime: 'application/pdf', ext: 'pdf' },
  ],
}
