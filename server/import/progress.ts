import type { RedisClient } from '../store/connect.ts'
import { IMPORT_LIMITS } from './columns.ts'
import { IMPORT_PHASES, type ImportProgress } from '../../shared/api/import.ts'

// An import's progress lives in Redis under the region's prefix (`lk:{321283}:import:<fileHash>`),
// so whichever server node a browser polls can answer, and it expires on its own.

type Phase = ImportProgress['phase']

export class ImportProgressStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(fileHash: string): string {
    return `${this.prefix}import:${fileHash}`
  }

  async set(fileHash: string, phase: Phase, done: number, total: number): Promise<void> {
    const key = this.key(fileHash)
    await this.redis
      .multi()
      .hset(key, 'phase', phase, 'done', done, 'total', total)
      .expire(key, IMPORT_LIMITS.progressTtlSeconds)
      .exec()
  }

  /** Drops what was said under a hash that turned out not to be the file's. */
  async forget(fileHash: string): Promise<void> {
    await this.redis.del(this.key(fileHash))
  }

  async get(fileHash: string): Promise<ImportProgress | null> {
    const { phase, done, total } = await this.redis.hgetall(this.key(fileHash))
    if (!IMPORT_PHASES.includes(phase as Phase)) return null
    return { fileHash, phase: phase as Phase, done: Number(done), total: Number(total) }
  }
}
