// Who may open which staff page, as a pure function the router's guard and the
// tests share. Route meta `roles` lists the roles a page is for; pages without
// it are public (the citizen side). `guestOnly` marks the sign-in page.

import type { Role, StaffUser } from './staffSession'

export interface GuardTarget {
  name?: string | symbol | null
  fullPath: string
  meta: { roles?: readonly Role[]; guestOnly?: boolean }
}

export type GuardResult = true | { name: string; query?: Record<string, string>; replace?: boolean }

/** homePath is where a staff member lands after signing in. */
export function homePath(role: Role): string {
  return role === 'admin' ? '/admin/users' : '/staff/queue'
}

/** safeRedirect accepts only a path inside this site ("/staff/queue"), never "//evil.example" or a URL. */
export function safeRedirect(v: unknown): string {
  if (typeof v !== 'string') return ''
  if (!v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return ''
  return v
}

/** needsStaff tells whether a route needs to know the staff session before it opens. */
export function needsStaff(to: GuardTarget): boolean {
  return !!to.meta.roles || !!to.meta.guestOnly
}

/** guard decides a navigation: go on, or go to sign-in / the password change / the 403 page. */
export function guard(to: GuardTarget, user: StaffUser | null): GuardResult {
  if (to.meta.guestOnly) {
    return user ? { name: 'staff-home', replace: true } : true
  }
  const roles = to.meta.roles
  if (!roles) return true
  if (!user) return { name: 'staff-login', query: { redirect: to.fullPath } }
  if (user.mustChangePassword && to.name !== 'staff-security') {
    return { name: 'staff-security', query: { must: '1' } }
  }
  if (!roles.includes(user.role)) return { name: 'forbidden', query: { from: to.fullPath } }
  return true
}

/** landingPath is where to go after sign-in: the page asked for if the role may see it, else the role's home. */
export function landingPath(user: StaffUser, redirect: string, resolveRoles: (path: string) => readonly Role[] | undefined): string {
  if (user.mustChangePassword) return '/staff/security?must=1'
  const r = safeRedirect(redirect)
  if (r && !r.startsWith('/staff/login')) {
    const roles = resolveRoles(r)
    if (roles && roles.includes(user.role)) return r
  }
  return homePath(user.role)
}
