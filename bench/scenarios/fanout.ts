import type { BenchOptions } from '../lib/options.ts'
import { cpuMeter, privateRedis, spawnChild, type Child } from '../lib/procs.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { bareWsNode, lookoutNode, shares, viewerProcesses } from '../lib/servers.ts'
import { Histogram, round, sleep, type HistogramData } from '../lib/stats.ts'
import type { RateResult } from '../clients/loader.ts'

// fanout: 1,000 and 5,000 websocket viewers (the wall's FeedClient, in several processes) while
// events arrive at 100 and 1,000 per second: event-to-viewer latency (POST answered → viewer holds
// that seq), messages and bytes per viewer per second, server RSS per connection. Baseline: a bare
// `ws` server broadcasting one ~1 KB message at 10 Hz to the same number of clients.

export interface ViewerReport {
  viewers: number
  full: number
  seconds: number
  messages: number
  bytes: number
  maxMessages: number
  byType: Record<string, number>
  latency: HistogramData
  fullLatency: HistogramData
  missed: number
  gaps: number
  reconnects: number
  resyncs: number
  live: number
}

/** FeedClient viewers per viewer process; the others are light (bench/clients/viewers.ts). */
export const FULL_PER_PROCESS = 100

/** Opens `count` viewers of `mode` spread over `procs`; returns how many got their first message. */
export async function openViewers(
  procs: Child[],
  url: string,
  count: number,
  mode: 'feed' | 'raw',
): Promise<number> {
  const wsUrl = mode === 'feed' ? `${url.replace(/^http/, 'ws')}/ws` : url
  const opened = await Promise.all(
    shares(count, procs.length).map((n, i) =>
      procs[i].call<{ opened: number }>('open', {
        url: wsUrl,
        count: n,
        mode,
        full: FULL_PER_PROCESS,
        perBatch: 25,
        timeoutMs: 120_000,
      }),
    ),
  )
  return opened.reduce((s, o) => s + o.opened, 0)
}

/** What all viewer processes saw since their last reset, merged. */
export async function collect(
  procs: Child[],
  answered?: { answeredSeq: Float64Array; answeredAt: Float64Array },
) {
  const reports = await Promise.all(procs.map((p) => p.call<ViewerReport>('report', answered ?? {})))
  const viewers = reports.reduce((s, r) => s + r.viewers, 0)
  const seconds = Math.max(...reports.map((r) => r.seconds))
  const messages = reports.reduce((s, r) => s + r.messages, 0)
  const bytes = reports.reduce((s, r) => s + r.bytes, 0)
  const byType: Record<string, number> = {}
  for (const r of reports) for (const [t, n] of Object.entries(r.byType)) byType[t] = (byType[t] ?? 0) + n
  return {
    viewers,
    seconds: round(seconds, 2),
    messagesPerViewerSecond: round(messages / viewers / seconds, 2),
    kbPerViewerSecond: round(bytes / 1024 / viewers / seconds, 2),
    maxMessagesPerViewerSecond: round(Math.max(...reports.map((r) => r.maxMessages)) / seconds, 2),
    byTypePerViewerSecond: Object.fromEntries(
      Object.entries(byType).map(([t, n]) => [t, round(n / viewers / seconds, 3)]),
    ),
    latency: Histogram.from(reports.map((r) => r.latency)).summary(),
    /** The FeedClient viewers alone: the same, plus applying each delta. */
    fullViewers: reports.reduce((s, r) => s + r.full, 0),
    fullLatency: Histogram.from(reports.map((r) => r.fullLatency)).summary(),
    negativeLatencies: reports.reduce((s, r) => s + r.latency.negative, 0),
    missed: reports.reduce((s, r) => s + r.missed, 0),
    gaps: reports.reduce((s, r) => s + r.gaps, 0),
    reconnects: reports.reduce((s, r) => s + r.reconnects, 0),
    resyncs: reports.reduce((s, r) => s + r.resyncs, 0),
    live: reports.reduce((s, r) => s + r.live, 0),
  }
}
export type Collected = Awaited<ReturnType<typeof collect>>

const resetAll = (procs: Child[]) => Promise.all(procs.map((p) => p.call('reset')))
const closeAll = (procs: Child[]) => Promise.all(procs.map((p) => p.call('close')))

/** Server memory after a full GC, in bytes (the node answers over IPC; RSS is the kernel's count). */
async function rssAfterGc(node: Child): Promise<number> {
  await node.call('memory')
  await sleep(200)
  return node.rss()
}

async function baselineRun(procs: Child[], count: number, seconds: number, opts: BenchOptions) {
  const bare = await bareWsNode(opts)
  try {
    const rssBefore = await rssAfterGc(bare)
    const opened = await openViewers(procs, bare.url, count, 'raw')
    await sleep(2000)
    const rssAfter = await rssAfterGc(bare)
    await resetAll(procs)
    const { bytes } = await bare.call<{ bytes: number }>('start', { hz: 10 })
    await sleep(seconds * 1000)
    await bare.call('stop')
    await sleep(300)
    const seen = await collect(procs)
    await closeAll(procs)
    return {
      opened,
      messageBytes: bytes,
      rssPerViewerKb: round((rssAfter - rssBefore) / 1024 / count, 2),
      rssBefore,
      rssAfter,
      ...seen,
    }
  } finally {
    await bare.stop()
  }
}

/** Events on the wall before viewers come: a snapshot of a realistic size. */
export const SEED_EVENTS = 5000

async function lookoutRun(
  redisUrl: string,
  redisPid: number,
  procs: Child[],
  count: number,
  rates: number[],
  seconds: number,
  opts: BenchOptions,
  tag: string,
) {
  const node = await lookoutNode(redisUrl, opts)
  const loader = await spawnChild('loader', 'clients/loader.ts')
  try {
    await loader.call('setup', { url: node.url, tag, duplicateShare: 0.1, register: true })
    await loader.call('seed', { count: opts.quick ? 500 : SEED_EVENTS, batch: 250 })
    await sleep(500)
    const rssBefore = await rssAfterGc(node)
    const opened = await openViewers(procs, node.url, count, 'feed')
    await sleep(2000)
    const rssAfter = await rssAfterGc(node)
    const snapshotBytes = (await (await fetch(`${node.url}/api/snapshot`)).text()).length
    const byRate: Record<
      number,
      Collected & { ingest: Record<string, unknown>; cpu: Record<string, number> }
    > = {}
    for (const rate of rates) {
      await resetAll(procs)
      const cpu = cpuMeter({ node, redis: redisPid, loader, viewers: procs })
      const load = await loader.call<RateResult>('rate', { eventsPerSecond: rate, batch: 1, seconds })
      await sleep(1000) // the last flush reaches everyone
      const cpuShares = cpu.shares()
      const seen = await collect(procs, { answeredSeq: load.answeredSeq, answeredAt: load.answeredAt })
      byRate[rate] = {
        ...seen,
        cpu: cpuShares,
        ingest: {
          eventsPerSecond: round(load.events / load.seconds, 1),
          applied: load.applied,
          errors: load.errors,
          firstError: load.firstError,
          late: load.late,
          postLatency: Histogram.from([load.latency]).summary(),
        },
      }
    }
    const feed = await node.call<{ seq: number; clients: number; backedUp: number }>('feed')
    await closeAll(procs)
    return {
      opened,
      snapshotBytes,
      feed,
      rssPerViewerKb: round((rssAfter - rssBefore) / 1024 / count, 2),
      rssBefore,
      rssAfter,
      byRate,
    }
  } finally {
    await loader.stop()
    await node.stop()
  }
}

export async function fanout(opts: BenchOptions): Promise<ScenarioResult> {
  const started = Date.now()
  const before = machine()
  const counts = opts.viewers ?? (opts.quick ? [40] : [1000, 5000])
  const rates = [100, 1000]
  const seconds = opts.seconds ?? (opts.quick ? 2 : 20)
  const redis = await privateRedis()
  const rows: Row[] = []
  const details: Record<string, unknown> = { seconds, rates, seedEvents: opts.quick ? 500 : SEED_EVENTS }
  try {
    for (const count of counts) {
      const procs = await viewerProcesses(count)
      try {
        const bare = await baselineRun(procs, count, seconds, opts)
        const lookout = await lookoutRun(
          redis.url,
          redis.pid,
          procs,
          count,
          rates,
          seconds,
          opts,
          `f${count}-${started}`,
        )
        details[`${count} viewers`] = { processes: procs.length, bare, lookout }
        const p99Target = count <= 1000 ? 150 : 250
        for (const rate of rates) {
          const r = lookout.byRate[rate]
          const at = `${count} viewers, ${rate} ev/s`
          rows.push({
            figure: `${at}: event-to-viewer p50`,
            value: r.latency.p50Ms,
            unit: 'ms',
            baseline: { name: 'bare ws p50', value: bare.latency.p50Ms },
          })
          rows.push({
            figure: `${at}: event-to-viewer p99`,
            value: r.latency.p99Ms,
            unit: 'ms',
            baseline: { name: 'bare ws p99', value: bare.latency.p99Ms },
            ...(rate === 1000 && (count === 1000 || count === 5000)
              ? { target: `≤ ${p99Target} ms`, met: r.latency.p99Ms <= p99Target }
              : {}),
          })
          rows.push({
            figure: `${at}: p99, FeedClient viewers (${r.fullViewers})`,
            value: r.fullLatency.p99Ms,
            unit: 'ms',
            baseline: { name: 'bare ws p99', value: bare.latency.p99Ms },
          })
          rows.push({
            figure: `${at}: messages/viewer/s`,
            value: r.messagesPerViewerSecond,
            unit: 'msg/s',
            baseline: { name: 'bare ws msg/s', value: bare.messagesPerViewerSecond },
            target: '≤ 12',
            met: r.maxMessagesPerViewerSecond <= 12,
          })
          rows.push({
            figure: `${at}: KB/viewer/s`,
            value: r.kbPerViewerSecond,
            unit: 'KB/s',
            baseline: { name: 'bare ws KB/s', value: bare.kbPerViewerSecond },
            target: '≤ 30 KB/s',
            met: r.kbPerViewerSecond <= 30,
          })
          const lost = r.missed + (r.viewers - r.live) + r.gaps + r.resyncs
          if (lost)
            rows.push({
              figure: `${at}: seqs missed, viewers not live, gaps, resyncs`,
              value: lost,
              unit: '',
              target: '0',
              met: false,
            })
        }
        rows.push({
          figure: `${count} viewers: server RSS per idle viewer`,
          value: lookout.rssPerViewerKb,
          unit: 'KB',
          baseline: { name: 'bare ws KB/conn', value: bare.rssPerViewerKb },
          target: '≤ 1.3 × bare ws',
          met: lookout.rssPerViewerKb <= 1.3 * bare.rssPerViewerKb,
        })
      } finally {
        await Promise.all(procs.map((p) => p.stop()))
      }
    }
  } finally {
    await redis.cleanup()
  }
  return {
    scenario: 'fanout',
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: before,
    quick: opts.quick,
    rows,
    details,
  }
}
