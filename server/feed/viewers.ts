import type { WebSocket } from 'ws'
import { buildSnapshot } from '../../shared/summary.ts'
import type { Delta, WallState } from '../../shared/protocol.ts'
import { CLOSE } from '../../shared/protocol.ts'
import type { Region } from '../../shared/region.ts'
import type { Metrics } from '../plugins/metrics.ts'
import { FeedConnection } from './connection.ts'

// This node's viewers' sockets: who is in step, who is backed up (their changes held and merged),
// and the writing itself (snapshots, deltas, digests, status, pings).

/** How long a fan-out writes before letting requests in (see fanOut). */
const SEND_SLICE_MS = 25

export interface SocketOptions {
  /** A socket with more than this queued is "backed up": its changes are held and merged. */
  highWaterBytes: number
  /** Backed up for longer than this: closed with 4008 (it reconnects and gets a snapshot). */
  slowCloseMs: number
}

/** A delta encoded once for all viewers: without the headline numbers, and with them for those who asked. */
export interface Encoded {
  data: Buffer
  withKpis: Buffer
}

export class ViewerSockets implements Iterable<FeedConnection> {
  private readonly clients = new Set<FeedConnection>()
  private nextId = 1
  /** Viewers that asked for the headline numbers in their deltas (`/ws?kpis=1`). */
  kpisViewers = 0
  /** The snapshot message of the view's seq, encoded once for every viewer that needs it. */
  private snapshotData: { seq: number; data: Buffer } | null = null

  constructor(
    private readonly opts: SocketOptions,
    private readonly deps: {
      region: Region
      metrics: Metrics
      /** The view a snapshot is made of (the last flush). */
      view: () => WallState | null
      /** A viewer is gone (closed, dropped as slow). */
      gone: (c: FeedConnection) => void
    },
  ) {}

  [Symbol.iterator]() {
    return this.clients[Symbol.iterator]()
  }

  get size(): number {
    return this.clients.size
  }

  add(socket: WebSocket, wantsKpis: boolean): FeedConnection {
    const conn = new FeedConnection(socket, this.nextId++, wantsKpis)
    this.clients.add(conn)
    if (conn.wantsKpis) this.kpisViewers++
    this.deps.metrics.wsClients.set(this.clients.size)
    return conn
  }

  /** Forgets a viewer; false when it was gone already. */
  remove(conn: FeedConnection): boolean {
    if (!this.clients.delete(conn)) return false
    if (conn.wantsKpis) this.kpisViewers--
    this.deps.metrics.wsClients.set(this.clients.size)
    this.deps.gone(conn)
    return true
  }

  /** The view changed under every snapshot encoded so far. */
  viewReplaced(): void {
    this.snapshotData = null
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.clients) c.socket.close(code, reason)
  }

  /**
   * Sends a text message. Messages for many viewers come encoded once as a Buffer: ws then frames
   * the same bytes for every socket instead of encoding the string again for each.
   */
  send(c: FeedConnection, message: Buffer | string, type: string): void {
    const bytes = this.write(c, message)
    if (!bytes) return
    this.deps.metrics.wsMessages.inc({ type })
    this.deps.metrics.wsBytes.inc(bytes)
  }

  /** Writes a text message if the socket is open; the bytes written (0: it was not). No metrics. */
  private write(c: FeedConnection, message: Buffer | string): number {
    if (c.socket.readyState !== 1) return 0
    c.socket.send(message, { binary: false })
    return typeof message === 'string' ? Buffer.byteLength(message) : message.length
  }

  /** One message to every viewer (a status change). */
  sendAll(message: string, type: string): void {
    const data = Buffer.from(message)
    for (const c of this.clients) this.send(c, data, type)
  }

  /**
   * A snapshot of the view (the last flush: the next delta follows on from it), or, while the
   * socket is backed up, once it drains: never more than one owed.
   */
  sendSnapshot(c: FeedConnection): void {
    const view = this.deps.view()
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
   * Delivers a delta to every viewer, letting the event loop in every SEND_SLICE_MS: a socket write
   * costs ~10-20 µs, so thousands in one go would hold the node's requests back for 100 ms.
   * `done` runs once it is all written: at once, before this returns, when it took one slice.
   */
  async fanOut(delta: Delta, data: Encoded, done: () => void): Promise<void> {
    // Counted once a slice, not per socket: the metrics' label lookups cost as much as a write.
    let sent = 0
    let bytes = 0
    const count = () => {
      this.deps.metrics.wsMessages.inc({ type: 'delta' }, sent)
      this.deps.metrics.wsBytes.inc(bytes)
      sent = bytes = 0
    }
    try {
      const targets = [...this.clients]
      let sliceStart = Date.now()
      for (let i = 0; i < targets.length; i++) {
        if ((i & 63) === 0 && Date.now() - sliceStart >= SEND_SLICE_MS) {
          count()
          await new Promise((resolve) => setImmediate(resolve))
          sliceStart = Date.now()
        }
        const written = this.deliver(targets[i], delta, data)
        if (written) sent++
        bytes += written
      }
    } finally {
      count()
      done()
    }
  }

  /**
   * `delta` plain (held for a backed-up viewer), `data` its compact encodings (sent to one in step).
   * Returns the bytes it wrote itself (counted by fanOut), 0 when it held, skipped or sent a snapshot.
   */
  private deliver(c: FeedConnection, delta: Delta, data: Encoded): number {
    if (c.sentSeq < 0 || delta.seq <= c.sentSeq || c.owedSnapshot) return 0 // the (owed) snapshot carries it
    if (c.held || c.buffered > this.opts.highWaterBytes) {
      c.hold(delta)
      if (!c.backedUpSince) c.backedUpSince = Date.now()
      return 0
    }
    if (delta.from !== c.sentSeq + 1) {
      this.sendSnapshot(c)
      return 0
    }
    c.sentSeq = delta.seq
    return this.write(c, c.wantsKpis ? data.withKpis : data.data)
  }

  /** Backed-up viewers: send their merged changes once they drain; close them if they never do. */
  serviceBackedUp(): void {
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
        this.remove(c)
        c.socket.close(CLOSE.slowConsumer, 'slow consumer: reconnect for a snapshot')
      }
    }
  }

  /** A digest to every viewer that holds exactly `seq` (the others have changes on the way). */
  sendDigest(seq: number, data: Buffer): void {
    for (const c of this.clients)
      if (c.sentSeq === seq && !c.held && !c.owedSnapshot) this.send(c, data, 'digest')
  }

  /** A backed-up socket gets no pongs: they would only queue behind what it cannot read. */
  backedUp(c: FeedConnection): boolean {
    return c.held !== null || c.buffered > this.opts.highWaterBytes
  }

  pingAll(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.socket.terminate()
        continue
      }
      c.alive = false
      c.socket.ping()
    }
  }
}
