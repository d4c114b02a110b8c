/** A Redis the scripts cannot run on: the start stops with its message. */
export class UnsupportedRedisError extends Error {}

/** The oldest Redis the scripts run on: ingest.lua dedupes with SMISMEMBER (6.2). */
export const MIN_REDIS = [6, 2] as const

/**
 * Why this Redis cannot serve Lookout, from its `INFO server` text; null when it can. Said at start,
 * rather than as every ingest failing later with "unknown command".
 */
export function redisVersionProblem(infoServer: string): string | null {
  const version = /^redis_version:(\d+)\.(\d+)/m.exec(infoServer)
  if (!version) return null // a Redis-compatible server that does not say: let it try
  const [major, minor] = [Number(version[1]), Number(version[2])]
  if (major > MIN_REDIS[0] || (major === MIN_REDIS[0] && minor >= MIN_REDIS[1])) return null
  return `Redis ${major}.${minor} is too old: Lookout needs Redis ${MIN_REDIS.join('.')} or later (set REDIS_URL to one)`
}
