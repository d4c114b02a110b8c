import fp from 'fastify-plugin'
import { alarmRules } from '../../shared/region.ts'
import { connectRedis, describeTarget, isCluster, type RedisTarget } from '../store/connect.ts'
import { regionPrefix } from '../store/keys.ts'
import { UnsupportedRedisError, redisVersionProblem } from '../store/redis-version.ts'
import { RegionStore, defineScripts } from '../store/store.ts'
import { FailoverFence } from '../store/failover-fence.ts'
import { readRedisSettings, redisSettingsWarnings } from '../store/redis-settings.ts'

declare module 'fastify' {
  interface FastifyInstance {
    store: RegionStore
    /** The Redis topology every connection of this node is made to. */
    redisTarget: RedisTarget
  }
}

export interface StoreOptions {
  redis: RedisTarget
  /** Key prefix variant (tests and the rebuild check use their own key spaces). */
  keyVariant?: string
}

const START_HINT = {
  single: 'start it, or set REDIS_URL to one that does',
  sentinel: 'start them, or set REDIS_SENTINELS and REDIS_SENTINEL_NAME to a set that answers',
  cluster: 'start it, or set REDIS_CLUSTER to seed nodes that answer',
}

/** The Redis the server was given does not answer at start (the operator's to fix: say which and why). */
export class RedisUnreachableError extends Error {}

export default fp<StoreOptions>(
  async (app, opts) => {
    const target = opts.redis
    const redis = connectRedis(target, 'command')
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
        `Redis at ${describeTarget(target)} does not answer (${why}): ${START_HINT[target.kind]}`,
      )
    }
    // One node of a cluster given as one Redis: every script would be MOVED away (docs/redis.md).
    if (!isCluster(redis) && /^cluster_enabled:1/m.test(await redis.info('cluster'))) {
      redis.disconnect()
      throw new RedisUnreachableError(
        `Redis at ${describeTarget(target)} is a node of a Redis Cluster: give the cluster as REDIS_CLUSTER=host:port,… instead`,
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
    // With Sentinel: no write is acknowledged while a failover is under way (failover-fence.ts).
    const fence = target.kind === 'sentinel' ? new FailoverFence(target) : null
    await fence?.start()
    app.decorate('redisTarget', { getter: () => target })
    const { config, region } = app
    const store = new RegionStore(redis, regionPrefix(region.city.code, opts.keyVariant), {
      dedupeSeconds: config.dedupeDays * 86_400,
      dueSoonDays: region.thresholds.dueSoonDays,
      majorOverdueAlarms: alarmRules(region).majorHazardOverdue,
      shardedPubSub: isCluster(redis),
      waitReplicas: config.redisWaitReplicas,
      waitMs: config.redisWaitMs,
      fenced: () => fence?.fenced ?? false,
      towns: region.towns.map((t) => t.code),
    })
    app.decorate('store', store)
    app.addHook('onClose', async () => {
      fence?.stop()
      await redis.quit().catch(() => redis.disconnect())
    })
  },
  { name: 'store', dependencies: ['context'] },
)
