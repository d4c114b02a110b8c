import type { RedisClient } from './connect.ts'

// What the server's Redis is set to do that an operator should hear of at start: the event log and
// every number on the wall live there, so a Redis that keeps nothing on disk (Debian's package, as
// installed, keeps RDB snapshots only) loses them with its next restart.

export interface RedisSettings {
  appendonly?: string
  save?: string
  /** Redis 7 name; 6.2 calls it hash-max-ziplist-entries (either is read). */
  hashMaxEntries?: string
}

/** The warnings these settings call for (none: nothing to say). */
export function redisSettingsWarnings(s: RedisSettings): string[] {
  const warnings: string[] = []
  if (s.appendonly === 'no') {
    warnings.push(
      s.save
        ? `Redis keeps only snapshots (save "${s.save}", appendonly no): a crash loses the events accepted since the last one. Set appendonly yes (docs/operations.md)`
        : 'Redis keeps nothing on disk (appendonly no, no snapshots): its next restart empties the wall and loses the event log. Set appendonly yes (docs/operations.md)',
    )
  }
  if (Number(s.hashMaxEntries) > 128)
    warnings.push(
      `Redis keeps hashes of up to ${s.hashMaxEntries} fields as listpacks: ingest costs ~25 % more. Set hash-max-ziplist-entries 128 (the name 6.2 and 7 both take)`,
    )
  return warnings
}

/** Reads the settings (a managed Redis may refuse CONFIG: then nothing is said). */
export async function readRedisSettings(redis: RedisClient): Promise<RedisSettings | null> {
  const get = async (name: string) => ((await redis.config('GET', name)) as string[])[1]
  try {
    // Sent together (one pipeline on the connection); 6.2 answers the listpack name with nothing.
    const [appendonly, save, listpack, ziplist] = await Promise.all(
      ['appendonly', 'save', 'hash-max-listpack-entries', 'hash-max-ziplist-entries'].map(get),
    )
    return { appendonly, save, hashMaxEntries: listpack ?? ziplist }
  } catch {
    return null
  }
}
