import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router'
import HomeView from './views/HomeView.vue'
import type { MessageSchema } from './i18n'
import { guard, homePath, needsStaff } from './staffGuard'
import { currentUser, onSessionLost, ROLES, startSession, type Role } from './staffSession'

declare module 'vue-router' {
  interface RouteMeta {
    /** The i18n key of the page title (document.title); a page whose words are all in its own block may use that block's title. */
    titleKey: `title.${keyof MessageSchema['title'] & string}` | 'figures.title'
    /** The staff roles that may open the page; absent on public pages. */
    roles?: readonly Role[]
    /** The staff sign-in page: a signed-in staff member is sent on to their home. */
    guestOnly?: boolean
  }
}

const CASE_ROLES: readonly Role[] = ['inspector', 'lead', 'monitor']
const CUSTODY_ROLES: readonly Role[] = ['inspector', 'lead']
/** Who takes reports on a citizen's behalf (docs/intake.md): monitors supervise and admins run the portal, neither takes reports. */
const INTAKE_ROLES: readonly Role[] = ['inspector', 'lead']
const STAFFING_ROLES: readonly Role[] = ['lead', 'monitor']
/** Everyone with figures of a scope: a unit's staff, a committee's monitors, the admins (the whole portal). */
const FIGURES_ROLES: readonly Role[] = ['inspector', 'lead', 'monitor', 'admin']
const ADMIN: readonly Role[] = ['admin']

const adminPages: RouteRecordRaw[] = [
  { path: 'users', name: 'admin-users', component: () => import('./views/admin/AdminUsersView.vue'), meta: { titleKey: 'title.adminUsers' } },
  { path: 'units', name: 'admin-units', component: () => import('./views/admin/AdminUnitsView.vue'), meta: { titleKey: 'title.adminUnits' } },
  { path: 'areas', name: 'admin-areas', component: () => import('./views/admin/AdminAreasView.vue'), meta: { titleKey: 'title.adminAreas' } },
  {
    path: 'categories',
    name: 'admin-categories',
    component: () => import('./views/admin/AdminCategoriesView.vue'),
    meta: { titleKey: 'title.adminCategories' },
  },
  {
    path: 'routing-rules',
    name: 'admin-routing',
    component: () => import('./views/admin/AdminRoutingView.vue'),
    meta: { titleKey: 'title.adminRouting' },
  },
  {
    path: 'holidays',
    name: 'admin-holidays',
    component: () => import('./views/admin/AdminHolidaysView.vue'),
    meta: { titleKey: 'title.adminHolidays' },
  },
  {
    path: 'deadline-policies',
    name: 'admin-deadlines',
    component: () => import('./views/admin/AdminDeadlinesView.vue'),
    meta: { titleKey: 'title.adminDeadlines' },
  },
  { path: 'audit', name: 'admin-audit', component: () => import('./views/admin/AdminAuditView.vue'), meta: { titleKey: 'title.adminAudit' } },
  {
    path: 'api-keys',
    name: 'admin-api-keys',
    component: () => import('./views/admin/AdminApiKeysView.vue'),
    meta: { titleKey: 'title.adminApiKeys' },
  },
]

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { titleKey: 'title.home' } },
  {
    path: '/report',
    name: 'report',
    component: () => import('./views/ReportView.vue'),
    meta: { titleKey: 'title.report' },
  },
  {
    path: '/track',
    name: 'track',
    component: () => import('./views/TrackView.vue'),
    meta: { titleKey: 'title.track' },
  },
  {
    path: '/verify',
    name: 'verify',
    component: () => import('./views/VerifyView.vue'),
    meta: { titleKey: 'title.verify' },
  },
  {
    path: '/outcomes',
    name: 'outcomes',
    component: () => import('./views/OutcomesView.vue'),
    meta: { titleKey: 'title.outcomes' },
  },
  {
    path: '/api-docs',
    name: 'api-docs',
    component: () => import('./views/ApiDocsView.vue'),
    meta: { titleKey: 'title.apiDocs' },
  },
  {
    path: '/transparency',
    name: 'transparency',
    component: () => import('./views/TransparencyView.vue'),
    meta: { titleKey: 'title.transparency' },
  },
  {
    path: '/staff/login',
    name: 'staff-login',
    component: () => import('./views/StaffLoginView.vue'),
    meta: { titleKey: 'title.staffLogin', guestOnly: true },
  },
  {
    // Never shown: sends each role to its home page.
    path: '/staff',
    name: 'staff-home',
    component: () => import('./views/ForbiddenView.vue'),
    meta: { titleKey: 'title.staffLogin', roles: ROLES },
    beforeEnter: () => {
      const u = currentUser()
      return u ? homePath(u.role) : { name: 'staff-login' }
    },
  },
  {
    path: '/staff/security',
    name: 'staff-security',
    component: () => import('./views/StaffSecurityView.vue'),
    meta: { titleKey: 'title.staffSecurity', roles: ROLES },
  },
  {
    path: '/staff/queue',
    name: 'staff-queue',
    component: () => import('./views/QueueView.vue'),
    meta: { titleKey: 'title.queue', roles: CASE_ROLES },
  },
  {
    path: '/staff/cases/:id',
    name: 'staff-case',
    component: () => import('./views/CaseView.vue'),
    meta: { titleKey: 'title.case', roles: CASE_ROLES },
  },
  {
    path: '/staff/overdue',
    name: 'staff-overdue',
    component: () => import('./views/OverdueView.vue'),
    meta: { titleKey: 'title.overdue', roles: CASE_ROLES },
  },
  {
    path: '/staff/recommendations',
    name: 'staff-recommendations',
    component: () => import('./views/RecommendationsView.vue'),
    meta: { titleKey: 'title.recommendations', roles: CASE_ROLES },
  },
  {
    path: '/staff/intake',
    name: 'staff-intake',
    component: () => import('./views/IntakeView.vue'),
    meta: { titleKey: 'title.intake', roles: INTAKE_ROLES },
  },
  {
    path: '/staff/custody',
    name: 'staff-custody',
    component: () => import('./views/CustodyView.vue'),
    meta: { titleKey: 'title.custody', roles: CUSTODY_ROLES },
  },
  {
    path: '/staff/staffing',
    name: 'staff-staffing',
    component: () => import('./views/StaffingView.vue'),
    meta: { titleKey: 'title.staffing', roles: STAFFING_ROLES },
  },
  {
    path: '/staff/figures',
    name: 'staff-figures',
    component: () => import('./views/FiguresView.vue'),
    meta: { titleKey: 'figures.title', roles: FIGURES_ROLES },
  },
  {
    // The public log and its witnesses (docs/transparency-log.md): for every staff role.
    path: '/staff/log',
    name: 'staff-log',
    component: () => import('./views/StaffLogView.vue'),
    meta: { titleKey: 'title.log', roles: ROLES },
  },
  {
    path: '/staff/forbidden',
    name: 'forbidden',
    component: () => import('./views/ForbiddenView.vue'),
    meta: { titleKey: 'title.forbidden' },
  },
  {
    path: '/admin',
    component: () => import('./views/admin/AdminLayout.vue'),
    meta: { titleKey: 'title.adminUsers', roles: ADMIN },
    children: [{ path: '', name: 'admin', redirect: { name: 'admin-users' } }, ...adminPages],
  },
  // The backend serves index.html for every unknown non-API path.
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { titleKey: 'title.notFound' },
  },
]

export function createAppRouter(history: RouterHistory = createWebHistory('/')) {
  const router = createRouter({
    history,
    routes,
    scrollBehavior(_to, _from, saved) {
      return saved ?? { top: 0 }
    },
  })

  // Staff pages wait for the one silent refresh of the page load (the
  // refresh cookie), then check the role. Citizen pages never ask, so a
  // citizen's browser sends nothing to /auth.
  router.beforeEach(async (to) => {
    if (!needsStaff(to)) return true
    await startSession()
    return guard(to, currentUser())
  })

  // A staff API call found the session gone (and one refresh did not help): back to sign-in.
  onSessionLost(() => {
    const cur = router.currentRoute.value
    if (cur.meta.roles) void router.push({ name: 'staff-login', query: { redirect: cur.fullPath } })
  })

  return router
}

/** rolesOf tells which roles may open a path ("/admin/units"), for the redirect after sign-in. */
export function rolesOf(router: ReturnType<typeof createAppRouter>, path: string): readonly Role[] | undefined {
  try {
    const r = router.resolve(path)
    return r.name === 'not-found' ? undefined : r.meta.roles
  } catch {
    return undefined
  }
}
