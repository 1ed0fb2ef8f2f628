// File types in words ("PDF document" rather than application/pdf), for
// citizens and staff alike: the types the portal accepts (api.ts,
// DEFAULT_ALLOWED_TYPES) by name (evidence.types), others by their family
// (image, audio, video), anything else with its technical name.

type T = (key: string, named?: Record<string, unknown>) => string

/** The message key (under evidence.types) of each type the portal accepts. */
const NAMES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'video/mp4': 'mp4',
}

const FAMILIES = ['image', 'audio', 'video'] as const

/** fileTypeName names a MIME type for people; '' is an unknown type. */
export function fileTypeName(t: T, mime: string | undefined | null): string {
  const m = (mime ?? '').split(';')[0]!.trim().toLowerCase()
  if (!m) return t('evidence.unknownType')
  const known = NAMES[m]
  if (known) return t(`evidence.types.${known}`)
  const family = FAMILIES.find((f) => m.startsWith(`${f}/`))
  if (family) return t(`fileTypes.${family}`, { type: m })
  return t('fileTypes.other', { type: m })
}
