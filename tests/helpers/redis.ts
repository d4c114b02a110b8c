import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRedisServer, type RedisProcess } from '../../server/store/redis-process.ts'

/**
 * A private redis-server on a free port for one test file (never the machine's 6379).
 * AOF with fsync always, so a test can kill it and count what survived.
 */
export async function privateRedis(): Promise<RedisProcess & { cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-redis-'))
  const proc = await startRedisServer({ dir, appendfsync: 'always' })
  return {
    ...proc,
    cleanup: async () => {
      await proc.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
