import { describe, expect, it } from 'vitest'
import { checkNewPassword } from './newPassword'
import { MIN_PASSWORD_CHARS } from './staffApi'

const t = (key: string) => key
const long = 'đ'.repeat(MIN_PASSWORD_CHARS)

describe('checkNewPassword', () => {
  it('asks for the new password, its length in characters, a different one, and the same twice', () => {
    expect(checkNewPassword(t, '', '')).toEqual({ next: 'fieldError.required' })
    expect(checkNewPassword(t, 'đ'.repeat(MIN_PASSWORD_CHARS - 1), '')).toEqual({ next: 'fieldError.min_length' })
    expect(checkNewPassword(t, long, long, long)).toEqual({ next: 'fieldError.same_password' })
    expect(checkNewPassword(t, long, long + 'x')).toEqual({ again: 'fieldError.mismatch' })
    expect(checkNewPassword(t, long, long)).toEqual({})
    expect(checkNewPassword(t, long, long, 'old password')).toEqual({})
  })
})
