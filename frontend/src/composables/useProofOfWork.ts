import { ref } from 'vue'
import { proofOfWork } from '../pow'

/**
 * useProofOfWork solves the portal's challenge before an anonymous write
 * (filing, appealing, opening a tracking session) and exposes its progress
 * for PowStatus to show.
 */
export function useProofOfWork() {
  const checking = ref(false)
  const percent = ref(0)
  async function run(): Promise<Record<string, string>> {
    checking.value = true
    percent.value = 0
    try {
      return await proofOfWork((share) => (percent.value = Math.min(99, Math.round(share * 100))))
    } finally {
      checking.value = false
    }
  }
  return { checking, percent, run }
}
