import type { RedisClient } from './connect.ts'
import { NotReplicatedError } from './store.ts'

// Whether a failed command failed because Redis cannot serve it right now (answer 503: retry later
// with the same ids) rather than because of a bug (answer 500). Right after Redis dies the connection
// can still say `ready` while its socket is gone, so the error itself is looked at too. A failover
// (Sentinel or Cluster) shows as a few seconds of these: every one a 503, never a 500.

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
])
const CONNECTION_MESSAGES =
  /Stream isn't writeable|Connection is closed|Command aborted due to connection close|Reached the max retries per request|None of startup nodes is available|Failed to refresh slots cache|Too many Cluster redirections|Cluster isn't ready|All sentinels are unreachable/

/**
 * Redis error replies that mean "not now" (the first word of the reply): a slot moving or being
 * moved (MOVED, ASK, TRYAGAIN), a cluster without a primary for a slot (CLUSTERDOWN), a node that is
 * a replica now (READONLY) or still loading its data (LOADING), a primary cut off from its
 * replicas (MASTERDOWN, NOREPLICAS), or busy with a long script (BUSY).
 */
const UNAVAILABLE_REPLIES = new Set([
  'MOVED',
  'ASK',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'READONLY',
  'LOADING',
  'MASTERDOWN',
  'NOREPLICAS',
  'BUSY',
])

export function storageUnavailable(err: unknown, redis: RedisClient): boolean {
  if (err instanceof NotReplicatedError) return true
  if (redis.status !== 'ready') return true
  const e = err as { name?: string; code?: string; message?: string; lastNodeError?: unknown }
  const message = e.message ?? ''
  return (
    e.name === 'MaxRetriesPerRequestError' ||
    e.name === 'ClusterAllFailedError' ||
    CONNECTION_CODES.has(e.code ?? '') ||
    CONNECTION_MESSAGES.test(message) ||
    UNAVAILABLE_REPLIES.has(message.split(' ', 1)[0])
  )
}
