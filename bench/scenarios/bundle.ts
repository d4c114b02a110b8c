import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { execFileSync } from 'node:child_process'
import type { BenchOptions } from '../lib/options.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { round } from '../lib/stats.ts'

// bundle: what each page makes a browser download — the wall's and the entry page's JS and CSS,
// raw and gzipped — built fresh from the source with the project's vite config (into a folder of
// its own, so dist/client is left as it is). Baseline: the libraries the wall chose (Vue, Pinia,
// vue-i18n and the same ECharts parts) bundled with no Lookout code at all.

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WORK = join(ROOT, '.tmp', 'bench-bundle')
const TARGET_KB = 450

interface Sizes {
  files: string[]
  jsRaw: number
  jsGzip: number
  cssRaw: number
  cssGzip: number
}

/** The JS and CSS a page loads up front: its module script, modulepreloads and stylesheets. */
function pageSizes(outDir: string, html: string): Sizes {
  const text = readFileSync(join(outDir, html), 'utf8')
  const refs = [...text.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1])
  const sizes: Sizes = { files: [], jsRaw: 0, jsGzip: 0, cssRaw: 0, cssGzip: 0 }
  for (const ref of new Set(refs)) {
    const data = readFileSync(join(outDir, ref))
    const gz = gzipSync(data, { level: 9 }).length
    sizes.files.push(ref)
    if (ref.endsWith('.js')) {
      sizes.jsRaw += data.length
      sizes.jsGzip += gz
    } else {
      sizes.cssRaw += data.length
      sizes.cssGzip += gz
    }
  }
  return sizes
}

/** Every JS file of the build (lazy chunks included), gzipped. */
function allJsGzip(outDir: string): number {
  const assets = join(outDir, 'assets')
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .reduce((s, f) => s + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0)
}

/** `vite build` in its own process with NODE_ENV=production (under vitest it is "test": Vue's development build). */
function viteBuild(args: string[]): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
}

/** The libraries alone, used the way the wall uses them, so nothing is tree-shaken away. */
function buildLibrariesOnly(outDir: string): void {
  const root = join(WORK, 'libraries-src')
  mkdirSync(root, { recursive: true })
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><div id="app"></div><script type="module" src="./main.ts"></script>\n',
  )
  writeFileSync(
    join(root, 'main.ts'),
    [
      "import { createApp, h } from 'vue'",
      "import { createPinia } from 'pinia'",
      "import { createI18n } from 'vue-i18n'",
      `import { init } from '${join(ROOT, 'client/wall/charts/echarts.ts')}'`,
      "const app = createApp({ render: () => h('div') })",
      "app.use(createPinia()).use(createI18n({ legacy: false, locale: 'zh', messages: { zh: {} } })).mount('#app')",
      "init(document.getElementById('app') as HTMLElement)",
      '',
    ].join('\n'),
  )
  writeFileSync(
    join(root, 'vite.config.mjs'),
    [
      "import vue from '@vitejs/plugin-vue'",
      'export default {',
      `  root: ${JSON.stringify(root)},`,
      '  plugins: [vue()],',
      '  define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },',
      '  build: { chunkSizeWarningLimit: 4096 },',
      '}',
      '',
    ].join('\n'),
  )
  viteBuild(['--config', join(root, 'vite.config.mjs'), '--outDir', outDir, '--emptyOutDir'])
}

const kb = (bytes: number) => round(bytes / 1024, 1)

export async function bundle(opts: BenchOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const before = machine()
  rmSync(WORK, { recursive: true, force: true })
  const projectOut = join(WORK, 'project')
  const librariesOut = join(WORK, 'libraries')
  // The project as `npm run build` builds it, only into a folder of its own.
  viteBuild(['--outDir', projectOut, '--emptyOutDir'])
  buildLibrariesOnly(librariesOut)
  const libraries = pageSizes(librariesOut, 'index.html')
  // The wall first, then the other pages.
  const pages = readdirSync(projectOut)
    .filter((f) => f.endsWith('.html'))
    .sort((a, b) => Number(b === 'index.html') - Number(a === 'index.html') || a.localeCompare(b))
  const rows: Row[] = []
  const details: Record<string, unknown> = { libraries, allJsGzipKb: kb(allJsGzip(projectOut)), gzipLevel: 9 }
  for (const html of pages) {
    const s = pageSizes(projectOut, html)
    const page = html === 'index.html' ? 'wall' : basename(html, '.html')
    details[page] = s
    const base = (value: number) => ({ name: 'libraries alone', value: kb(value) })
    rows.push({
      figure: `${page} (${html}): JS gzipped`,
      value: kb(s.jsGzip),
      unit: 'KB',
      baseline: base(libraries.jsGzip),
      ...(page === 'wall' ? { target: `≤ ${TARGET_KB} KB`, met: s.jsGzip / 1024 <= TARGET_KB } : {}),
    })
    rows.push({
      figure: `${page} (${html}): JS raw`,
      value: kb(s.jsRaw),
      unit: 'KB',
      baseline: base(libraries.jsRaw),
    })
    rows.push({
      figure: `${page} (${html}): CSS gzipped`,
      value: kb(s.cssGzip),
      unit: 'KB',
      baseline: base(libraries.cssGzip),
    })
    rows.push({
      figure: `${page} (${html}): CSS raw`,
      value: kb(s.cssRaw),
      unit: 'KB',
      baseline: base(libraries.cssRaw),
    })
  }
  if (!existsSync(join(projectOut, 'index.html'))) throw new Error('the build has no index.html (the wall)')
  return {
    scenario: 'bundle',
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: before,
    quick: opts.quick,
    rows,
    details,
  }
}
