import type { Config } from '../config.ts'
import { configuredTarget, type RedisTarget } from './connect.ts'
import { INSTALL_HINT, redisAnswers, redisServerAvailable, startRedisServer } from './redis-process.ts'

export interface ResolvedRedis {
  target: RedisTarget
  /** What was chosen, for the start-up banner. */
  source: string
  stop: () => Promise<void>
}

export class NoRedisError extends Error {}

type RedisConfig = Pick<
  Config,
  'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisCluster' | 'redisPassword'
>

/**
 * The embedded default: the configured Redis (REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER) if any;
 * else Redis on 127.0.0.1:6379 if it answers;
 * else our own redis-server child (AOF on, loopback only, data under DATA_DIR), stopped on exit.
 */
export async function resolveRedis(
  config: RedisConfig & Pick<Config, 'dataDir'>,
  /** Where to look for a local Redis (tests point it at a free port). */
  localPort = 6379,
): Promise<ResolvedRedis> {
  const existing = await existingRedis(config, localPort)
  if (existing) return existing
  if (!redisServerAvailable()) throw new NoRedisError(INSTALL_HINT)
  const child = await startRedisServer({ dir: config.dataDir })
  return { target: { kind: 'single', url: child.url }, source: 'embedded', stop: child.stop }
}

/**
 * A Redis already there: the configured one, else 127.0.0.1:6379 if it answers; null when neither. (The
 * rebuild check uses only this: a Redis of its own would be empty, a false all-clear.)
 */
export async function existingRedis(config: RedisConfig, localPort = 6379): Promise<ResolvedRedis | null> {
  const target = configuredTarget(config)
  const sources = { single: 'REDIS_URL', sentinel: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER' }
  if (target) return { target, source: sources[target.kind], stop: async () => {} }
  if (await redisAnswers(localPort))
    return {
      target: { kind: 'single', url: `redis://127.0.0.1:${localPort}` },
      source: `local ${localPort}`,
      stop: async () => {},
    }
  return null
}
