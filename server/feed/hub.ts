import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import { applyDelta, compactDelta, mergeInto, stateDigest } from '../../shared/state.ts'
import { buildSnapshot, computeKpis, dailyWindow, type Kpis } from '../../shared/summary.ts'
import { withCellIndex } from '../../shared/cells.ts'
import { regionDay } from '../../shared/time.ts'
import type { ClientMessage, Delta, WallState } from '../../shared/protocol.ts'
import { readClientFrame } from './client-frame.ts'
import type { Region } from '../../shared/region.ts'
import type { RegionStore } from '../store/store.ts'
import type { Metrics } from '../plugins/metrics.ts'
import { FeedConnection } from './connection.ts'
import { CLOSE, SCREEN_NAME } from '../../shared/protocol.ts'
import { deltaOf, readPublished, type Published } from './publish.ts'

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
  /**
   * Delta bytes a viewer is sent per second, on average (every viewer in step gets the same). At
   * high ingest rates a flush waits for the budget while changes keep merging (a cell changed
   * twice is sent once): a wall's bandwidth stays bounded whatever the rate.
   */
  bytesPerSecond: number
}

export const HUB_DEFAULTS: HubOptions = {
  flushMs: 100,
  digestMs: 5_000,
  pingMs: 15_000,
  highWaterBytes: 256 * 1024,
  slowCloseMs: 30_000,
  // Under 30 KB/s per viewer (issue 6) over any 10 s, a full bucket at the start and digests and
  // pongs included.
  bytesPerSecond: 28 * 1024,
}

/** A stray message on the updates channel is logged at most this often (see onBadPublish). */
const BAD_PUBLISH_LOG_EVERY_MS = 60_000
/** How long a fan-out writes before letting requests in (see fanOut). */
const SEND_SLICE_MS = 25
/**
 * Room kept for the headline numbers, which are known only once the delta is applied (only while a
 * viewer asked for them: the wall works them out from the cells itself).
 */
const KPIS_RESERVE = 600

/** A delta encoded once for all viewers: without the headline numbers, and with them for those who asked. */
interface Encoded {
  data: Buffer
  withKpis: Buffer
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
  /**
   * The state as of the last flush: exactly what every viewer in step holds, the state digests
   * hash and snapshots are made of (a snapshot is never taken between flushes).
   */
  private view: WallState | null = null
  /** What Redis published since the last flush, merged; applied to the view when flushed. */
  private pending: Delta | null = null
  private lastKpis: Kpis | null = null
  /** Viewers that asked for the headline numbers in their deltas (`/ws?kpis=1`). */
  private kpisViewers = 0
  private window = new Set<string>()
  /** The snapshot message of the view's seq, encoded once for every viewer that needs it. */
  private snapshotData: { seq: number; data: Buffer } | null = null
  /** Delta bytes that may be sent now (a token bucket, refilled at bytesPerSecond). */
  private tokens: number
  private refilledAt = Date.now()
  /** Bytes the budget lacked for the pending changes at the last try (0: none held back). */
  private shortBy = 0
  /** When the last delta was sent. */
  private sentAt = 0
  private fanningOut = false
  /** A flush came due while a fan-out was still being written: it runs as soon as that ends. */
  private flushDueAfterFanOut = false
  private flushTimer: ReturnType<typeof setTimeout> | undefined
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
  private badPublishLoggedAt = 0

  constructor(
    private readonly deps: HubDeps,
    private readonly opts: HubOptions = HUB_DEFAULTS,
  ) {
    this.tokens = this.bucketSize
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
    this.flushLoop()
    every(this.opts.digestMs, () => void this.sendDigests())
    every(this.opts.pingMs, () => this.pingAll())
    every(1_000, () => this.checkDayRollover())
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.flushTimer)
    for (const t of this.timers) clearInterval(t)
    for (const c of this.clients) c.socket.close(CLOSE.shuttingDown, 'server shutting down')
    this.subscriber.disconnect()
  }

  /** Takes a new viewer. Call before any await so no message is missed. */
  attach(socket: WebSocket, opts: { kpis?: boolean } = {}): FeedConnection {
    const conn = new FeedConnection(socket, this.nextId++, opts.kpis ?? false)
    // An upgrade already past the router when the server began to close: kept open, nothing would
    // ever close it (its pings would still be answered), and the server's close would wait for ever.
    if (this.stopped) {
      socket.close(CLOSE.shuttingDown, 'server shutting down')
      return conn
    }
    this.clients.add(conn)
    if (conn.wantsKpis) this.kpisViewers++
    this.deps.metrics.wsClients.set(this.clients.size)
    socket.on('message', (data, isBinary) => this.onClientFrame(conn, readClientFrame(data, isBinary)))
    socket.on('pong', () => (conn.alive = true))
    socket.on('close', () => this.detach(conn))
    if (this.view && !this.loading) {
      this.sendSnapshot(conn)
      if (this.degraded)
        this.send(
          conn,
          JSON.stringify({ type: 'status', state: 'degraded', reason: 'redis unavailable' }),
          'status',
        )
    }
    return conn
  }

  private detach(conn: FeedConnection): void {
    if (!this.clients.delete(conn)) return
    // The last one gone: changes are no longer tracked, so the next one gets every number at first.
    if (conn.wantsKpis && --this.kpisViewers === 0) this.lastKpis = null
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
        heldCells: c.held
          ? Object.keys({ ...c.held.now, ...c.held.today, ...c.held.year, ...c.held.daily }).length
          : 0,
      })),
    }
  }

  private onPublish(message: string): void {
    const pub = readPublished(message)
    if (!pub) return this.onBadPublish(message)
    if (this.loading || !this.view) {
      this.arrivedWhileLoading.push(pub)
      return
    }
    this.applyPublished(this.view, pub)
  }

  /** The last seq published to this node (flushed or pending). */
  private get lastSeq(): number {
    return this.pending?.seq ?? this.view?.seq ?? -1
  }

  /** Adds a publish to the pending changes; false on a gap (a publish was missed: reload). */
  private applyPublished(view: WallState, pub: Published): boolean {
    const last = this.lastSeq
    if (pub.seq <= last) return true
    if (pub.from !== last + 1) {
      void this.reload(`gap: have ${last}, got ${pub.from}..${pub.seq}`)
      return false
    }
    const delta = deltaOf(pub, view, this.window)
    this.pending = this.pending ? mergeInto(this.pending, delta) : delta
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
          // Redis behind what this node already showed: it lost data (restarted without its AOF, or
          // flushed). The wall now shows what Redis holds; the operator must hear of it.
          if (this.view && state.seq < this.view.seq)
            this.deps.log.error(
              { was: this.view.seq, now: state.seq },
              'Redis went back in time: it holds fewer events than it did (restarted without its data, or flushed); the wall shows what it holds now',
            )
          this.view = state
          this.pending = null
          this.lastKpis = withCellIndex(() => computeKpis(state))
          this.snapshotData = null
          this.degraded = this.subscriber.status !== 'ready'
          for (const c of this.clients) this.sendSnapshot(c)
          this.deps.metrics.feedLive.set(this.degraded ? 0 : 1)
          // The line an operator looks for after "feed degraded": when it ended.
          if (!this.degraded) this.deps.log.info({ seq: state.seq, viewers: this.clients.size }, 'feed live')
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

  /** Half a second's worth: a short burst (an import, a shift's reports at once) is not delayed. */
  private get bucketSize(): number {
    return this.opts.bytesPerSecond / 2
  }

  /**
   * Flushes every flushMs, counted from when each flush began (the time sending takes does not push
   * the next one back); when the byte budget held changes back, tries again as soon as it will
   * allow them (not a whole flushMs later: that would double the wait).
   */
  private readonly flushLoop = (): void => {
    if (this.stopped) return
    const tickAt = Date.now()
    const sentBefore = this.sentAt
    this.flush()
    if (this.sentAt !== sentBefore) this.sentAt = tickAt
    const now = Date.now()
    const due = this.shortBy
      ? Math.max(this.sentAt + this.opts.flushMs, now + (this.shortBy / this.opts.bytesPerSecond) * 1000)
      : tickAt + this.opts.flushMs
    this.flushTimer = setTimeout(this.flushLoop, Math.max(5, due - now))
    this.flushTimer.unref()
  }

  /**
   * Sends what changed since the last flush, encoded once, to every viewer in step — when the
   * byte budget allows; otherwise the changes keep merging until it does.
   */
  flush(): void {
    const view = this.view
    this.shortBy = 0
    // The last delta is still going out: the changes since follow as soon as it is out (waiting for
    // the next tick would add up to a whole flushMs to their way to the screens).
    if (this.fanningOut) {
      this.flushDueAfterFanOut = true
      return
    }
    this.flushDueAfterFanOut = false
    if (view && this.pending) {
      const wire = this.affordable(view, this.pending)
      if (wire) {
        const delta = this.pending
        this.pending = null
        applyDelta(view, delta)
        const data = Buffer.from(JSON.stringify(wire))
        const withKpis = this.kpisViewers ? this.withChangedKpis(view, delta, wire, data) : data
        this.tokens -= withKpis.length
        this.sentAt = Date.now()
        void this.fanOut([...this.clients], delta, { data, withKpis })
        this.deps.metrics.flushes.inc()
      }
    }
    this.serviceBackedUp()
  }

  /**
   * `wire` with the headline numbers that changed (also noted on `delta`, for backed-up viewers);
   * `data` (wire as encoded) when none did.
   */
  private withChangedKpis(view: WallState, delta: Delta, wire: Delta, data: Buffer): Buffer {
    const kpis = withCellIndex(() => computeKpis(view))
    const changed: Record<string, number | null> = {}
    for (const [k, v] of Object.entries(kpis)) if (this.lastKpis?.[k as keyof Kpis] !== v) changed[k] = v
    this.lastKpis = kpis
    if (!Object.keys(changed).length) return data
    delta.kpis = changed
    return Buffer.from(JSON.stringify({ ...wire, kpis: changed }))
  }

  /**
   * The pending changes as sent (compact, against the view every viewer in step holds) if the
   * byte budget allows them now; null: wait and keep merging. Changes bigger than the whole bucket
   * go once it is full, so nothing waits forever.
   */
  private affordable(view: WallState, pending: Delta): Delta | null {
    const now = Date.now()
    this.tokens = Math.min(
      this.bucketSize,
      this.tokens + ((now - this.refilledAt) * this.opts.bytesPerSecond) / 1000,
    )
    this.refilledAt = now
    const wire = compactDelta(view, pending)
    const bytes = Buffer.byteLength(JSON.stringify(wire)) + (this.kpisViewers ? KPIS_RESERVE : 0)
    const affordable = bytes <= this.tokens || this.tokens >= this.bucketSize
    this.shortBy = affordable ? 0 : Math.min(bytes, this.bucketSize) - this.tokens
    return affordable ? wire : null
  }

  /**
   * Delivers a delta to `targets`, letting the event loop in every SEND_SLICE_MS: a socket write
   * costs ~10-20 µs, so thousands in one go would hold the node's requests back for 100 ms.
   */
  private async fanOut(targets: FeedConnection[], delta: Delta, data: Encoded): Promise<void> {
    this.fanningOut = true
    try {
      let sliceStart = Date.now()
      for (let i = 0; i < targets.length; i++) {
        if ((i & 63) === 0 && Date.now() - sliceStart >= SEND_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve))
          sliceStart = Date.now()
        }
        this.deliver(targets[i], delta, data)
      }
    } finally {
      this.fanningOut = false
      // A turn of the event loop first (this slice's requests have waited SEND_SLICE_MS already),
      // then through the flush loop, which counts the next flushMs from this one.
      if (this.flushDueAfterFanOut && !this.stopped)
        setImmediate(() => {
          if (!this.flushDueAfterFanOut || this.fanningOut || this.stopped) return
          clearTimeout(this.flushTimer)
          this.flushLoop()
        })
    }
  }

  /** `delta` plain (held for a backed-up viewer), `data` its compact encodings (sent to one in step). */
  private deliver(c: FeedConnection, delta: Delta, data: Encoded): void {
    if (c.sentSeq < 0 || delta.seq <= c.sentSeq || c.owedSnapshot) return // the (owed) snapshot carries it
    if (c.held || c.buffered > this.opts.highWaterBytes) {
      c.hold(delta)
      if (!c.backedUpSince) c.backedUpSince = Date.now()
      return
    }
    if (delta.from !== c.sentSeq + 1) return this.sendSnapshot(c)
    this.send(c, c.wantsKpis ? data.withKpis : data.data, 'delta')
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
          const { kpis, ...plain } = held
          this.send(c, JSON.stringify(c.wantsKpis ? held : plain), 'delta')
          c.sentSeq = held.seq
        } else this.sendSnapshot(c)
      } else if (Date.now() - c.backedUpSince > this.opts.slowCloseMs) {
        this.deps.metrics.slowDrops.inc()
        this.detach(c)
        c.socket.close(CLOSE.slowConsumer, 'slow consumer: reconnect for a snapshot')
      }
    }
  }

  /**
   * A snapshot of the view (the last flush: the next delta follows on from it), or, while the
   * socket is backed up, once it drains: never more than one owed.
   */
  private sendSnapshot(c: FeedConnection): void {
    const view = this.view
    if (!view) return
    c.held = null
    if (c.buffered > this.opts.highWaterBytes) {
      c.owedSnapshot = true
      if (!c.backedUpSince) c.backedUpSince = Date.now()
      return
    }
    if (this.snapshotData?.seq !== view.seq) {
      const json = JSON.stringify({ type: 'snapshot', ...buildSnapshot(view, this.deps.region) })
      this.snapshotData = { seq: view.seq, data: Buffer.from(json) }
    }
    c.owedSnapshot = false
    c.backedUpSince = 0
    this.send(c, this.snapshotData.data, 'snapshot')
    c.sentSeq = view.seq
  }

  /**
   * Sends a text message. Messages for many viewers come encoded once as a Buffer: ws then frames
   * the same bytes for every socket instead of encoding the string again for each.
   */
  private send(c: FeedConnection, message: Buffer | string, type: string): void {
    if (c.socket.readyState !== 1) return
    c.socket.send(message, { binary: false })
    this.deps.metrics.wsMessages.inc({ type })
    this.deps.metrics.wsBytes.inc(typeof message === 'string' ? Buffer.byteLength(message) : message.length)
  }

  private async sendDigests(): Promise<void> {
    const view = this.view
    if (!view || this.loading) return
    this.flush()
    const data = Buffer.from(JSON.stringify({ type: 'digest', seq: view.seq, hash: stateDigest(view) }))
    for (const c of this.clients)
      if (c.sentSeq === view.seq && !c.held && !c.owedSnapshot) this.send(c, data, 'digest')
    await this.checkCaughtUp(this.lastSeq)
  }

  /**
   * A publish lost while the subscription was being re-established leaves the view behind with
   * nothing to reveal it in a quiet period. Redis ahead of us twice in a row at the same seq: reload.
   */
  private async checkCaughtUp(seenSeq: number): Promise<void> {
    try {
      const redisSeq = await this.deps.store.currentSeq()
      if (redisSeq <= seenSeq) this.behindAt = -1
      else if (this.behindAt === seenSeq) void this.reload('behind redis with no publish')
      else this.behindAt = seenSeq
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

  /**
   * Something on the updates channel that no script of ours published. It is ignored, and since a
   * publish of ours may have been lost with it, the node reloads (a reload is one snapshot read, and
   * runs once however many arrive meanwhile). Logged once per quiet spell, not once per message.
   */
  private onBadPublish(message: string): void {
    this.deps.metrics.badPublishes.inc()
    const now = Date.now()
    if (now - this.badPublishLoggedAt > BAD_PUBLISH_LOG_EVERY_MS) {
      this.badPublishLoggedAt = now
      this.deps.log.error(
        { channel: this.deps.store.keys.updates, message: message.slice(0, 200) },
        'a message on the updates channel is not a publish of Lookout: ignored, reloading from Redis (who else publishes there?)',
      )
    }
    void this.reload('a message on the updates channel was not a publish')
  }

  private onClientFrame(c: FeedConnection, frame: ReturnType<typeof readClientFrame>): void {
    if (!frame.ok) {
      this.deps.metrics.badFrames.inc({ reason: frame.reason })
      this.detach(c)
      c.socket.close(frame.code, `not a message a viewer may send (${frame.reason})`)
      return
    }
    const msg = frame.msg
    switch (msg.type) {
      case 'resync':
        this.deps.metrics.resyncs.inc()
        this.sendSnapshot(c)
        return
      case 'ping':
        // A backed-up socket gets no pongs: they would only queue behind what it cannot read.
        if (c.held || c.buffered > this.opts.highWaterBytes) return
        this.send(c, JSON.stringify({ type: 'pong', t: msg.t }), 'pong')
        return
      case 'health':
        this.recordHealth(c, msg)
        return
    }
  }

  /**
   * `name`, or `name~<id>` when another viewer has it already (one link opened on two screens, two
   * tabs of one browser): two screens must not take turns on one series.
   */
  private unusedScreenName(name: string, c: FeedConnection): string {
    for (const other of this.clients) if (other !== c && other.screen === name) return `${name}~${c.id}`
    return name
  }

  private recordHealth(c: FeedConnection, msg: Extract<ClientMessage, { type: 'health' }>): void {
    const m = this.deps.metrics
    // Worked out at every report: a screen that reconnected while its old socket still held the name
    // takes it back once that socket is gone.
    const name =
      typeof msg.screen === 'string' && SCREEN_NAME.test(msg.screen)
        ? this.unusedScreenName(msg.screen, c)
        : c.screen
    if (name !== c.screen) {
      for (const g of [m.wallHeapMb, m.wallFps, m.wallSeq, m.wallReconnects]) g.remove(c.screen)
      c.screen = name
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
