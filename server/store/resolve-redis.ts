import type { Config } from '../config.ts'
import { INSTALL_HINT, redisAnswers, redisServerAvailable, startRedisServer } from './redis-process.ts'

export interface ResolvedRedis {
  url: string
  /** What was chosen, for the start-up banner. */
  source: string
  stop: () => Promise<void>
}

export class NoRedisError extends Error {}

/**
 * The embedded default: REDIS_URL if set; else Redis on 127.0.0.1:6379 if it answers;
 * else our own redis-server child (AOF on, loopback only, data under DATA_DIR), stopped on exit.
 */
export async function resolveRedis(
  config: Pick<Config, 'redisUrl' | 'dataDir'>,
  /** Where to look for a local Redis (tests point it at a free port). */
  localPort = 6379,
): Promise<ResolvedRedis> {
  const existing = await existingRedis(config, localPort)
  if (existing) return existing
  if (!redisServerAvailable()) throw new NoRedisError(INSTALL_HINT)
  const child = await startRedisServer({ dir: config.dataDir })
  return { url: child.url, source: 'embedded', stop: child.stop }
}

/**
 * A Redis already there: REDIS_URL, else 127.0.0.1:6379 if it answers; null when neither. (The
 * rebuild check uses only this: a Redis of its own would be empty, a false all-clear.)
 */
export async function existingRedis(
  config: Pick<Config, 'redisUrl'>,
  localPort = 6379,
): Promise<ResolvedRedis | null> {
  if (config.redisUrl) return { url: config.redisUrl, source: 'REDIS_URL', stop: async () => {} }
  if (await redisAnswers(localPort))
    return { url: `redis://127.0.0.1:${localPort}`, source: `local ${localPort}`, stop: async () => {} }
  return null
}
