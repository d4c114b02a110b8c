import { spawnSync } from 'node:child_process'
import { Redis } from 'ioredis'
import { prepareEvent } from '../../server/ingest/prepare.ts'
import { ingestArgs, ingestConfig, SCRIPTS } from '../../server/store/store.ts'
import type { Region } from '../../shared/region.ts'
import { templateEvents } from './mix.ts'
import { Histogram } from './stats.ts'
import { spawnChild } from './procs.ts'

// The second ingest baseline: how many events per second Redis applies when nothing but the
// ingest script stands between the load and the data (no HTTP, no validation, no JSON answers).

/** The ingest script exactly as server/store/store.ts registers it. */
export const INGEST_SCRIPT = SCRIPTS.lkIngest

/** The script's config, as RegionStore builds it (dedupe for 30 days). */
const CFG = ingestConfig(30 * 86_400)

/** A key space of its own, so the baseline never touches the region Lookout serves. */
const KEY = 'lk:{evalsha}:seq'

function scriptArgv(region: Region, batch: number): string[] {
  const at = new Date().toISOString()
  const items = templateEvents(region, batch).map((e) => prepareEvent({ ...e, at }, region.timeZone))
  return [CFG, String(Date.now()), ...ingestArgs(items)]
}

export interface EvalshaFigures {
  eventsPerSecond: number
  commandsPerSecond: number
  latency: ReturnType<Histogram['summary']>
  errors: number
  firstError?: string
}

/** EVALSHA of the ingest script with `batch` events per call, from a separate driver process. */
export async function evalshaBaseline(
  redisUrl: string,
  region: Region,
  batch: number,
  run: { connections: number; pipeline: number; seconds: number; warmupSeconds: number },
): Promise<EvalshaFigures> {
  const redis = new Redis(redisUrl)
  const sha = (await redis.script('LOAD', INGEST_SCRIPT)) as string
  redis.disconnect()
  const driver = await spawnChild('evalsha', 'clients/evalsha.ts')
  try {
    const r = await driver.call<{
      commands: number
      seconds: number
      errors: number
      firstError?: string
      latency: never
    }>('run', {
      url: redisUrl,
      sha,
      key: KEY,
      argv: scriptArgv(region, batch),
      ...run,
    })
    // A script that answers with an error is fast and applies nothing: such a baseline means nothing.
    if (r.errors)
      throw new Error(`the EVALSHA baseline got ${r.errors} error replies, the first: ${r.firstError}`)
    return {
      eventsPerSecond: (r.commands * batch) / r.seconds,
      commandsPerSecond: r.commands / r.seconds,
      latency: Histogram.from([r.latency]).summary(),
      errors: r.errors,
      firstError: r.firstError,
    }
  } finally {
    await driver.stop()
  }
}

/**
 * The same with the redis-benchmark binary itself (batches that fit one argv string): a check that
 * the Node driver is not what limits the baseline.
 */
export async function redisBenchmarkCheck(port: number, region: Region, batch: number, requests: number) {
  const redis = new Redis(`redis://127.0.0.1:${port}`)
  const sha = (await redis.script('LOAD', INGEST_SCRIPT)) as string
  redis.disconnect()
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-c',
    '50',
    '-P',
    batch === 1 ? '16' : '1',
    '-n',
    String(requests),
    '-r',
    '2000000000',
    '--csv',
  ]
  const out = spawnSync(
    'redis-benchmark',
    [...args, 'EVALSHA', sha, '1', KEY, ...scriptArgv(region, batch)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  )
  if (out.status !== 0) throw new Error(`redis-benchmark failed: ${out.stderr || out.error}`)
  // CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const line = out.stdout.trim().split('\n').at(-1) ?? ''
  // The test name is the command line (its JSON holds quotes and commas): read the numbers from the end.
  const cells = line.split('","').map((c) => c.replace(/"/g, ''))
  const rps = Number(cells.at(-7))
  return {
    commandsPerSecond: rps,
    eventsPerSecond: rps * batch,
    p50Ms: Number(cells.at(-4)),
    p99Ms: Number(cells.at(-2)),
  }
}
