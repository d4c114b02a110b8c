import { ConfigError, loadConfig } from './config.ts'
import { loadRegion } from './region.ts'
import { connectRedis, describeTarget, type RedisClient } from './store/connect.ts'
import { regionPrefix } from './store/keys.ts'
import { rebuildCheck } from './store/rebuild.ts'
import { existingRedis } from './store/resolve-redis.ts'
import { defineScripts } from './store/store.ts'

// `npm run rebuild -- --check`: replays the region's log into fresh keys and compares them with the
// live aggregates. Exit 0: no difference; 1: differences (each printed) or no still moment to compare;
// 2: nothing was checked (wrong usage or settings, no Redis, or an empty log: a script must not take
// that for an all-clear). Rebuilding the live aggregates in place is deliberately not offered.

const NO_REDIS =
  'No Redis to check: set REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER) to the server\'s Redis. (A server that runs its own printed its address when it started: "using Redis redis://127.0.0.1:<port> (embedded)".)'

const USAGE =
  'usage: npm run rebuild -- --check   (replay the event log into fresh keys and compare with the live aggregates)'

async function main(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== '--check') {
    console.error(USAGE)
    return 2
  }
  let config, region
  try {
    config = loadConfig(process.env)
    region = loadRegion(config)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      return 2
    }
    throw err
  }
  // The check reads the server's Redis. It never starts one of its own, as the server may: that one
  // would be empty (a false all-clear) and would run on the live server's data directory.
  const resolved = await existingRedis(config)
  if (!resolved) {
    console.error(NO_REDIS)
    return 2
  }
  const where = describeTarget(resolved.target)
  const redis = connectRedis(resolved.target, 'tool')
  redis.on('error', () => {}) // said once below, not as ioredis's unhandled-error trace
  try {
    try {
      await redis.connect()
    } catch (err) {
      console.error(`Redis at ${where} does not answer (${(err as Error).message}): nothing checked`)
      return 2
    }
    return await checkOn(redis, { where, source: resolved.source }, region, config.dedupeDays)
  } catch (err) {
    // Lost mid-way: that is not a difference found (exit 1 would say the aggregates are wrong).
    console.error(`Redis at ${where} failed during the check (${(err as Error).message}): nothing checked`)
    return 2
  } finally {
    redis.disconnect()
  }
}

async function checkOn(
  redis: RedisClient,
  resolved: { where: string; source: string },
  region: ReturnType<typeof loadRegion>,
  dedupeDays: number,
): Promise<number> {
  defineScripts(redis)
  const code = region.city.code
  console.log(
    `Rebuild check of region ${code} (${regionPrefix(code)}) on ${resolved.where} (${resolved.source})`,
  )
  const report = await rebuildCheck({
    redis,
    region,
    dedupeSeconds: dedupeDays * 86_400,
    onAttempt: (attempt, seq) => {
      if (attempt > 1)
        console.log(`live writes moved the seq; comparing again at seq ${seq} (attempt ${attempt})`)
    },
  })
  for (const d of report.differences) {
    console.log(
      `DIFF ${d.key} ${d.field === '' ? '' : `[${d.field}] `}live=${show(d.live)} rebuilt=${show(d.rebuilt)}`,
    )
  }
  if (!report.settled) {
    console.log(
      `live writes kept arriving through ${report.attempts} attempts: no still moment to compare; try again`,
    )
    return 1
  }
  const summary = `${report.replayed} log entries replayed, ${report.keys} keys compared at seq ${report.seq}`
  if (report.differences.length) {
    console.log(`${report.differences.length} difference(s); ${summary}`)
    return 1
  }
  console.log(`no difference; ${summary}`)
  if (report.replayed === 0 || report.keys === 0) {
    console.log(
      report.replayed === 0
        ? `(the log of region ${code} is empty here: if the server has taken events, this is not its Redis (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER) or region (REGION, REGION_FILE))`
        : `(no key of region ${code} was found to compare: nothing was checked)`,
    )
    return 2
  }
  return 0
}

const show = (v: string | null) => (v === null ? '(none)' : JSON.stringify(v))

process.exitCode = await main(process.argv.slice(2))
