import { MIN_PASSWORD_CHARS } from './staffApi'

type Translate = (key: string, named?: Record<string, unknown>) => string

export interface NewPasswordErrors {
  next?: string
  again?: string
}

// The client-side checks of a new password and its confirmation, shared by the
// first-sign-in step (StaffLoginView) and the own-password change (StaffSecurityView).
// `current`, when given, must differ from the new one. The server checks again.
export function checkNewPassword(t: Translate, next: string, again: string, current?: string): NewPasswordErrors {
  const e: NewPasswordErrors = {}
  if (!next) e.next = t('fieldError.required')
  else if ([...next].length < MIN_PASSWORD_CHARS) e.next = t('fieldError.min_length', { min: MIN_PASSWORD_CHARS })
  else if (current !== undefined && next === current) e.next = t('fieldError.same_password')
  if (!e.next && again !== next) e.again = t('fieldError.mismatch')
  return e
}
