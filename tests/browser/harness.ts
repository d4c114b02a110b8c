import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium, type Browser, type Page } from 'playwright-core'
import { privateRedis } from '../helpers/redis.ts'
import { testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import type { RegionIndex } from '../../shared/region.ts'

// What the browser tests share: the built client (built once per change of its sources, whichever
// test file gets there first), Debian's Chromium, and a real server on a free port that a test can
// stop and start again on the same port.

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const ARTIFACTS = join(ROOT, 'artifacts')

/** Hash of everything the client build reads: rebuild only when it changed. */
function sourcesHash(): string {
  const hash = createHash('sha256')
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else hash.update(path).update(readFileSync(path))
    }
  }
  walk(join(ROOT, 'client'))
  walk(join(ROOT, 'shared'))
  hash.update(readFileSync(join(ROOT, 'vite.config.ts')))
  return hash.digest('hex')
}

/**
 * Runs `vite build` unless dist/client already holds a build of the current sources. Test files run
 * in parallel processes, so a lock directory makes them take turns: one builds, the others reuse it.
 */
export async function ensureClientBuilt(): Promise<void> {
  const lock = join(
    tmpdir(),
    `lookout-client-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`,
  )
  const stamp = join(ROOT, 'dist', '.client-build-stamp')
  const until = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // A lock older than two minutes belongs to a run that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)
        rmSync(lock, { recursive: true, force: true })
      if (Date.now() > until) throw new Error(`waited too long for the client build lock ${lock}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  try {
    const want = sourcesHash()
    if (
      existsSync(join(ROOT, 'dist/client/index.html')) &&
      existsSync(stamp) &&
      readFileSync(stamp, 'utf8') === want
    )
      return
    // A child process, with NODE_ENV=production: under vitest NODE_ENV is "test", which would
    // give Vue's development build. The old build's assets are kept (emptyOutDir off): a test in
    // another process may still have a page open on them; assets older than an hour are pruned.
    const script = `import('vite').then((v) => v.build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { emptyOutDir: false } }))`
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
    })
    pruneOldAssets(join(ROOT, 'dist/client/assets'), 3_600_000)
    writeFileSync(stamp, want)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function pruneOldAssets(dir: string, olderThanMs: number): void {
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (Date.now() - statSync(path).mtimeMs > olderThanMs) rmSync(path, { force: true })
  }
}

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(
      `Browser tests need Chromium at ${path}. Install Debian's package (apt-get install chromium) ` +
        'or point CHROMIUM_PATH at a Chromium binary. Nothing is downloaded.',
    )
  }
  return path
}

/** Debian's Chromium with the flags a closed network needs; `extraArgs` for a test's own (host rules). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  })
}

/** A real server (private Redis, app listening on a free loopback port) that can be stopped and restarted on its port. */
export async function wallServer(opts: { clock?: () => number; region?: RegionIndex } = {}) {
  const redis = await privateRedis()
  let app: App | null = await testApp({ redisUrl: redis.url, clock: opts.clock, region: opts.region })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    /** Closes the app (its sockets with it); Redis and its data stay. */
    async stop() {
      await app?.close()
      app = null
    },
    /** A fresh app on the same port, as after a server restart. */
    async start() {
      app = await testApp({ redisUrl: redis.url, clock: opts.clock, region: opts.region })
      await app.listen({ port, host: '127.0.0.1' })
    },
    async close() {
      await app?.close()
      app = null
      await redis.cleanup()
    },
  }
}

/** Collects console errors and uncaught exceptions of a page; tests expect the list to stay empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  return errors
}

/** Opens the wall and waits until its numbers are on screen and the feed is live. */
export async function openWall(page: Page, url: string): Promise<void> {
  await page.goto(url)
  // Generous: a loaded CI machine renders a 4K page in software slowly.
  await page.locator('[data-kpi="hazardsOpen"] [data-value]').waitFor({ timeout: 60_000 })
  await page.locator('.feed-status[data-status="live"]').waitFor({ timeout: 60_000 })
}

/** Per-test time limit of the browser tests. */
export const BROWSER_TEST_MS = 120_000

/** Reads a headline counter's true value (data-value) and the text it shows. */
export async function counter(page: Page, id: string): Promise<{ value: number; text: string }> {
  const el = page.locator(`[data-kpi="${id}"] .count-up`)
  return { value: Number(await el.getAttribute('data-value')), text: (await el.textContent()) ?? '' }
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return join(ARTIFACTS, name)
}
