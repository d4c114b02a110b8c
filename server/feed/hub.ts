import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { applyDelta, mergeDelta, stateDigest } from '../../shared/state.ts'
import { buildSnapshot, computeKpis, dailyWindow, type Kpis } from '../../shared/summary.ts'
import { regionDay } from '../../shared/time.ts'
import type { ClientMessage, Delta, WallState } from '../../shared/protocol.ts'
import type { Region } from '../../shared/region.ts'
import type { RegionStore } from '../store/store.ts'
import type { Metrics } from '../plugins/metrics.ts'
import { CLOSE, FeedConnection } from './connection.ts'
import { deltaOf, type Published } from './publish.ts'

// One per server node: mirrors the region's state from Redis (snapshot + the updates channel),
// coalesces changes, and fans them out to this node's viewers (DESIGN.md "Wire protocol").

export interface HubOptions {
  /** Flush coalesced changes at most this often. */
  flushMs: number
  /** Send a digest of the state this often. */
  digestMs: number
  /** Websocket ping frames; a viewer that misses one pong is dropped. */
  pingMs: number
  /** A socket with more than this queued is "backed up": its changes are held and merged. */
  highWaterBytes: number
  /** Backed up for longer than this: closed with 4008 (it reconnects and gets a snapshot). */
  slowCloseMs: number
}

export const HUB_DEFAULTS: HubOptions = {
  flushMs: 100,
  digestMs: 5_000,
  pingMs: 15_000,
  highWaterBytes: 256 * 1024,
  slowCloseMs: 30_000,
}

export interface HubDeps {
  store: RegionStore
  region: Region
  redisUrl: string
  clock: () => number
  log: FastifyBaseLogger
  metrics: Metrics
}

export class FeedHub {
  private view: WallState | null = null
  private pending: Delta | null = null
  private lastKpis: Kpis | null = null
  private window = new Set<string>()
  private snapshotJson: { seq: number; json: string } | null = null
  private loading: Promise<void> | null = null
  /** Publishes that arrive while a snapshot is being read; applied after it. */
  private arrivedWhileLoading: Published[] = []
  private degraded = true
  private stopped = false
  private readonly clients = new Set<FeedConnection>()
  private readonly subscriber: Redis
  private readonly timers: ReturnType<typeof setInterval>[] = []
  private nextId = 1
  /** Redis was seen ahead of the view at this seq with no publish arriving: see checkCaughtUp. */
  private behindAt = -1

  constructor(
    private readonly deps: HubDeps,
    private readonly opts: HubOptions = HUB_DEFAULTS,
  ) {
    // The subscriber has its own connection (a subscribed connection cannot run commands).
    this.subscriber = new Redis(deps.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    })
  }

  async start(): Promise<void> {
    const { subscriber } = this
    subscriber.on('message', (_channel, message: string) => this.onPublish(message))
    subscriber.on('error', (err) => this.deps.log.debug({ err }, 'feed subscriber error'))
    subscriber.on('close', () => this.setDegraded('redis subscription lost'))
    // ioredis resubscribes by itself after a reconnect; then the view may have missed publishes.
    subscriber.on('ready', () => {
      if (this.view) void this.reload('resubscribed')
    })
    await subscriber.connect()
    await subscriber.subscribe(this.deps.store.keys.updates)
    await this.reload('start')
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms)
      t.unref()
      this.timers.push(t)
    }
    every(this.opts.flushMs, () => this.flush())
    every(this.opts.digestMs, () => void this.sendDigests())
    every(this.opts.pingMs, () => this.pingAll())
    every(1_000, () => this.checkDayRollover())
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    for (const c of this.clients) c.socket.close(CLOSE.shuttingDown, 'server shutting down')
    this.subscriber.disconnect()
  }

  /** Takes a new viewer. Call before any await so no message is missed. */
  attach(socket: WebSocket): FeedConnection {
    const conn = new FeedConnection(socket, this.nextId++)
    this.clients.add(conn)
    this.deps.metrics.wsClients.set(this.clients.size)
    socket.on('message', (data) => this.onClientMessage(conn, String(data)))
    socket.on('pong', () => (conn.alive = true))
    socket.on('close', () => this.detach(conn))
    if (this.view && !this.loading) {
      this.sendSnapshot(conn)
      if (this.degraded) this.send(conn, JSON.stringify({ type: 'status', state: 'degraded', reason: 'redis unavailable' }), 'status')
    }
    return conn
  }

  private detach(conn: FeedConnection): void {
    if (!this.clients.delete(conn)) return
    const m = this.deps.metrics
    m.wsClients.set(this.clients.size)
    for (const g of [m.wallHeapMb, m.wallFps, m.wallSeq, m.wallReconnects]) g.remove(conn.screen)
  }

  /** For tests and /metrics: where each viewer stands. */
  stats() {
    return {
      seq: this.view?.seq ?? -1,
      day: this.view?.day,
      degraded: this.degraded,
      clients: [...this.clients].map((c) => ({
        id: c.id,
        sentSeq: c.sentSeq,
        buffered: c.buffered,
        owed: c.owedSnapshot,
        since: c.backedUpSince,
        heldCells: c.held ? Object.keys({ ...c.held.now, ...c.held.today, ...c.held.year, ...c.held.daily }).length : 0,
      })),
    }
  }

  private onPublish(message: string): void {
    const pub = JSON.parse(message) as Published
    if (this.loading || !this.view) {
      this.arrivedWhileLoading.push(pub)
      return
    }
    this.applyPublished(this.view, pub)
  }

  /** Applies a publish to `view`; false on a gap (a publish was missed: reload). */
  private applyPublished(view: WallState, pub: Published): boolean {
    if (pub.seq <= view.seq) return true
    if (pub.from !== view.seq + 1) {
      void this.reload(`gap: have ${view.seq}, got ${pub.from}..${pub.seq}`)
      return false
    }
    const delta = deltaOf(pub, view, this.window)
    applyDelta(view, delta)
    this.pending = this.pending ? mergeDelta(this.pending, delta) : delta
    return true
  }

  /** Reads a fresh snapshot from Redis and sends it to every viewer. Retries while Redis is down. */
  reload(reason: string): Promise<void> {
    if (this.loading) return this.loading
    this.deps.log.info({ reason }, 'feed reloading snapshot')
    this.loading = (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        this.arrivedWhileLoading = []
        try {
          const now = this.deps.clock()
          const state = await this.deps.store.readState(regionDay(now, this.deps.region.timeZone), now)
          this.window = new Set(dailyWindow(state.day))
          // Publishes that came in while we read: newer than the snapshot ones must follow it exactly.
          const arrived = this.arrivedWhileLoading.sort((a, b) => a.from - b.from)
          this.arrivedWhileLoading = []
          let gap = false
          for (const pub of arrived) {
            if (pub.seq <= state.seq) continue
            if (pub.from !== state.seq + 1) {
              gap = true
              break
            }
            applyDelta(state, deltaOf(pub, state, this.window))
          }
          if (gap) continue
          this.view = state
          this.pending = null
          this.lastKpis = computeKpis(state)
          this.snapshotJson = null
          this.degraded = this.subscriber.status !== 'ready'
          for (const c of this.clients) this.sendSnapshot(c)
          this.deps.metrics.feedLive.set(this.degraded ? 0 : 1)
          return
        } catch (err) {
          this.deps.log.warn({ err, attempt }, 'feed snapshot read failed; retrying')
          await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)))
        }
      }
    })().finally(() => {
      this.loading = null
    })
    return this.loading
  }

  private setDegraded(reason: string): void {
    if (this.degraded || this.stopped) return
    this.degraded = true
    this.deps.metrics.feedLive.set(0)
    this.deps.log.warn({ reason }, 'feed degraded')
    const json = JSON.stringify({ type: 'status', state: 'degraded', reason })
    for (const c of this.clients) this.send(c, json, 'status')
  }

  /** Sends what changed since the last flush, once serialized, to every viewer in step. */
  flush(): void {
    const view = this.view
    if (view && this.pending) {
      const delta = this.pending
      this.pending = null
      const kpis = computeKpis(view)
      const changed: Record<string, number | null> = {}
      for (const [k, v] of Object.entries(kpis)) if (this.lastKpis?.[k as keyof Kpis] !== v) changed[k] = v
      this.lastKpis = kpis
      if (Object.keys(changed).length) delta.kpis = changed
      const json = JSON.stringify(delta)
      for (const c of this.clients) this.deliver(c, delta, json)
      this.deps.metrics.flushes.inc()
    }
    this.serviceBackedUp()
  }

  private deliver(c: FeedConnection, delta: Delta, json: string): void {
    if (c.sentSeq < 0 || delta.seq <= c.sentSeq || c.owedSnapshot) return // the (owed) snapshot carries it
    if (c.held || c.buffered > this.opts.highWaterBytes) {
      c.hold(delta)
      if (!c.backedUpSince) c.backedUpSince = Date.now()
      return
    }
    if (delta.from !== c.sentSeq + 1) return this.sendSnapshot(c)
    this.send(c, json, 'delta')
    c.sentSeq = delta.seq
  }

  /** Backed-up viewers: send their merged changes once they drain; close them if they never do. */
  private serviceBackedUp(): void {
    for (const c of this.clients) {
      if (!c.held && !c.owedSnapshot) continue
      if (c.buffered <= this.opts.highWaterBytes / 2) {
        const held = c.held
        c.held = null
        c.backedUpSince = 0
        if (held && !c.owedSnapshot && held.from === c.sentSeq + 1) {
          this.send(c, JSON.stringify(held), 'delta')
          c.sentSeq = held.seq
        } else this.sendSnapshot(c)
      } else if (Date.now() - c.backedUpSince > this.opts.slowCloseMs) {
        this.deps.metrics.slowDrops.inc()
        this.detach(c)
        c.socket.close(CLOSE.slowConsumer, 'slow consumer: reconnect for a snapshot')
      }
    }
  }

  /** A snapshot now, or, while the socket is backed up, once it drains: never more than one queued. */
  private sendSnapshot(c: FeedConnection): void {
    const view = this.view
    if (!view) return
    c.held = null
    if (c.buffered > this.opts.highWaterBytes) {
      c.owedSnapshot = true
      if (!c.backedUpSince) c.backedUpSince = Date.now()
      return
    }
    if (this.snapshotJson?.seq !== view.seq) {
      this.snapshotJson = { seq: view.seq, json: JSON.stringify({ type: 'snapshot', ...buildSnapshot(view, this.deps.region) }) }
    }
    c.owedSnapshot = false
    c.backedUpSince = 0
    this.send(c, this.snapshotJson.json, 'snapshot')
    c.sentSeq = view.seq
  }

  private send(c: FeedConnection, json: string, type: string): void {
    if (c.socket.readyState !== 1) return
    c.socket.send(json)
    this.deps.metrics.wsMessages.inc({ type })
    this.deps.metrics.wsBytes.inc(Buffer.byteLength(json))
  }

  private async sendDigests(): Promise<void> {
    const view = this.view
    if (!view || this.loading) return
    this.flush()
    const json = JSON.stringify({ type: 'digest', seq: view.seq, hash: stateDigest(view) })
    for (const c of this.clients) if (c.sentSeq === view.seq && !c.held && !c.owedSnapshot) this.send(c, json, 'digest')
    await this.checkCaughtUp(view.seq)
  }

  /**
   * A publish lost while the subscription was being re-established leaves the view behind with
   * nothing to reveal it in a quiet period. Redis ahead of us twice in a row at the same seq: reload.
   */
  private async checkCaughtUp(viewSeq: number): Promise<void> {
    try {
      const redisSeq = await this.deps.store.currentSeq()
      if (redisSeq <= viewSeq) this.behindAt = -1
      else if (this.behindAt === viewSeq) void this.reload('behind redis with no publish')
      else this.behindAt = viewSeq
    } catch {
      /* Redis down: the subscriber's close already marked us degraded */
    }
  }

  private checkDayRollover(): void {
    const view = this.view
    if (view && !this.loading && regionDay(this.deps.clock(), this.deps.region.timeZone) !== view.day) {
      void this.reload('day rollover')
    }
  }

  private pingAll(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.socket.terminate()
        continue
      }
      c.alive = false
      c.socket.ping()
    }
  }

  private onClientMessage(c: FeedConnection, text: string): void {
    let msg: ClientMessage
    try {
      msg = JSON.parse(text) as ClientMessage
    } catch {
      return
    }
    switch (msg.type) {
      case 'resync':
        this.deps.metrics.resyncs.inc()
        this.sendSnapshot(c)
        return
      case 'ping':
        this.send(c, JSON.stringify({ type: 'pong', t: msg.t }), 'pong')
        return
      case 'health':
        this.recordHealth(c, msg)
        return
    }
  }

  private recordHealth(c: FeedConnection, msg: Extract<ClientMessage, { type: 'health' }>): void {
    const m = this.deps.metrics
    if (typeof msg.screen === 'string' && /^[\w.:-]{1,40}$/.test(msg.screen) && msg.screen !== c.screen) {
      for (const g of [m.wallHeapMb, m.wallFps, m.wallSeq, m.wallReconnects]) g.remove(c.screen)
      c.screen = msg.screen
    }
    const set = (g: typeof m.wallFps, v: unknown) => {
      if (typeof v === 'number' && Number.isFinite(v)) g.set({ screen: c.screen }, v)
    }
    set(m.wallHeapMb, msg.heapMb)
    set(m.wallFps, msg.fps)
    set(m.wallSeq, msg.seq)
    set(m.wallReconnects, msg.reconnects)
  }
}
