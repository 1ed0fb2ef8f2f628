// Answers of the public log's endpoints for page tests, from the vectors
// internal/translog computed (src/testdata/translog-vectors.json).

import vectors from '../testdata/translog-vectors.json'
import { reportCommitment } from '../translog'

/**
 * logAnswers returns path → JSON body for GET /api/v1/log and GET
 * /api/v1/log/inclusion for one report: the report's verified entries when
 * the vectors' log has them, otherwise none yet (the report is being added).
 */
export async function logAnswers(trackingCode: string, contentHash: string): Promise<Record<string, unknown>> {
  const commitment = await reportCommitment(trackingCode, contentHash)
  const pending = vectors.answers.find((a) => a.inclusion.entries.length === 0)!
  const known = vectors.answers.find((a) => a.commitment === commitment)
  return {
    '/api/v1/log': pending.log,
    [`/api/v1/log/inclusion?commitment=${commitment}`]: (known ?? pending).inclusion,
  }
}

/** The vectors' report with three entries (filed, accepted, concluded): its tracking code and content hash. */
export const loggedReport = { trackingCode: vectors.answers[0]!.trackingCode, contentHash: vectors.answers[0]!.contentHash }
