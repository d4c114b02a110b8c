import { EventEmitter } from 'node:events'
import { Redis, type Cluster } from 'ioredis'
import { connectRedis, slotOwner, type RedisTarget } from './connect.ts'

// The feed's subscription to the region's updates channel. On one Redis or a Sentinel set: SUBSCRIBE
// on a connection of its own (ioredis reconnects and resubscribes; with Sentinel, to the new
// primary). On a Cluster: the scripts SPUBLISH (a plain PUBLISH is copied to every node of the
// cluster), so this SSUBSCRIBEs on the primary that owns the channel's slot, found from the cluster's
// map, and finds it again when that node goes or the slot moves (Redis then unsubscribes us).
//
// Events: 'message' (text), 'lost' (reason: publishes may be missed from now), 'ready' (subscribed
// again after a loss: what was missed meanwhile must be read afresh).

export interface UpdatesSubscription extends EventEmitter {
  /** Subscribed and connected: no publish can be missed right now. */
  readonly ready: boolean
  start(): Promise<void>
  stop(): void
}

export function subscribeUpdates(
  target: RedisTarget,
  channel: string,
  /** On a cluster: a command connection to read the slot map from. */
  cluster?: Cluster,
): UpdatesSubscription {
  return target.kind === 'cluster' && cluster
    ? new ShardedSubscription(target, channel, cluster)
    : new PlainSubscription(target, channel)
}

class PlainSubscription extends EventEmitter implements UpdatesSubscription {
  private readonly redis: Redis

  constructor(
    target: RedisTarget,
    private readonly channel: string,
  ) {
    super()
    this.redis = connectRedis(target, 'subscriber') as Redis
  }

  get ready(): boolean {
    return this.redis.status === 'ready'
  }

  async start(): Promise<void> {
    const { redis } = this
    redis.on('message', (_channel: string, message: string) => this.emit('message', message))
    redis.on('error', (err) => this.emit('error-logged', err))
    redis.on('close', () => this.emit('lost', 'redis subscription lost'))
    // ioredis resubscribes by itself after a reconnect, before 'ready'.
    let started = false
    redis.on('ready', () => {
      if (started) this.emit('ready')
    })
    await redis.connect()
    await redis.subscribe(this.channel)
    started = true
  }

  stop(): void {
    this.redis.disconnect()
  }
}

class ShardedSubscription extends EventEmitter implements UpdatesSubscription {
  private node: Redis | null = null
  private subscribed = false
  private stopped = false
  private retrying: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly target: Extract<RedisTarget, { kind: 'cluster' }>,
    private readonly channel: string,
    private readonly cluster: Cluster,
  ) {
    super()
  }

  get ready(): boolean {
    return this.subscribed && this.node?.status === 'ready'
  }

  async start(): Promise<void> {
    await this.subscribeOnOwner()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retrying)
    this.node?.disconnect()
  }

  private async subscribeOnOwner(): Promise<void> {
    const { host, port } = await slotOwner(this.cluster, this.channel)
    const node = new Redis({
      host,
      port,
      lazyConnect: true,
      ...(this.target.password ? { password: this.target.password } : {}),
      ...(this.target.tls ? { tls: {} } : {}),
      // Never back to the same address by itself: the slot may have another owner by then.
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    })
    node.on('error', (err) => this.emit('error-logged', err))
    node.on('smessage', (_channel: string, message: string) => this.emit('message', message))
    // The node went, or the slot moved away from it (Redis unsubscribed us).
    node.on('close', () => this.lose(node, 'redis subscription lost'))
    node.on('moved', () => this.lose(node, 'the updates channel moved to another node'))
    try {
      await node.connect()
      await node.ssubscribe(this.channel)
    } catch (err) {
      node.disconnect()
      throw err
    }
    this.node = node
    this.subscribed = true
  }

  private lose(node: Redis, reason: string): void {
    if (node !== this.node || this.stopped) return
    const wasReady = this.subscribed
    this.subscribed = false
    this.node = null
    node.disconnect()
    if (wasReady) this.emit('lost', reason)
    this.retry(0)
  }

  private retry(attempt: number): void {
    if (this.stopped) return
    this.retrying = setTimeout(
      async () => {
        try {
          await this.subscribeOnOwner()
          this.emit('ready')
        } catch {
          this.retry(attempt + 1)
        }
      },
      Math.min(100 * 2 ** attempt, 2000),
    )
  }
}
