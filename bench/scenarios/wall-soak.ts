import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type CDPSession, type Page } from 'playwright-core'
import type { BenchOptions } from '../lib/options.ts'
import { privateRedis, spawnChild } from '../lib/procs.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { lookoutNode } from '../lib/servers.ts'
import { round, sleep } from '../lib/stats.ts'
import { SEED_EVENTS } from './fanout.ts'
import { ensureClientBuilt } from '../../tests/browser/harness.ts'
import type { RateResult } from '../clients/loader.ts'

// wall-soak: the built wall in headless Chromium (1920×1080) fed 20 events/s for a configurable time,
// as a command center runs it: the page playlist (main and readiness pages, WALL_URL), the lists
// rotating, alarms raised by the accidents in the mix and a duty officer acknowledging them each sample.
// Each minute (Chrome DevTools Protocol): JS heap after a forced GC, DOM nodes, and the main
// thread's busy share since the last sample; then their growth per hour. Baseline: the same wall
// at rest (no events) for a few minutes first, so the cost of the feed stands apart from the cost
// of a wall that only ticks its clock.

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DIST = join(ROOT, 'dist/client')
const PROFILES = join(ROOT, 'bench/results/profiles/')
const RATE = 20
/** The wall as a big screen shows it: both pages in turn, the lists rotating at their default pace. */
const WALL_PATH = '/?pages=main,readiness&dwell=60'

interface Sample {
  /** Minutes since the feed started (negative: the idle baseline). */
  minute: number
  heapMb: number
  domNodes: number
  elements: number
  listeners: number
  /** Main thread busy share since the previous sample (0..1). */
  busy: number
  /** Of which running scripts, recalculating styles, and laying out (the rest: paint, canvas, tasks). */
  script: number
  style: number
  layout: number
  /** The wall's own feed status and data age (FeedStatus shows them). */
  feed: string
  ageMs: number
  /** The playlist page shown, and the alarms the banner counts. */
  page: string
  alarms: number
  /** Alarms the duty officer acknowledged since the previous sample. */
  acknowledged: number
}

type Metrics = Record<string, number>

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[]
  }
  return Object.fromEntries(list.map((m) => [m.name, m.value]))
}

/** One sample: busy share since `previous` (taken before the forced GC, so the GC is not counted). */
async function sample(
  cdp: CDPSession,
  page: Page,
  previous: Metrics,
  minute: number,
): Promise<{ sample: Sample; after: Metrics }> {
  const before = await metrics(cdp)
  const share = (name: string) => (before[name] - previous[name]) / (before.Timestamp - previous.Timestamp)
  const busy = share('TaskDuration')
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  const after = await metrics(cdp)
  const page_ = await page.evaluate(() => ({
    elements: document.getElementsByTagName('*').length,
    feed: document.querySelector('.feed-status')?.getAttribute('data-status') ?? 'none',
    ageMs: Number(document.querySelector('.feed-status')?.getAttribute('data-age-ms') || -1),
    page: document.querySelector('.wall')?.getAttribute('data-page') ?? 'none',
    alarms: Number(document.querySelector('[data-alarms]')?.getAttribute('data-alarm-count') ?? 0),
  }))
  return {
    sample: {
      minute: round(minute, 2),
      heapMb: round(heap.usedSize / 2 ** 20, 2),
      domNodes: after.Nodes,
      elements: page_.elements,
      listeners: after.JSEventListeners,
      busy: round(busy, 4),
      script: round(share('ScriptDuration'), 4),
      style: round(share('RecalcStyleDuration'), 4),
      layout: round(share('LayoutDuration'), 4),
      feed: page_.feed,
      ageMs: page_.ageMs,
      page: page_.page,
      alarms: page_.alarms,
      acknowledged: 0,
    },
    after,
  }
}

/** The duty officer's round: every open alarm acknowledged (the bench node runs with AUTH=off). */
async function acknowledgeAlarms(url: string): Promise<number> {
  const { alarms } = (await (await fetch(`${url}/api/alarms?open=true&limit=500`)).json()) as {
    alarms: { alarmId: string }[]
  }
  if (!alarms.length) return 0
  const events = alarms.map((a) => ({
    id: `ack-${a.alarmId}`,
    type: 'alarm.acknowledged',
    alarmId: a.alarmId,
    at: new Date().toISOString(),
  }))
  const res = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  })
  if (!res.ok) throw new Error(`acknowledging alarms: ${res.status} ${await res.text()}`)
  return alarms.length
}

/** Heap and DOM growth per hour, and the DOM's range, of each playlist page's samples. */
function growthByPage(samples: Sample[]) {
  const pages = [...new Set(samples.map((s) => s.page))]
  return pages.map((page) => {
    const of = samples.filter((s) => s.page === page)
    const nodes = of.map((s) => s.domNodes)
    return {
      page,
      samples: of.length,
      heapPerHour: slope(of.map((s) => [s.minute / 60, s.heapMb])),
      nodesPerHour: slope(of.map((s) => [s.minute / 60, s.domNodes])),
      nodesRange: Math.max(...nodes) - Math.min(...nodes),
      lastNodes: nodes[nodes.length - 1],
    }
  })
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((s, p) => s + p[0], 0) / n
  const my = points.reduce((s, p) => s + p[1], 0) / n
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0)
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0)
  return sxx ? sxy / sxx : NaN
}

/**
 * dist/client as built from the current sources: the browser tests' build step (one lock and one
 * stamp for every process that needs the built wall, so none builds over another's run).
 */
async function builtWall(): Promise<{ builtAt: string }> {
  await ensureClientBuilt()
  return { builtAt: new Date(statSync(join(DIST, 'index.html')).mtimeMs).toISOString() }
}

export async function wallSoak(opts: BenchOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const before = machine()
  const minutes = opts.minutes ?? (opts.quick ? 0.3 : 10)
  const idleMinutes = opts.quick ? 0.1 : 2
  const sampleMs = opts.quick ? 3_000 : 60_000
  const build = await builtWall()
  const redis = await privateRedis()
  const node = await lookoutNode(redis.url, opts)
  const loader = await spawnChild('loader', 'clients/loader.ts')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const rows: Row[] = []
  const details: Record<string, unknown> = {
    minutes,
    idleMinutes,
    rate: RATE,
    build,
    viewport: '1920x1080',
    path: WALL_PATH,
  }
  try {
    await loader.call('setup', { url: node.url, tag: `s${started}`, duplicateShare: 0.1, register: true })
    await loader.call('seed', { count: opts.quick ? 500 : SEED_EVENTS, batch: 250 })
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${node.url}${WALL_PATH}`)
    await page.locator('.wall[data-feed="live"]').waitFor({ timeout: 60_000 })
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' })

    // Idle baseline: the wall with no events.
    const idle: Sample[] = []
    let previous = (await sample(cdp, page, await metrics(cdp), -idleMinutes)).after
    const idleStart = Date.now()
    while (Date.now() - idleStart < idleMinutes * 60_000) {
      await sleep(Math.min(sampleMs, idleMinutes * 60_000))
      const s = await sample(cdp, page, previous, -idleMinutes + (Date.now() - idleStart) / 60_000)
      idle.push(s.sample)
      previous = s.after
    }

    // The soak: 20 events/s, a sample each minute.
    const feedStart = Date.now()
    const load = loader.call<RateResult>(
      'rate',
      { eventsPerSecond: RATE, batch: 1, seconds: minutes * 60 },
      minutes * 60_000 + 120_000,
    )
    const soak: Sample[] = []
    // With --profile: the page's own CPU profile over the first sampling interval of the feed.
    if (opts.profile) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'))
    while (Date.now() - feedStart < minutes * 60_000) {
      await sleep(Math.max(0, feedStart + (soak.length + 1) * sampleMs - Date.now()))
      const s = await sample(cdp, page, previous, (Date.now() - feedStart) / 60_000)
      s.sample.acknowledged = await acknowledgeAlarms(node.url)
      soak.push(s.sample)
      previous = s.after
      if (opts.profile && soak.length === 1) {
        const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown }
        mkdirSync(PROFILES, { recursive: true })
        writeFileSync(`${PROFILES}wall-${Date.now()}.cpuprofile`, JSON.stringify(profile))
      }
      console.log(
        `wall-soak ${s.sample.minute.toFixed(1)} min: ${s.sample.page} page, ${s.sample.alarms} alarms shown, ${s.sample.acknowledged} acknowledged; heap ${s.sample.heapMb} MB, ${s.sample.domNodes} nodes, busy ${(s.sample.busy * 100).toFixed(1)} % (script ${(s.sample.script * 100).toFixed(1)}, style ${(s.sample.style * 100).toFixed(1)}, layout ${(s.sample.layout * 100).toFixed(1)})`,
      )
    }
    const ingest = await load
    // Growth is judged after the wall settles: the first 10 minutes (half of a shorter run) are left out.
    const settle = Math.min(10, minutes / 2)
    const settled = soak.filter((s) => s.minute >= settle)
    // The playlist shows two pages of different sizes in turn: growth is judged page by page.
    const growth = growthByPage(settled)
    if (!growth.length) throw new Error('wall-soak: no sample after the wall settled (a longer --minutes?)')
    const heapPerHour = Math.max(...growth.map((g) => g.heapPerHour))
    const worstNodes = growth.reduce((w, g) =>
      Math.abs(g.nodesPerHour) / g.lastNodes > Math.abs(w.nodesPerHour) / w.lastNodes ? g : w,
    )
    const nodesPerHour = worstNodes.nodesPerHour
    const nodesRange = Math.max(...growth.map((g) => g.nodesRange))
    const busy = soak.reduce((sum, s) => sum + s.busy, 0) / soak.length
    const idleBusy = idle.reduce((sum, s) => sum + s.busy, 0) / idle.length
    const last = soak[soak.length - 1]
    const first = idle[idle.length - 1]
    details.growthByPage = growth
    details.idle = idle
    details.soak = soak
    details.settleMinutes = settle
    details.pageErrors = errors.slice(0, 20)
    details.ingest = {
      applied: ingest.applied,
      errors: ingest.errors,
      eventsPerSecond: round(ingest.events / ingest.seconds, 2),
    }
    rows.push({
      figure: 'JS heap at end (after GC)',
      value: last.heapMb,
      unit: 'MB',
      baseline: { name: 'idle wall', value: first.heapMb },
    })
    rows.push({
      figure: `JS heap growth after ${settle} min (worst page)`,
      value: round(heapPerHour, 2),
      unit: 'MB/h',
      target: '< 2 MB/h',
      met: heapPerHour < 2,
    })
    rows.push({
      figure: 'DOM nodes at end',
      value: last.domNodes,
      unit: 'nodes',
      baseline: { name: 'idle wall', value: first.domNodes },
    })
    rows.push({
      figure: `DOM nodes growth after ${settle} min (worst page)`,
      value: round(nodesPerHour, 1),
      unit: 'nodes/h',
      target: 'flat',
      // Flat: no trend beyond 1 % of the page per hour (text nodes come and go as numbers change).
      met: Math.abs(nodesPerHour) <= 0.01 * worstNodes.lastNodes,
    })
    rows.push({
      figure: `DOM nodes range after ${settle} min (widest page)`,
      value: nodesRange,
      unit: 'nodes',
    })
    // What ran beside the feed: the alarms raised and acknowledged, the pages the playlist showed.
    rows.push({
      figure: 'alarms acknowledged by the duty round',
      value: soak.reduce((n, s) => n + s.acknowledged, 0),
      unit: 'alarms',
    })
    rows.push({
      figure: 'playlist pages sampled',
      value: new Set(soak.map((s) => s.page)).size,
      unit: 'pages',
    })
    rows.push({
      figure: `main thread busy at ${RATE} ev/s`,
      value: round(busy * 100, 2),
      unit: '%',
      baseline: { name: 'idle wall %', value: round(idleBusy * 100, 2) },
      target: '< 25 %',
      met: busy < 0.25,
    })
    if (errors.length)
      rows.push({ figure: 'page errors', value: errors.length, unit: '', target: '0', met: false })
  } finally {
    await browser.close()
    await loader.stop()
    await node.stop()
    await redis.cleanup()
  }
  return {
    scenario: 'wall-soak',
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: before,
    quick: opts.quick,
    rows,
    details,
  }
}
