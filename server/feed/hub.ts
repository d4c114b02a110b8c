import type { WebSocket } from 'ws'
import { compactDelta, stateDigest } from '../../shared/state.ts'
import { computeKpis, type Kpis } from '../../shared/summary.ts'
import { withCellIndex } from '../../shared/cells.ts'
import type { Delta, WallState } from '../../shared/protocol.ts'
import { CLOSE } from '../../shared/protocol.ts'
import { readClientFrame } from './client-frame.ts'
import { FeedConnection } from './connection.ts'
import { RedisMirror, type MirrorDeps } from './mirror.ts'
import { FlushPacer } from './pacing.ts'
import { ScreenHealth } from './screens.ts'
import { ViewerSockets } from './viewers.ts'

// One per server node (DESIGN.md "Wire protocol"). The parts, each readable on its own:
// - mirror.ts: the region's state as Redis holds it (snapshot + the updates channel);
// - pacing.ts: when to flush (every flushMs, within a byte budget);
// - viewers.ts: the viewers' sockets (in step, backed up, slow);
// - screens.ts: what each screen reports of its health.
// The hub wires them: a flush turns the mirror's pending changes into one encoded delta for all.

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

/**
 * Room kept for the headline numbers, which are known only once the delta is applied (only while a
 * viewer asked for them: the wall works them out from the cells itself).
 */
const KPIS_RESERVE = 600

export type HubDeps = MirrorDeps

export class FeedHub {
  private readonly mirror: RedisMirror
  private readonly pacer: FlushPacer
  private readonly viewers: ViewerSockets
  private readonly screens: ScreenHealth
  /** The headline numbers last sent, while a viewer asks for them (see withChangedKpis). */
  private lastKpis: Kpis | null = null
  private stopped = false
  private readonly timers: ReturnType<typeof setInterval>[] = []

  constructor(
    private readonly deps: HubDeps,
    private readonly opts: HubOptions = HUB_DEFAULTS,
  ) {
    this.mirror = new RedisMirror(deps, {
      reloaded: (view) => this.onReloaded(view),
      degraded: (reason) => this.viewers.sendAll(statusMessage(reason), 'status'),
      changed: () => this.pacer.changesArrived(),
    })
    this.pacer = new FlushPacer(opts, () => this.flush())
    this.screens = new ScreenHealth(deps.metrics)
    this.viewers = new ViewerSockets(opts, {
      region: deps.region,
      metrics: deps.metrics,
      view: () => this.mirror.view,
      gone: (c) => {
        // The last one gone: changes are no longer tracked, so the next one gets every number at first.
        if (c.wantsKpis && this.viewers.kpisViewers === 0) this.lastKpis = null
        this.screens.forget(c)
      },
    })
  }

  /** What Redis published since the last flush, waiting for one (tests look at it). */
  get pending(): Delta | null {
    return this.mirror.pending
  }

  async start(): Promise<void> {
    await this.mirror.start()
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms)
      t.unref()
      this.timers.push(t)
    }
    this.pacer.start()
    every(this.opts.digestMs, () => void this.sendDigests())
    every(this.opts.pingMs, () => this.viewers.pingAll())
    every(1_000, () => this.mirror.checkDayRollover())
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.pacer.stop()
    for (const t of this.timers) clearInterval(t)
    this.viewers.closeAll(CLOSE.shuttingDown, 'server shutting down')
    this.mirror.stop()
  }

  /** Takes a new viewer. Call before any await so no message is missed. */
  attach(socket: WebSocket, opts: { kpis?: boolean } = {}): FeedConnection {
    // An upgrade already past the router when the server began to close: kept open, nothing would
    // ever close it (its pings would still be answered), and the server's close would wait for ever.
    if (this.stopped) {
      socket.close(CLOSE.shuttingDown, 'server shutting down')
      return new FeedConnection(socket, 0, false)
    }
    const conn = this.viewers.add(socket, opts.kpis ?? false)
    socket.on('message', (data, isBinary) => this.onClientFrame(conn, readClientFrame(data, isBinary)))
    socket.on('pong', () => (conn.alive = true))
    socket.on('close', () => this.viewers.remove(conn))
    if (this.mirror.view && !this.mirror.isLoading) {
      this.viewers.sendSnapshot(conn)
      if (this.mirror.degraded) this.viewers.send(conn, statusMessage('redis unavailable'), 'status')
    }
    return conn
  }

  /** For tests and /metrics: where each viewer stands. */
  stats() {
    const view = this.mirror.view
    return {
      seq: view?.seq ?? -1,
      day: view?.day,
      degraded: this.mirror.degraded,
      clients: [...this.viewers].map((c) => ({
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

  /** Reads a fresh snapshot from Redis and sends it to every viewer. Retries while Redis is down. */
  reload(reason: string): Promise<void> {
    return this.mirror.reload(reason)
  }

  private onReloaded(view: WallState): void {
    this.lastKpis = withCellIndex(() => computeKpis(view))
    this.viewers.viewReplaced()
    for (const c of this.viewers) this.viewers.sendSnapshot(c)
    // A snapshot tells a wall it is live: one the node cannot vouch for says so right after.
    if (this.mirror.degraded) this.viewers.sendAll(statusMessage('redis unavailable'), 'status')
  }

  /**
   * Sends what changed since the last flush, encoded once, to every viewer in step — when the
   * byte budget allows; otherwise the changes keep merging until it does.
   */
  flush(): void {
    if (!this.pacer.mayFlush()) return
    const view = this.mirror.view
    const pending = this.mirror.pending
    if (view && pending && this.viewers.size === 0) {
      // Nobody to send it to (a node that only takes events): applied, never encoded.
      this.mirror.applyPending()
      this.pacer.spend(0)
    } else if (view && pending) {
      const wire = compactDelta(view, pending)
      const data = Buffer.from(JSON.stringify(wire))
      const kpisViewers = this.viewers.kpisViewers
      if (this.pacer.affords(data.length + (kpisViewers ? KPIS_RESERVE : 0))) {
        const delta = this.mirror.applyPending()!
        const withKpis = kpisViewers ? this.withChangedKpis(view, delta, wire, data) : data
        this.pacer.spend(withKpis.length)
        this.pacer.fanOutBegins()
        void this.viewers.fanOut(delta, { data, withKpis }, () => this.pacer.fanOutEnded())
        this.deps.metrics.flushes.inc()
      }
    }
    this.viewers.serviceBackedUp()
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

  private async sendDigests(): Promise<void> {
    const view = this.mirror.view
    if (!view || this.mirror.isLoading) return
    this.flush()
    const data = Buffer.from(JSON.stringify({ type: 'digest', seq: view.seq, hash: stateDigest(view) }))
    this.viewers.sendDigest(view.seq, data)
    await this.mirror.checkCaughtUp()
  }

  private onClientFrame(c: FeedConnection, frame: ReturnType<typeof readClientFrame>): void {
    if (!frame.ok) {
      this.deps.metrics.badFrames.inc({ reason: frame.reason })
      this.viewers.remove(c)
      c.socket.close(frame.code, `not a message a viewer may send (${frame.reason})`)
      return
    }
    const msg = frame.msg
    switch (msg.type) {
      case 'resync':
        this.deps.metrics.resyncs.inc()
        this.viewers.sendSnapshot(c)
        return
      case 'ping':
        if (this.viewers.backedUp(c)) return
        this.viewers.send(c, JSON.stringify({ type: 'pong', t: msg.t }), 'pong')
        return
      case 'health':
        this.screens.record(c, msg, this.viewers)
        return
    }
  }
}

const statusMessage = (reason: string) => JSON.stringify({ type: 'status', state: 'degraded', reason })
