import type { DeadlinePolicy, Meta } from '../api'

/** policy fills a deadline policy's unset periods with zero (the server's "does not apply"). */
export function policy(p: Partial<DeadlinePolicy> & { kind: string }): DeadlinePolicy {
  return {
    acceptDays: 0,
    acceptWorkingDays: false,
    notifyDays: 0,
    notifyWorkingDays: false,
    resolveDays: 0,
    resolveWorkingDays: false,
    complexResolveDays: 0,
    remoteResolveDays: 0,
    remoteComplexResolveDays: 0,
    round2ResolveDays: 0,
    round2ComplexResolveDays: 0,
    remoteRound2ResolveDays: 0,
    remoteRound2ComplexResolveDays: 0,
    maxExtensions: 0,
    extensionDays: 0,
    ...p,
  }
}

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
  // The server's default policies (services.DefaultDeadlinePolicies).
  deadlines: [
    policy({ kind: 'feedback', acceptDays: 2, acceptWorkingDays: true, resolveDays: 10, resolveWorkingDays: true }),
    policy({
      kind: 'complaint',
      acceptDays: 10,
      resolveDays: 30,
      complexResolveDays: 45,
      remoteResolveDays: 45,
      remoteComplexResolveDays: 60,
      round2ResolveDays: 45,
      round2ComplexResolveDays: 60,
      remoteRound2ResolveDays: 60,
      remoteRound2ComplexResolveDays: 70,
    }),
    policy({
      kind: 'denunciation',
      acceptDays: 7,
      acceptWorkingDays: true,
      notifyDays: 5,
      notifyWorkingDays: true,
      resolveDays: 30,
      maxExtensions: 2,
      extensionDays: 30,
    }),
  ],
  allowedTypes: [
    { mime: 'image/jpeg', ext: 'jpg' },
    { mime: 'image/png', ext: 'png' },
    { mime: 'application/pdf', ext: 'pdf' },
  ],
}
