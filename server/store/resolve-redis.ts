import type { Config } from '../config.ts'
import { INSTALL_HINT, redisAnswers, redisServerAvailable, startRedisServer } from './redis-process.ts'

export interface ResolvedRedis {
  url: string
  /** What was chosen, for the start-up banner. */
  source: 'REDIS_URL' | 'local 6379' | 'embedded'
  stop: () => Promise<void>
}

export class NoRedisError extends Error {}

/**
 * The embedded default: REDIS_URL if set; else Redis on 127.0.0.1:6379 if it answers;
 * else our own redis-server child (AOF on, loopback only, data under DATA_DIR), stopped on exit.
 */
export async function resolveRedis(config: Pick<Config, 'redisUrl' | 'dataDir'>): Promise<ResolvedRedis> {
  if (config.redisUrl) return { url: config.redisUrl, source: 'REDIS_URL', stop: async () => {} }
  if (await redisAnswers(6379)) return { url: 'redis://127.0.0.1:6379', source: 'local 6379', stop: async () => {} }
  if (!redisServerAvailable()) throw new NoRedisError(INSTALL_HINT)
  const child = await startRedisServer({ dir: config.dataDir })
  return { url: child.url, source: 'embedded', stop: child.stop }
}
