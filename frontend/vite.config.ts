/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The built app is embedded in the Go binary and served under a strict
// Content-Security-Policy (script-src 'self'; style-src 'self'): no inline
// scripts or styles, no eval. Vue's runtime-only build and vue-i18n's
// AST-based (JIT) message compilation are both CSP-safe.
export default defineConfig({
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // Inlined data: URIs for small assets are fine for img-src, but keep
    // every script and stylesheet a separate hashed file.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/readyz': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    restoreMocks: true,
    // Component tests that load lazy route chunks can be slow on a cold, busy machine.
    testTimeout: 20_000,
    unstubGlobals: true,
  },
})
