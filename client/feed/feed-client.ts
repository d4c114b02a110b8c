import { applyDelta, stateDigest } from '../../shared/state.ts'
import type { ClientMessage, Delta, FeedState, ServerMessage, WallState } from '../../shared/protocol.ts'

// The client side of the wire protocol, in plain TypeScript: the wall, the tests and the benchmark use it.
// Connect, hold the state (snapshot + deltas), detect gaps, verify digests, reconnect with full-jitter
// backoff, and say honestly whether the data is live.

/** connecting: never had data yet; live: in step with the server; degraded: connected but the
 * server or our state is not current (Redis down, resyncing); offline: no connection, retrying. */
export type FeedStatus = 'connecting' | 'live' | 'degraded' | 'offline'

/** The subset of the browser WebSocket this client uses (Node's `ws` package fits too). */
export interface SocketLike {
  readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}
export type SocketFactory = (url: string) => SocketLike

export interface FeedClientOptions {
  url: string
  /** How to open a socket; defaults to the global WebSocket. */
  socket?: SocketFactory
  /** Sent as the first message ({ type: 'auth' }) when set. */
  token?: string
  /** Called after every change of state (snapshot or applied delta). */
  onState?: (state: WallState, kind: 'snapshot' | 'delta') => void
  onStatus?: (status: FeedStatus) => void
  /** Each time the server ends a connection, with its close code (4401: the token was refused). */
  onClose?: (code: number, reason: string) => void
  /** App-level ping interval; any message from the server counts as a sign of life. */
  pingMs?: number
  /** No message for this long: the connection is dead, reconnect. */
  deadAfterMs?: number
  backoffBaseMs?: number
  backoffMaxMs?: number
  now?: () => number
  /** Test hook: return true to drop a server message as if it never arrived. */
  dropMessage?: (msg: ServerMessage) => boolean
}

export class FeedClient {
  state: WallState | null = null
  /** The last snapshot message whole (region, views), for consumers that want the server's derivations. */
  status: FeedStatus = 'connecting'
  /** When the data was last confirmed current (ms): a snapshot, delta, digest or pong while live. */
  lastUpdate = 0
  reconnects = 0
  resyncs = 0
  /** Why the last connection ended (4008: too slow a reader; 4401: token refused...). */
  lastClose: { code: number; reason: string } | null = null
  private socket: SocketLike | null = null
  private serverState: FeedState = 'live'
  private attempt = 0
  private stopped = true
  private lastMessageAt = 0
  private pingTimer: ReturnType<typeof setInterval> | undefined
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private awaitingSnapshot = true
  private readonly opts: Required<
    Omit<FeedClientOptions, 'token' | 'onState' | 'onStatus' | 'onClose' | 'dropMessage'>
  > &
    FeedClientOptions

  constructor(opts: FeedClientOptions) {
    this.opts = {
      socket: (url) => new WebSocket(url) as unknown as SocketLike,
      pingMs: 5_000,
      deadAfterMs: 12_000,
      backoffBaseMs: 500,
      backoffMaxMs: 15_000,
      now: () => Date.now(),
      ...opts,
    }
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.connect()
    this.pingTimer = setInterval(() => this.heartbeat(), this.opts.pingMs)
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.pingTimer)
    clearTimeout(this.retryTimer)
    this.drop(1000, 'client stopped')
  }

  /** Asks the server for a fresh snapshot (after a gap or a digest mismatch). */
  resync(): void {
    this.resyncs++
    this.awaitingSnapshot = true
    this.setStatus(this.state ? 'degraded' : 'connecting')
    this.send({ type: 'resync' })
  }

  send(msg: ClientMessage): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(msg))
  }

  private connect(): void {
    const socket = this.opts.socket(this.opts.url)
    this.socket = socket
    this.awaitingSnapshot = true
    this.lastMessageAt = this.opts.now()
    // Every handler checks that its socket is still the current one: a stale socket's events are ignored.
    socket.onopen = () => {
      if (socket !== this.socket) return
      this.attempt = 0
      if (this.opts.token) this.send({ type: 'auth', token: this.opts.token })
    }
    socket.onmessage = (ev) => {
      if (socket !== this.socket) return
      this.lastMessageAt = this.opts.now()
      let msg: ServerMessage
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage
      } catch {
        return
      }
      if (this.opts.dropMessage?.(msg)) return
      this.handle(msg)
    }
    socket.onclose = (ev) => {
      if (socket !== this.socket) return
      this.lastClose = { code: ev.code, reason: ev.reason }
      this.socket = null
      this.opts.onClose?.(ev.code, ev.reason)
      this.scheduleReconnect()
    }
    socket.onerror = () => {
      /* onclose follows */
    }
  }

  private handle(msg: ServerMessage): void {
    switch (msg.type) {
      case 'snapshot': {
        const { type: _type, ...rest } = msg
        this.state = {
          seq: rest.seq,
          day: rest.day,
          asOf: rest.asOf,
          now: rest.now,
          today: rest.today,
          year: rest.year,
          daily: rest.daily,
          ticker: rest.ticker,
          overdue: rest.overdue,
          // A server of a build from before alarms sends none.
          alarms: rest.alarms ?? [],
        }
        this.awaitingSnapshot = false
        this.serverState = 'live'
        this.confirmed()
        this.opts.onState?.(this.state, 'snapshot')
        return
      }
      case 'delta':
        return this.onDelta(msg)
      case 'digest':
        if (!this.state || this.awaitingSnapshot) return
        if (msg.seq === this.state.seq) {
          if (msg.hash !== stateDigest(this.state)) return this.resync()
          this.confirmed()
        } else if (msg.seq > this.state.seq) {
          // The server is ahead with nothing on the way to us: we missed something.
          return this.resync()
        }
        return
      case 'status':
        this.serverState = msg.state
        if (msg.state === 'degraded') this.setStatus('degraded')
        else if (!this.awaitingSnapshot) this.confirmed()
        return
      case 'pong':
        if (!this.awaitingSnapshot) this.confirmed()
        return
    }
  }

  private onDelta(delta: Delta): void {
    if (!this.state || this.awaitingSnapshot) return
    const result = applyDelta(this.state, delta)
    if (result === 'gap') return this.resync()
    if (result === 'applied') {
      this.confirmed()
      this.opts.onState?.(this.state, 'delta')
    }
  }

  /** The data is known current now (if the server says it is live). */
  private confirmed(): void {
    if (this.serverState !== 'live') return this.setStatus('degraded')
    this.lastUpdate = this.opts.now()
    this.setStatus('live')
  }

  private heartbeat(): void {
    if (!this.socket) return
    if (this.opts.now() - this.lastMessageAt > this.opts.deadAfterMs) {
      // Silent for too long: the connection is dead even if TCP has not noticed.
      this.drop(4000, 'heartbeat timeout')
      this.scheduleReconnect()
      return
    }
    this.send({ type: 'ping', t: this.opts.now() })
  }

  private drop(code: number, reason: string): void {
    const s = this.socket
    this.socket = null
    if (s && s.readyState <= 1) {
      try {
        s.close(code, reason)
      } catch {
        /* already closing */
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    this.setStatus(this.state ? 'offline' : 'connecting')
    clearTimeout(this.retryTimer)
    // Full jitter: a random wait up to an exponentially growing cap, so a room of screens
    // does not reconnect in lockstep after a server restart.
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** this.attempt)
    this.attempt++
    this.retryTimer = setTimeout(() => {
      this.reconnects++
      this.connect()
    }, Math.random() * cap)
  }

  private setStatus(status: FeedStatus): void {
    if (status === this.status) return
    this.status = status
    this.opts.onStatus?.(status)
  }
}
