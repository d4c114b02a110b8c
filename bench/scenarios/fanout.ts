import type { BenchOptions } from '../lib/options.ts'
import { cpuMeter, privateRedis, spawnChild, type Child } from '../lib/procs.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { bareWsNode, lookoutNode, shares, viewerProcesses } from '../lib/servers.ts'
import { Histogram, round, sleep, type HistogramData } from '../lib/stats.ts'
import type { RateResult } from '../clients/loader.ts'
import { stages, type FlushTrace, type ViewerTrace, type WriteTrace } from '../lib/trace.ts'
import { spawn } from 'node:child_process'

// fanout: 1,000 and 5,000 websocket viewers (the wall's FeedClient, in several processes) while
// events arrive at 1, 100 and 1,000 per second: event-to-viewer latency (POST answered → viewer holds
// that seq) with where it went (bench/lib/trace.ts: waiting for the flush, the viewer's place in the
// fan-out, the wire), messages and bytes per viewer per second, the node's CPU per delivered message,
// server RSS per connection. Baseline: a bare `ws` server broadcasting one ~1 KB message at 10 Hz to
// the same number of clients. The bare broadcast takes no events, so the node's CPU per message is
// also given less what the same events cost it with no viewer (measured after the viewers leave).
// --load keeps one core busy with a second process throughout.

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

/**
 * Opens `count` viewers of `mode` spread over `procs`; returns how many got their first message.
 * With `sample` (feed mode), the FeedClient viewers (FULL_PER_PROCESS for each of `procs`, a tenth
 * at most) are all opened there and the light ones in `procs`: applying deltas then does not hold
 * back the light viewers' reads, whose timing is the server's (bench/clients/viewers.ts).
 */
export async function openViewers(
  procs: Child[],
  url: string,
  count: number,
  mode: 'feed' | 'raw',
  sample?: Child,
): Promise<number> {
  const wsUrl = mode === 'feed' ? `${url.replace(/^http/, 'ws')}/ws` : url
  const open = (proc: Child, n: number, full: number) =>
    proc.call<{ opened: number }>('open', {
      url: wsUrl,
      count: n,
      mode,
      full,
      perBatch: 25,
      timeoutMs: 120_000,
    })
  // A tenth at most: the headline is the light viewers'.
  const sampled =
    sample && mode === 'feed' ? Math.min(Math.ceil(count / 10), FULL_PER_PROCESS * procs.length) : 0
  const opened = await Promise.all([
    ...shares(count - sampled, procs.length).map((n, i) => open(procs[i], n, sampled ? 0 : FULL_PER_PROCESS)),
    ...(sample && sampled ? [open(sample, sampled, sampled)] : []),
  ])
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
    const cpu = cpuMeter({ bare })
    const { bytes } = await bare.call<{ bytes: number }>('start', { hz: 10 })
    await sleep(seconds * 1000)
    await bare.call('stop')
    const cpuMs = cpu.ms().bare
    await sleep(300)
    const seen = await collect(procs)
    await closeAll(procs)
    return {
      opened,
      messageBytes: bytes,
      cpuUsPerMessage: round(
        (cpuMs * 1000) / (seen.messagesPerViewerSecond * seen.viewers * seen.seconds),
        2,
      ),
      rssPerViewerKb: round((rssAfter - rssBefore) / 1024 / count, 2),
      rssBefore,
      rssAfter,
      ...seen,
    }
  } finally {
    await bare.stop()
  }
}

/** p50 and p99 of each stage of the traced (event, viewer) pairs. */
function stageSummary(s: { wait: number[]; place: number[]; wire: number[] }, viewers: number) {
  const of = (xs: number[]) => {
    const h = new Histogram()
    for (const x of xs) h.record(x)
    const { p50Ms, p99Ms } = h.summary()
    return { p50Ms, p99Ms }
  }
  return {
    tracedViewers: viewers,
    pairs: s.wait.length,
    flushWait: of(s.wait),
    fanOutPlace: of(s.place),
    wire: of(s.wire),
  }
}

/** A second process spinning on one core, for --load: what else a shared machine is doing. */
function busyCore(): { stop: () => void } {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' })
  return { stop: () => child.kill('SIGKILL') }
}

/**
 * How long a rate runs: `seconds`, and at least a minute at 1 ev/s. A p99 over 15 events is the
 * slowest one or two (one fan-out that met a digest or a GC); 60 events make it a tail.
 */
function runSeconds(rate: number, seconds: number, opts: BenchOptions): number {
  return opts.quick || rate > 1 ? seconds : Math.max(seconds, 60)
}

/** Events on the wall before viewers come: a snapshot of a realistic size. */
export const SEED_EVENTS = 5000

/**
 * The node's CPU per event (and share of a core) taking each rate's events with no viewer: what they
 * cost it (HTTP, checks, the script's round trip, the publish) apart from delivering them, which
 * the bare broadcast it is compared with never pays.
 */
async function ingestAloneCpu(node: Child, loader: Child, rates: number[], seconds: number) {
  const byRate: Record<number, { msPerEvent: number; share: number }> = {}
  for (const rate of rates) {
    const cpu = cpuMeter({ node })
    const load = await loader.call<RateResult>('rate', { eventsPerSecond: rate, batch: 1, seconds })
    await sleep(1000)
    const ms = cpu.ms().node
    byRate[rate] = { msPerEvent: ms / load.events, share: ms / (load.seconds + 1) / 1000 }
  }
  return byRate
}

async function lookoutRun(
  redisUrl: string,
  redisPid: number,
  lightProcs: Child[],
  sample: Child,
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
    const opened = await openViewers(lightProcs, node.url, count, 'feed', sample)
    const procs = [...lightProcs, sample]
    await sleep(2000)
    const rssAfter = await rssAfterGc(node)
    const snapshotBytes = (await (await fetch(`${node.url}/api/snapshot`)).text()).length
    const byRate: Record<
      number,
      Collected & {
        ingest: Record<string, unknown>
        cpu: Record<string, number>
        nodeCpuMs: number
        events: number
        delivered: number
        cpuUsPerMessage: number
        /** At 100 ev/s and more: what the events alone cost, and the CPU per message less that. */
        ingestAloneCpuShare?: number
        feedCpuUsPerMessage?: number
        stages: ReturnType<typeof stageSummary>
      }
    > = {}
    for (const rate of rates) {
      await resetAll(procs)
      await node.call('traceReset')
      const cpu = cpuMeter({ node, redis: redisPid, loader, viewers: procs })
      const load = await loader.call<RateResult>('rate', {
        eventsPerSecond: rate,
        batch: 1,
        seconds: runSeconds(rate, seconds, opts),
      })
      await sleep(1000) // the last flush reaches everyone
      const cpuShares = cpu.shares()
      const nodeCpuMs = cpu.ms().node
      const seen = await collect(procs, { answeredSeq: load.answeredSeq, answeredAt: load.answeredAt })
      const trace = await node.call<{ flushes: FlushTrace; writes: WriteTrace }>('trace')
      const ports = Object.keys(trace.writes).map(Number)
      const traced = (await Promise.all(procs.map((p) => p.call<ViewerTrace[]>('trace', { ports })))).flat()
      const delivered = seen.messagesPerViewerSecond * seen.viewers * seen.seconds
      byRate[rate] = {
        ...seen,
        cpu: cpuShares,
        nodeCpuMs,
        events: load.events,
        delivered,
        cpuUsPerMessage: round((nodeCpuMs * 1000) / delivered, 2),
        stages: stageSummary(
          stages(load.answeredSeq, load.answeredAt, trace.flushes, trace.writes, traced),
          traced.length,
        ),
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
    // What the same events cost with nobody watching.
    // (CPU per message is given at 100 ev/s and more: at 1 ev/s pings and digests are most of it.)
    const cpuRates = rates.filter((rate) => rate >= 100)
    const ingestAlone = await ingestAloneCpu(node, loader, cpuRates, seconds)
    for (const rate of cpuRates) {
      const r = byRate[rate]
      // As many events as this run took (a saturated node takes fewer than the rate asks).
      const feedCpuMs = Math.max(0, r.nodeCpuMs - ingestAlone[rate].msPerEvent * r.events)
      r.ingestAloneCpuShare = round(ingestAlone[rate].share, 3)
      r.feedCpuUsPerMessage = round((feedCpuMs * 1000) / r.delivered, 2)
    }
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
  // 1 ev/s is a command center's real rate; 100 and 1,000 a busy and a burst-like feed.
  const rates = opts.quick ? [1, 100] : [1, 100, 1000]
  const seconds = opts.seconds ?? (opts.quick ? 3 : 20)
  const redis = await privateRedis()
  const rows: Row[] = []
  const details: Record<string, unknown> = {
    seconds,
    rates,
    load: opts.load ? 'one core kept busy by a second process' : 'none',
    seedEvents: opts.quick ? 500 : SEED_EVENTS,
  }
  const busy = opts.load ? busyCore() : null
  const loaded = opts.load ? ', one core busy' : ''
  try {
    for (const count of counts) {
      const procs = await viewerProcesses(count)
      const sample = await spawnChild('viewers-sample', 'clients/viewers.ts')
      try {
        const bare = await baselineRun(procs, count, seconds, opts)
        const lookout = await lookoutRun(
          redis.url,
          redis.pid,
          procs,
          sample,
          count,
          rates,
          seconds,
          opts,
          `f${count}-${started}`,
        )
        details[`${count} viewers`] = { processes: procs.length, bare, lookout }
        for (const rate of rates) {
          const r = lookout.byRate[rate]
          const at = `${count} viewers, ${rate} ev/s${loaded}`
          // At a real rate a change should come as fast as the bare broadcast's; a busy feed pays the
          // flush coalescing (up to 100 ms). Judged at 1,000 viewers on a quiet machine.
          const slack = rate <= 1 ? 25 : 120
          const judged = count === 1000 && !opts.load && !opts.quick
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
            ...(judged
              ? {
                  target: `≤ bare + ${slack} ms`,
                  met: r.latency.p99Ms <= bare.latency.p99Ms + slack,
                }
              : {}),
          })
          for (const [stage, name] of [
            ['flushWait', 'waiting for the flush'],
            ['fanOutPlace', 'place in the fan-out'],
            ['wire', 'write to read'],
          ] as const)
            rows.push({
              figure: `${at}: p99 of ${name} (${r.stages.tracedViewers} traced viewers)`,
              value: r.stages[stage].p99Ms,
              unit: 'ms',
            })
          if (rate >= 100)
            rows.push({
              figure: `${at}: node CPU per delivered message`,
              value: r.cpuUsPerMessage,
              unit: 'µs',
              baseline: { name: 'bare ws µs/msg', value: bare.cpuUsPerMessage },
              ...(opts.quick
                ? {}
                : { target: '≤ 1.5 × bare ws', met: r.cpuUsPerMessage <= 1.5 * bare.cpuUsPerMessage }),
            })
          // Only while the node kept up with the rate: a saturated node takes events in bigger
          // gulps than alone, at a lower cost each, and the difference says nothing of delivery.
          const keptUp = Number(r.ingest.eventsPerSecond) >= 0.98 * rate
          const feedCpu = r.feedCpuUsPerMessage
          if (feedCpu !== undefined)
            rows.push({
              figure: `${at}: the same, less the events' own cost (${round((r.ingestAloneCpuShare ?? 0) * 100, 1)} % of a core with no viewer${keptUp ? '' : '; node saturated, not judged'})`,
              value: feedCpu,
              unit: 'µs',
              baseline: { name: 'bare ws µs/msg', value: bare.cpuUsPerMessage },
              ...(opts.quick || !keptUp
                ? {}
                : { target: '≤ 1.5 × bare ws', met: feedCpu <= 1.5 * bare.cpuUsPerMessage }),
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
        await Promise.all([...procs, sample].map((p) => p.stop()))
      }
    }
  } finally {
    busy?.stop()
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
