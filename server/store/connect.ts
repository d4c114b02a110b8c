import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { Config } from '../config.ts'
import { redisUrlForLog } from '../log.ts'

// The one place a Redis connection is made (store, the feed's subscriber, the rebuild check). Three
// topologies (docs/redis.md): one Redis, a Sentinel set (ask the Sentinels for the primary, and again
// after a failover), a Cluster (any seed; commands follow the region's slot to its primary).

export interface HostPort {
  host: string
  port: number
}

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; password?: string; tls: boolean }
  | { kind: 'cluster'; seeds: HostPort[]; password?: string; tls: boolean }

/** A command connection: one Redis (single, Sentinel) or a cluster client. */
export type RedisClient = Redis | Cluster

/** What the connection is for: it decides how it waits and retries. */
export type ConnectionRole =
  /** Requests' commands: fail fast while Redis is away (the request answers 503). */
  | 'command'
  /** The feed's subscription: reconnects for ever. */
  | 'subscriber'
  /** A one-off tool (the rebuild check): a few retries, then an error. */
  | 'tool'

function hostPort(seed: string): HostPort {
  const bare = seed.replace(/^rediss?:\/\//, '')
  const colon = bare.lastIndexOf(':')
  return { host: bare.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(bare.slice(colon + 1)) }
}

/** The configured topology, or null when none is (the caller picks the local or embedded Redis). */
export function configuredTarget(
  config: Pick<
    Config,
    'redisUrl' | 'redisSentinels' | 'redisSentinelName' | 'redisCluster' | 'redisPassword'
  >,
): RedisTarget | null {
  const password = config.redisPassword
  if (config.redisSentinels && config.redisSentinelName)
    return {
      kind: 'sentinel',
      sentinels: config.redisSentinels.map(hostPort),
      name: config.redisSentinelName,
      password,
      tls: config.redisSentinels[0].startsWith('rediss://'),
    }
  if (config.redisCluster)
    return {
      kind: 'cluster',
      seeds: config.redisCluster.map(hostPort),
      password,
      tls: config.redisCluster[0].startsWith('rediss://'),
    }
  if (config.redisUrl) return { kind: 'single', url: config.redisUrl }
  return null
}

/** The target for a log line or a message: no password. */
export function describeTarget(target: RedisTarget): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',')
  switch (target.kind) {
    case 'single':
      return redisUrlForLog(target.url)
    case 'sentinel':
      return `Sentinel primary "${target.name}" via ${list(target.sentinels)}`
    case 'cluster':
      return `Cluster via ${list(target.seeds)}`
  }
}

const backoff = (times: number) => Math.min(times * 100, 2000)

/**
 * A connection is told to reconnect on these replies: the node it holds is no longer the primary
 * (a Sentinel failover demoted it), so the Sentinels are asked again.
 */
const DEMOTED = /^(READONLY|MASTERDOWN|LOADING)/

function nodeOptions(role: ConnectionRole, password: string | undefined, tls: boolean): RedisOptions {
  return {
    lazyConnect: true,
    ...(password ? { password } : {}),
    ...(tls ? { tls: {} } : {}),
    ...(role === 'command'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: backoff }
      : role === 'subscriber'
        ? { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 200, 2000) }
        : { maxRetriesPerRequest: 3 }),
  }
}

/** Opens (lazily: call `connect()`) a connection of `role` to `target`. */
export function connectRedis(target: RedisTarget, role: ConnectionRole): RedisClient {
  if (target.kind === 'single') return new Redis(target.url, nodeOptions(role, undefined, false))
  if (target.kind === 'sentinel')
    return new Redis({
      ...nodeOptions(role, target.password, target.tls),
      sentinels: target.sentinels,
      name: target.name,
      ...(target.password ? { sentinelPassword: target.password } : {}),
      ...(target.tls ? { enableTLSForSentinelMode: true } : {}),
      // No failoverDetector: with it, a connection lost with its primary (SIGKILL) stayed down in the
      // tests; a demoted primary is left on its first READONLY reply instead (reconnectOnError), and
      // writes during a failover are fenced (failover-fence.ts).
      sentinelRetryStrategy: backoff,
      reconnectOnError: (err) => DEMOTED.test(err.message),
    })
  const { lazyConnect, ...redisOptions } = nodeOptions(role, target.password, target.tls)
  const options: ClusterOptions = {
    lazyConnect,
    redisOptions,
    // Commands and scripts go to the slot's primary, never a replica (a replica would answer stale).
    scaleReads: 'master',
    // A failover's MOVED, TRYAGAIN and CLUSTERDOWN are retried this many times, these ms apart; past
    // that the request fails (503) rather than hang.
    maxRedirections: 16,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2000,
    enableOfflineQueue: role !== 'command',
    clusterRetryStrategy: (times) => (role === 'tool' && times > 3 ? null : backoff(times)),
  }
  return new Cluster(target.seeds, options)
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster
}

/**
 * The primary that owns `key`'s slot, by the cluster's own map (asked of any node): every key of a
 * region shares one hash tag, so this is where all of them live.
 */
export async function slotOwner(cluster: Cluster, key: string): Promise<HostPort> {
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key))
  const ranges = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][]
  for (const [from, to, [host, port]] of ranges) if (slot >= from && slot <= to) return { host, port }
  throw new Error(`no primary of the cluster serves slot ${slot} (CLUSTERDOWN)`)
}

/** The connection to run a keyless command on the node that holds `key` (SCAN of the region's keys). */
export async function nodeHolding(client: RedisClient, key: string): Promise<Redis> {
  if (!isCluster(client)) return client
  const { host, port } = await slotOwner(client, key)
  const node = client.nodes('master').find((n) => n.options.port === port && n.options.host === host)
  if (!node)
    throw new Error(`the primary of ${key}'s slot (${host}:${port}) is not among the cluster's nodes`)
  return node
}

/**
 * Why `key` cannot be written now, or null when its primary takes writes: Redis down, the node a
 * replica (a Sentinel failover in progress), or on a cluster no healthy primary for the slot.
 */
export async function writableProblem(client: RedisClient, key: string): Promise<string | null> {
  try {
    const node = await nodeHolding(client, key)
    const [role] = (await node.call('ROLE')) as [string]
    if (role !== 'master') return `the Redis serving the region is a ${role}, not a primary`
    if (isCluster(client) && !/^cluster_state:ok/m.test(String(await node.call('CLUSTER', 'INFO'))))
      return "the cluster is down for the region's slot"
    return null
  } catch {
    return 'Redis does not answer'
  }
}
