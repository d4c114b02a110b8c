import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const API = 'http://127.0.0.1:3000'

// The client: one Vite project rooted at client/, one HTML entry per page
// (the wall now; the data-entry page joins `input` when it exists).
export default defineConfig({
  root: here('client'),
  plugins: [vue()],
  define: {
    // vue-i18n's bundler build asks for these flags: composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: here('dist/client'),
    emptyOutDir: true,
    // ECharts and Vue make one ~730 kB bundle; screens load it once over the LAN and cache it for good.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      input: {
        wall: here('client/index.html'),
        // The wall's second page (its own address, the same app: client/wall/composables/usePlaylist.ts).
        readiness: here('client/readiness.html'),
        entry: here('client/entry.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': API,
      '/ws': { target: API, ws: true },
    },
  },
})
