import { redisCluster, sentinelSet, RedisNode } from '../../tests/helpers/redis-topology.ts'
import type { BenchOptions } from '../lib/options.ts'
import { privateRedis, spawnChild } from '../lib/procs.ts'
import { machine, type Row, type ScenarioResult } from '../lib/report.ts'
import { lookoutNode } from '../lib/servers.ts'
import { freePort } from '../../server/store/redis-process.ts'
import type { LoadResult } from '../clients/loader.ts'

// ingest --redis single|sentinel|cluster: events/s through one Lookout node against a replicated
// Redis, with REDIS_WAIT_REPLICAS 0 and 1, beside the same node against one plain Redis in the same
// run (the ratio is the figure: machines here are shared and noisy). `single` is one primary with
// one replica given as REDIS_URL.

const BATCHES = [1, 100]
const CONNECTIONS: Record<number, number> = { 1: 50, 100: 8 }

interface Topology {
  env: Record<string, string>
  stop: () => Promise<void>
}

async function primaryWithReplica(): Promise<Topology> {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const base = mkdtempSync(join(tmpdir(), 'lookout-bench-repl-'))
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes']
  const [p, r] = [await freePort(), await freePort()]
  const primary = new RedisNode(p, base, ['--port', String(p), ...args, '--appendfilename', 'p.aof'])
  const replica = new RedisNode(r, base, [
    '--port',
    String(r),
    ...args,
    '--appendfilename',
    'r.aof',
    '--replicaof',
    '127.0.0.1',
    String(p),
  ])
  await primary.start()
  await replica.start()
  return {
    env: { REDIS_URL: `redis://127.0.0.1:${p}` },
    stop: async () => {
      await replica.kill()
      await primary.kill()
      rmSync(base, { recursive: true, force: true })
    },
  }
}

async function topology(kind: NonNullable<BenchOptions['redis']>): Promise<Topology> {
  if (kind === 'single') return primaryWithReplica()
  if (kind === 'sentinel') {
    const set = await sentinelSet()
    const t = set.target as { sentinels: { port: number }[]; name: string }
    return {
      env: {
        REDIS_URL: '',
        REDIS_SENTINELS: t.sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
        REDIS_SENTINEL_NAME: t.name,
      },
      stop: set.cleanup,
    }
  }
  const cluster = await redisCluster()
  return {
    env: { REDIS_URL: '', REDIS_CLUSTER: cluster.nodes.map((n) => n.address).join(',') },
    stop: cluster.cleanup,
  }
}

export async function ingestTopology(opts: BenchOptions): Promise<ScenarioResult> {
  const kind = opts.redis!
  const started = Date.now()
  const before = machine()
  const seconds = opts.seconds ?? (opts.quick ? 2 : 8)
  const warmupSeconds = opts.quick ? 0.5 : 1
  const loader = await spawnChild('loader', 'clients/loader.ts')
  const rows: Row[] = []
  const details: Record<string, unknown> = { kind, seconds, warmupSeconds, connections: CONNECTIONS }
  const measure = async (label: string, redisUrl: string, env: Record<string, string>) => {
    const node = await lookoutNode(redisUrl, opts, `lookout-${label}`, env)
    const out: Record<number, LoadResult> = {}
    try {
      await loader.call('setup', {
        url: node.url,
        tag: `${label}${started}`,
        duplicateShare: 0.1,
        register: true,
      })
      for (const batch of opts.batches ?? BATCHES) {
        out[batch] = await loader.call<LoadResult>('closed', {
          path: '/api/events',
          connections: CONNECTIONS[batch] ?? 4,
          seconds,
          warmupSeconds,
          batch,
        })
      }
    } finally {
      await node.stop()
    }
    return out
  }
  try {
    const plain = await privateRedis()
    let baseline: Record<number, LoadResult>
    try {
      baseline = await measure('plain', plain.url, {})
    } finally {
      await plain.cleanup()
    }
    const topo = await topology(kind)
    try {
      for (const wait of [0, 1]) {
        const run = await measure(`${kind}-wait${wait}`, topo.env.REDIS_URL ?? '', {
          ...topo.env,
          REDIS_WAIT_REPLICAS: String(wait),
        })
        details[`wait${wait}`] = run
        for (const [batch, r] of Object.entries(run)) {
          const base = baseline[Number(batch)]
          const failed = Object.values(r.errors).reduce((s, n) => s + n, 0)
          rows.push({
            figure: `${kind}, REDIS_WAIT_REPLICAS=${wait}, ${batch === '1' ? 'single events' : `batches of ${batch}`}: events/s`,
            value: r.events / r.seconds,
            unit: 'ev/s',
            baseline: { name: 'one plain Redis ev/s', value: base.events / base.seconds },
          })
          if (failed)
            rows.push({ figure: `  failed requests`, value: failed, unit: 'req', target: '0', met: false })
        }
      }
    } finally {
      await topo.stop()
    }
    details.baseline = baseline
  } finally {
    await loader.stop()
  }
  return {
    scenario: `ingest-${kind}`,
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: before,
    quick: opts.quick,
    rows,
    details,
  }
}
