// A report as GET /api/v1/cases/{id} answers it, for the report page's tests,
// with the server's flags for the caller (`allowedTransitions`, `can`) set by
// each test: the page shows what they allow, whatever the role.

import { CASE_CAPABILITIES, noCapabilities, type CaseCapabilities, type CaseDetail } from '../staffApi'

/** capabilities is a `can` answer: nothing allowed but what over allows. */
export function capabilities(over: Partial<CaseCapabilities> = {}): CaseCapabilities {
  return { ...noCapabilities(), ...over }
}

/** allCapabilities is a `can` answer that allows everything but what over forbids. */
export function allCapabilities(over: Partial<CaseCapabilities> = {}): CaseCapabilities {
  return { ...(Object.fromEntries(CASE_CAPABILITIES.map((k) => [k, true])) as unknown as CaseCapabilities), ...over }
}

/**
 * What the server allows an inspector of the unit on an open, named report it
 * is handling: notes, messages, answers to the Front, and the identity request.
 */
export const HANDLER_CAN: Readonly<CaseCapabilities> = capabilities({ note: true, message: true, answerRecommendations: true, requestCustody: true })

/** caseDetail is a received, named complaint with one of everything; the caller may do nothing until over says so. */
export function caseDetail(over: Partial<CaseDetail> = {}): CaseDetail {
  return {
    id: 'c1',
    trackingCode: 'MB-7K3M-9QX2',
    kind: 'complaint',
    anonymousDenunciation: false,
    category: 'bribery',
    title: 'Bị đòi tiền khi nộp hồ sơ',
    description: 'Cán bộ yêu cầu 500.000 đồng để nhận hồ sơ.',
    incidentDate: '2026-02-27',
    areaCode: '79-26734',
    place: 'Bộ phận một cửa',
    office: 'UBND Phường Sài Gòn',
    counter: 'Quầy 3',
    procedure: 'Cấp giấy phép xây dựng',
    dossierNumber: 'HS-123',
    officials: 'Ông A',
    named: true,
    status: 'received',
    unitId: 'unit-1',
    frontUnitId: 'front-1',
    assigneeId: '',
    submittedAt: '2026-03-01T02:00:00Z',
    updatedAt: '2026-03-02T02:00:00Z',
    version: 3,
    timeline: [
      { type: 'submitted', at: '2026-03-01T02:00:00Z', actor: 'citizen', status: 'received', public: true },
      { type: 'note', at: '2026-03-01T03:00:00Z', actor: 'u1', note: 'Cần xác minh quầy 3', public: false },
      { type: 'mystery_event', at: '2026-03-01T04:00:00Z', actor: 'system', public: false },
    ],
    messages: [{ id: 'm1', from: 'citizen', authorId: '', text: 'Tôi có thêm ảnh chụp.', at: '2026-03-01T05:00:00Z' }],
    attachments: [
      {
        id: 'f1',
        name: 'bien-lai.pdf',
        size: 1536,
        type: 'application/pdf',
        sha256: '3f2a9c1d00000000000000000000000000000000000000000000000000007b0e',
        scan: 'clean',
        uploadedAt: '2026-03-01T02:00:00Z',
        source: 'report',
      },
    ],
    recommendations: [
      { id: 'r1', authorId: 'm9', text: 'Đề nghị trả lời sớm.', answerBy: '2026-03-10', createdAt: '2026-03-02T02:00:00Z', overdue: true },
    ],
    clocks: [
      { name: 'accept', start: '2026-03-01T02:00:00Z', due: '2026-03-05T16:59:59Z', stopped: '2026-03-02T02:00:00Z', overdue: false },
      { name: 'resolve', start: '2026-03-01T02:00:00Z', due: '2026-03-06T16:59:59Z', overdue: true },
    ],
    allowedTransitions: [],
    can: capabilities(),
    ...over,
  }
}
