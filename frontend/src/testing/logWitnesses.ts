// GET /api/v1/log answers with witnesses, for the tests of the witnesses'
// panel, the staff page /staff/log and the monitors' alert on the queue.

import type { LogInfo, LogWitness } from '../api'

export const LOG_ORIGIN = 'minhbach.example.vn/log'
export const LOG_KEY = 'minhbach.example.vn/log+3cdbf31b+AeSICKNrUzlPANcMjbDtKp7CwwFS3Vhq2InUoGVVbqc3'

export function witness(over: Partial<LogWitness> = {}): LogWitness {
  return {
    name: 'mttq.example.vn/hanoi',
    verifierKey: 'mttq.example.vn/hanoi+8d66cf3f+BEYrBJkcvqVWLmHzNuhl1H12S9pm0qJwuPdPGRW2Fy2M',
    cosigned: null,
    refused: null,
    alarm: false,
    ...over,
  }
}

export function logInfo(witnesses: LogWitness[], size = 1234): LogInfo {
  return { origin: LOG_ORIGIN, verifierKey: LOG_KEY, size, witnesses }
}
