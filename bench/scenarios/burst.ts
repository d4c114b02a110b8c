import { Redis } from 'ioredis'
import { emptyState, stateDigest } from '../../shared/state.ts'
import type { WallState } from '../../shared/protocol.ts'
import { regionPrefix } from '../../server/store/keys.ts'
import { RegionStore } from '../../server/store/store.ts'
import type { BenchOptions } from '../lib/options.ts'
import { privateRedis, spawnChild, type Child } from '../lib/procs.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { lookoutNode, viewerProcesses } from '../lib/servers.ts'
import { Histogram, round, sleep } from '../lib/stats.ts'
import { SEED_EVENTS, collect, openViewers } from './fanout.ts'
import type { LoadResult, RateResult } from '../clients/loader.ts'

// burst: 10,000 events/s for 30 s with 1,000 viewers. Each viewer's message rate must stay bounded
// (the node coalesces), nothing may be lost (every viewer ends with the state GET /api/snapshot
// reads from Redis, at the seq the log's length says) and the node's memory must return to its level.

interface Memory {
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

/** Every field a viewer's state has, taken from the state itself so a new field is never left out. */
const RAW_FIELDS = Object.keys(emptyState('')) as (keyof WallState)[]

/** The raw state part of a snapshot (what a viewer holds). */
function rawState(snapshot: Record<string, unknown>): WallState {
  return Object.fromEntries(RAW_FIELDS.map((k) => [k, snapshot[k]])) as unknown as WallState
}

/** JSON with object keys sorted: equal states give equal text whatever order their cells came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
}

async function everyViewerAt(
  procs: Child[],
  seq: number,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const parts = await Promise.all(procs.map((p) => p.call<Record<string, number>>('digests')))
    const merged: Record<string, number> = {}
    for (const part of parts) for (const [k, n] of Object.entries(part)) merged[k] = (merged[k] ?? 0) + n
    if (Object.keys(merged).every((k) => Number(k.split(':')[0]) >= seq) || Date.now() > until) return merged
    await sleep(250)
  }
}

export async function burst(opts: BenchOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const before = machine()
  const viewers = opts.viewers?.[0] ?? (opts.quick ? 40 : 1000)
  const seconds = opts.seconds ?? (opts.quick ? 2 : 30)
  const rate = opts.quick ? 2000 : 10_000
  const batch = 100
  const redis = await privateRedis()
  const node = await lookoutNode(redis.url, opts)
  const loader = await spawnChild('loader', 'clients/loader.ts')
  const procs = await viewerProcesses(viewers)
  const rows: Row[] = []
  const details: Record<string, unknown> = { viewers, seconds, rate, batch, processes: procs.length }
  try {
    const { registered } = await loader.call<{ registered: number }>('setup', {
      url: node.url,
      tag: `b${started}`,
      duplicateShare: 0.1,
      register: true,
    })
    const seeded = await loader.call<LoadResult>('seed', {
      count: opts.quick ? 500 : SEED_EVENTS,
      batch: 250,
    })
    const opened = await openViewers(procs, node.url, viewers, 'feed')
    await sleep(2000)
    const memBefore = await node.call<Memory>('memory')

    // Node RSS through the burst, once a second.
    let peakRss = 0
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, node.rss())), 1000)
    await Promise.all(procs.map((p) => p.call('reset')))
    const load = await loader.call<RateResult>('rate', { eventsPerSecond: rate, batch, seconds })
    clearInterval(sampler)
    const burstSeconds = load.seconds

    // Nothing lost: the log, the snapshot and every viewer agree.
    const snapshot = (await (await fetch(`${node.url}/api/snapshot`)).json()) as Record<string, unknown>
    const expected = rawState(snapshot)
    const digests = await everyViewerAt(procs, expected.seq, 30_000)
    const seen = await collect(procs)
    const redisClient = new Redis(redis.url)
    const logLength = await loggedEvents(
      new RegionStore(redisClient, regionPrefix('321283'), { dedupeSeconds: 1, dueSoonDays: 3 }),
    )
    redisClient.disconnect()
    const appliedTotal = registered + seeded.applied + load.applied
    // FeedClients hold the snapshot's state (same digest at its seq); light viewers reached its seq
    // through deltas that each followed on from the last.
    const viewersEqual =
      (digests[`${expected.seq}:${stateDigest(expected)}`] ?? 0) + (digests[`${expected.seq}:light`] ?? 0)
    const oneViewer = await procs[0].call<WallState | null>('state', { index: 0 })
    const firstViewerEqual =
      oneViewer !== null && canonical(oneViewer) === canonical({ ...expected, asOf: oneViewer.asOf })

    // Memory back to its level once the burst is over: sampled 5, 15 and 30 s after (the
    // allocator hands freed pages back to the system only after a while).
    const settled: { afterSeconds: number; memory: Memory }[] = []
    for (const at of opts.quick ? [1] : [5, 15, 30]) {
      await sleep((at - (settled.at(-1)?.afterSeconds ?? 0)) * 1000)
      settled.push({ afterSeconds: at, memory: await node.call<Memory>('memory') })
    }
    const memAfter = settled[settled.length - 1].memory
    const mb = (b: number) => round(b / 2 ** 20, 1)

    details.result = {
      opened,
      ingest: {
        eventsPerSecond: round(load.events / burstSeconds),
        applied: load.applied,
        duplicates: load.duplicates,
        errors: load.errors,
        firstError: load.firstError,
        late: load.late,
        postLatency: Histogram.from([load.latency]).summary(),
      },
      viewers: seen,
      digests,
      logLength,
      snapshotSeq: expected.seq,
      appliedTotal,
      firstViewerEqual,
      memory: { before: memBefore, settled, peakRss },
    }
    rows.push({
      figure: 'burst ingest rate',
      value: load.events / burstSeconds,
      unit: 'ev/s',
      baseline: { name: 'asked for', value: rate },
    })
    rows.push({
      figure: 'messages/viewer/s (busiest viewer)',
      value: seen.maxMessagesPerViewerSecond,
      unit: 'msg/s',
      baseline: { name: 'events/s (uncoalesced)', value: load.events / burstSeconds },
      target: '≤ 12',
      met: seen.maxMessagesPerViewerSecond <= 12,
    })
    rows.push({
      figure: 'KB/viewer/s',
      value: seen.kbPerViewerSecond,
      unit: 'KB/s',
      target: '≤ 30 KB/s',
      met: seen.kbPerViewerSecond <= 30,
    })
    rows.push({
      figure: 'viewers holding the snapshot state',
      value: viewersEqual,
      unit: 'viewers',
      baseline: { name: 'viewers', value: viewers },
      target: 'all',
      met: viewersEqual === viewers && firstViewerEqual,
    })
    rows.push({
      figure: 'events in the log',
      value: logLength,
      unit: 'events',
      baseline: { name: 'events applied', value: appliedTotal },
      target: '= applied = seq',
      met: logLength === appliedTotal && logLength === expected.seq,
    })
    rows.push({
      figure: `node heap ${settled.at(-1)!.afterSeconds} s after the burst`,
      value: mb(memAfter.heapUsed),
      unit: 'MB',
      baseline: { name: 'heap before', value: mb(memBefore.heapUsed) },
      target: '≤ 1.1 × before',
      met: memAfter.heapUsed <= 1.1 * memBefore.heapUsed,
    })
    rows.push({
      figure: `node RSS ${settled.at(-1)!.afterSeconds} s after the burst`,
      value: mb(memAfter.rss),
      unit: 'MB',
      baseline: { name: 'RSS before', value: mb(memBefore.rss) },
    })
    rows.push({
      figure: 'node RSS peak in burst',
      value: mb(peakRss),
      unit: 'MB',
      baseline: { name: 'RSS before', value: mb(memBefore.rss) },
    })
  } finally {
    await Promise.all(procs.map((p) => p.stop()))
    await loader.stop()
    await node.stop()
    await redis.cleanup()
  }
  return {
    scenario: 'burst',
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: before,
    quick: opts.quick,
    rows,
    details,
  }
}

/** Events in a region's log (an entry holds one applied batch). */
async function loggedEvents(store: RegionStore): Promise<number> {
  let events = 0
  for (
    let after = 0, page;
    (page = await store.readLogBatches(after, 1000)).length;
    after = page.at(-1)!.seq
  ) {
    for (const batch of page) events += batch.events.length
  }
  return events
}
