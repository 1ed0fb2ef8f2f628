import { createRouter, createWebHistory, type RouterHistory } from 'vue-router'
import HomeView from './views/HomeView.vue'
import type { MessageSchema } from './i18n'

declare module 'vue-router' {
  interface RouteMeta {
    /** The i18n key of the page title (document.title). */
    titleKey: `title.${keyof MessageSchema['title'] & string}`
  }
}

export function createAppRouter(history: RouterHistory = createWebHistory('/')) {
  return createRouter({
    history,
    routes: [
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
      // The backend serves index.html for every unknown non-API path.
      {
        path: '/:pathMatch(.*)*',
        name: 'not-found',
        component: () => import('./views/NotFoundView.vue'),
        meta: { titleKey: 'title.notFound' },
      },
    ],
    scrollBehavior(_to, _from, saved) {
      return saved ?? { top: 0 }
    },
  })
}
