import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { alarmRules, type RegionIndex } from '../../shared/region.ts'
import { regionDay } from '../../shared/time.ts'
import type { Config } from '../config.ts'
import { redisUrlForLog } from '../log.ts'
import { regionPrefix } from '../store/keys.ts'
import { UnsupportedRedisError, redisVersionProblem } from '../store/redis-version.ts'
import { RegionStore, defineScripts } from '../store/store.ts'
import { readRedisSettings, redisSettingsWarnings } from '../store/redis-settings.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    region: RegionIndex
    store: RegionStore
    /** The region's clock: tests replace it to cross midnight. */
    clock: () => number
    /** The region's calendar day now. */
    today: () => string
    redisUrl: string
  }
}

export interface StoreOptions {
  config: Config
  region: RegionIndex
  redisUrl: string
  clock?: () => number
  /** Key prefix variant (tests and the rebuild check use their own key spaces). */
  keyVariant?: string
}

/** Redis connection options for command connections: fail fast when Redis is down (answered 503). */
export const COMMAND_CONNECTION = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (times: number) => Math.min(times * 100, 2000),
  lazyConnect: true,
} as const

/** The Redis the server was given does not answer at start (the operator's to fix: say which and why). */
export class RedisUnreachableError extends Error {}

export default fp<StoreOptions>(
  async (app, opts) => {
    const redis = new Redis(opts.redisUrl, COMMAND_CONNECTION)
    let lastError: Error | undefined
    redis.on('error', (err) => {
      lastError = err
      app.log.debug({ err }, 'redis connection error')
    })
    try {
      await redis.connect()
    } catch (err) {
      redis.disconnect()
      const why = (lastError ?? (err as Error)).message
      throw new RedisUnreachableError(
        `Redis at ${redisUrlForLog(opts.redisUrl)} does not answer (${why}): start it, or set REDIS_URL to one that does`,
      )
    }
    const problem = redisVersionProblem(await redis.info('server'))
    if (problem) {
      redis.disconnect()
      throw new UnsupportedRedisError(problem)
    }
    const settings = await readRedisSettings(redis)
    for (const warning of settings ? redisSettingsWarnings(settings) : []) app.log.warn(warning)
    defineScripts(redis)
    const clock = opts.clock ?? Date.now
    const tz = opts.region.region.timeZone
    app.decorate('config', opts.config)
    app.decorate('region', opts.region)
    app.decorate('redisUrl', opts.redisUrl)
    app.decorate('clock', clock)
    app.decorate('today', () => regionDay(clock(), tz))
    const store = new RegionStore(redis, regionPrefix(opts.region.region.region.code, opts.keyVariant), {
      dedupeSeconds: opts.config.dedupeDays * 86_400,
      dueSoonDays: opts.region.region.thresholds.dueSoonDays,
      majorOverdueAlarms: alarmRules(opts.region.region).majorHazardOverdue,
    })
    app.decorate('store', store)
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect())
    })
  },
  { name: 'store' },
)
