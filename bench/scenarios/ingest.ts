import { loadRegion } from '../../server/region.ts'
import { evalshaBaseline, redisBenchmarkCheck } from '../lib/evalsha.ts'
import type { BenchOptions } from '../lib/options.ts'
import { cpuMeter, privateRedis, spawnChild } from '../lib/procs.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { barePipelineNode, lookoutNode } from '../lib/servers.ts'
import { Histogram } from '../lib/stats.ts'
import type { LoadResult } from '../clients/loader.ts'
import { ingestTopology } from './ingest-topology.ts'

// ingest: events per second accepted through POST /api/events (single events, batches of 100 and
// 500; the realistic mix with 10 % duplicates), against (a) a bare Fastify route pipelining
// 6 HINCRBY + 1 PUBLISH and (b) EVALSHA of the same ingest script with no HTTP in between.

const region = loadRegion({ region: '321283' })
const BATCHES = [1, 100, 500]
/** Connections per batch size: enough to keep the server busy, few enough not to only queue. */
const CONNECTIONS: Record<number, number> = { 1: 50, 100: 8, 500: 4 }

function figures(r: LoadResult) {
  const latency = Histogram.from([r.latency]).summary()
  return {
    eventsPerSecond: r.events / r.seconds,
    requestsPerSecond: r.requests / r.seconds,
    duplicateShare: r.events ? r.duplicates / r.events : 0,
    latency,
    errors: r.errors,
    firstError: r.firstError,
  }
}

export async function ingest(opts: BenchOptions): Promise<ScenarioResult> {
  if (opts.redis) return ingestTopology(opts)
  const started = Date.now()
  const before = machine()
  const seconds = opts.seconds ?? (opts.quick ? 2 : 10)
  const warmupSeconds = opts.quick ? 0.5 : 2
  const redis = await privateRedis()
  const loader = await spawnChild('loader', 'clients/loader.ts')
  const rows: Row[] = []
  const details: Record<string, unknown> = {
    seconds,
    warmupSeconds,
    connections: CONNECTIONS,
    duplicateShare: 0.1,
  }
  try {
    // Baseline (a): the bare pipeline route, same bodies, same connections as single events.
    const bare = await barePipelineNode(redis.url, opts)
    await loader.call('setup', { url: bare.url, tag: `bare${started}`, duplicateShare: 0.1, register: false })
    const bareRun = figures(
      await loader.call<LoadResult>('closed', {
        path: '/api/events',
        connections: CONNECTIONS[1],
        seconds,
        warmupSeconds,
        batch: 1,
      }),
    )
    await bare.stop()
    details.barePipeline = bareRun

    const node = await lookoutNode(redis.url, opts)
    await loader.call('setup', { url: node.url, tag: `lk${started}`, duplicateShare: 0.1, register: true })
    const runs: Record<number, unknown> = {}
    for (const batch of opts.batches ?? BATCHES) {
      const cpu = cpuMeter({ node, redis: redis.pid })
      const run = figures(
        await loader.call<LoadResult>('closed', {
          path: '/api/events',
          connections: CONNECTIONS[batch] ?? 4,
          seconds,
          warmupSeconds,
          batch,
        }),
      )
      const cpuShares = cpu.shares()
      const evalsha = await evalshaBaseline(redis.url, region, batch, {
        connections: batch === 1 ? 50 : 4,
        pipeline: batch === 1 ? 16 : 1,
        seconds,
        warmupSeconds,
      })
      runs[batch] = { lookout: { ...run, cpu: cpuShares }, evalsha }
      const label = batch === 1 ? 'single events' : `batches of ${batch}`
      rows.push({
        figure: `${label}: events/s`,
        value: run.eventsPerSecond,
        unit: 'ev/s',
        baseline: { name: 'bare pipeline req/s', value: bareRun.requestsPerSecond },
        ...(batch === 1
          ? { target: '≥ 0.6 × bare pipeline', met: run.eventsPerSecond >= 0.6 * bareRun.requestsPerSecond }
          : {}),
      })
      // Issue 22.3: a batch of 500 through Lookout at ≥ 0.9× the script alone (the 100,000 ev/s
      // target is retired: one region is one Redis slot).
      rows.push({
        figure: `${label}: events/s vs script alone`,
        value: run.eventsPerSecond,
        unit: 'ev/s',
        baseline: { name: 'EVALSHA ev/s', value: evalsha.eventsPerSecond },
        ...(batch === 500
          ? { target: '≥ 0.9 × EVALSHA', met: run.eventsPerSecond >= 0.9 * evalsha.eventsPerSecond }
          : {}),
      })
      rows.push({
        figure: `${label}: request p50`,
        value: run.latency.p50Ms,
        unit: 'ms',
        baseline: {
          name: batch === 1 ? 'bare pipeline p50' : 'EVALSHA p50',
          value: batch === 1 ? bareRun.latency.p50Ms : evalsha.latency.p50Ms,
        },
      })
      rows.push({
        figure: `${label}: request p99`,
        value: run.latency.p99Ms,
        unit: 'ms',
        baseline: {
          name: batch === 1 ? 'bare pipeline p99' : 'EVALSHA p99',
          value: batch === 1 ? bareRun.latency.p99Ms : evalsha.latency.p99Ms,
        },
      })
      const failed = Object.values(run.errors).reduce((s, n) => s + n, 0)
      if (failed)
        rows.push({
          figure: `${label}: failed requests`,
          value: failed,
          unit: 'req',
          target: '0',
          met: false,
        })
    }
    details.runs = runs
    await node.stop()
    // The Node EVALSHA driver cross-checked against redis-benchmark itself (single events); a few
    // thousand in the quick mode, so a change to the script's arguments cannot leave it broken.
    details.redisBenchmarkSingle = await redisBenchmarkCheck(
      redis.port,
      region,
      1,
      opts.quick ? 2_000 : 200_000,
    )
  } finally {
    await loader.stop()
    await redis.cleanup()
  }
  return {
    scenario: 'ingest',
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: before,
    quick: opts.quick,
    rows,
    details,
  }
}
