import type { Redis } from 'ioredis'

// Whether a failed command failed because Redis cannot be reached (answer 503: retry later with the
// same ids) rather than because of a bug (answer 500). Right after Redis dies the connection can still
// say `ready` while its socket is gone, so the error itself is looked at too.

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
])
const CONNECTION_MESSAGES = /Stream isn't writeable|Connection is closed|Reached the max retries per request/

export function storageUnavailable(err: unknown, redis: Redis): boolean {
  if (redis.status !== 'ready') return true
  const e = err as { name?: string; code?: string; message?: string }
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    CONNECTION_CODES.has(e.code ?? '') ||
    CONNECTION_MESSAGES.test(e.message ?? '')
  )
}
