import WebSocket from 'ws'
import { FeedClient, type SocketLike } from '../../client/feed/feed-client.ts'
import { stateDigest } from '../../shared/state.ts'
import type { WallState } from '../../shared/protocol.ts'
import { serveParent, memoryAfterGc } from '../lib/child.ts'
import { Histogram, clockMs, sleep } from '../lib/stats.ts'
import type { ViewerTrace } from '../lib/trace.ts'

// A viewer process: holds many websocket viewers at once.
// - `full` viewers are the wall's own FeedClient: snapshot, deltas applied, gap and digest checks.
//   They prove the state is right; each costs ~50 µs per delta, so a process holds a sample of them.
// - `light` viewers are plain sockets that note, from the head of each message, which seq it
//   brings them to (and whether it follows on from the last): the server does the same work for
//   them, and their timing is the server's, not that of a process applying 5,000 deltas at once.
// - `raw` viewers are clients of the bare broadcast baseline, which stamps each message's send time.

interface Viewer {
  /** Messages and payload bytes received since the last reset. */
  messages: number
  bytes: number
  byType: Record<string, number>
  /** (seq, clockMs) each time this viewer moved to a new seq since the last reset. */
  seqs: number[]
  times: number[]
  /** Light viewers: the seq held, and deltas that did not follow on from it. */
  seq: number
  gaps: number
  feed?: FeedClient
  socket?: WebSocket
  /** Has had its first message (raw: is connected). */
  opened: boolean
}

const viewers: Viewer[] = []
let mode: 'feed' | 'raw' = 'feed'
const rawLatency = new Histogram()
let windowStart = clockMs()
const pingTimers: ReturnType<typeof setInterval>[] = []

const newViewer = (): Viewer => ({
  messages: 0,
  bytes: 0,
  byType: {},
  seqs: [],
  times: [],
  seq: -1,
  gaps: 0,
  opened: false,
})

/** Counts a message and returns its head (type, from, seq and the baseline's stamp come first). */
function countMessage(v: Viewer, data: WebSocket.RawData): string {
  const buffer = data as Buffer
  v.messages++
  v.bytes += buffer.length
  const head = buffer.toString('latin1', 0, 96)
  const type = /"type":"(\w+)"/.exec(head)?.[1] ?? 'other'
  v.byType[type] = (v.byType[type] ?? 0) + 1
  return head
}

function openFullViewer(url: string): Viewer {
  const v = newViewer()
  v.feed = new FeedClient({
    url,
    socket: (u) => {
      const ws = new WebSocket(u)
      v.socket = ws // the latest: its port is the one the server writes to (bench/lib/trace.ts)
      ws.on('message', (data) => countMessage(v, data))
      return ws as unknown as SocketLike
    },
    onState: (state: WallState) => {
      v.opened = true
      v.seqs.push(state.seq)
      v.times.push(clockMs())
    },
    backoffBaseMs: 200,
    backoffMaxMs: 2_000,
  })
  v.feed.start()
  return v
}

function openLightViewer(url: string): Viewer {
  const v = newViewer()
  const ws = new WebSocket(url)
  ws.on('message', (data) => {
    const head = countMessage(v, data)
    const m = /^\{"type":"(snapshot|delta)"(?:,"from":(\d+))?,"seq":(\d+)/.exec(head)
    if (!m) return
    const seq = Number(m[3])
    if (m[1] === 'delta' && Number(m[2]) !== v.seq + 1) v.gaps++
    if (seq <= v.seq && m[1] === 'delta') return
    v.seq = seq
    v.opened = true
    v.seqs.push(seq)
    v.times.push(clockMs())
  })
  ws.on('error', () => {})
  // The wall's FeedClient pings every 5 s; so do these, so the server answers as many pongs.
  const timer = setInterval(
    () => ws.readyState === 1 && ws.send(JSON.stringify({ type: 'ping', t: Date.now() })),
    5000,
  )
  pingTimers.push(timer)
  v.socket = ws
  return v
}

function openRawViewer(url: string): Viewer {
  const v = newViewer()
  const ws = new WebSocket(url)
  ws.on('message', (data) => {
    const head = countMessage(v, data)
    const now = clockMs()
    v.opened = true
    rawLatency.record(now - Number(/"t":([\d.]+)/.exec(head)?.[1]))
  })
  ws.on('open', () => (v.opened = true))
  ws.on('error', () => {})
  v.socket = ws
  return v
}

/**
 * Event-to-viewer latency: for every applied seq, when this viewer first held it (the first state
 * at or past it) minus when its POST was answered. Both lists are sorted by seq.
 */
function eventToViewer(
  v: Viewer,
  answeredSeq: Float64Array,
  answeredAt: Float64Array,
  into: Histogram,
): number {
  let missed = 0
  let j = 0
  for (let i = 0; i < answeredSeq.length; i++) {
    const seq = answeredSeq[i]
    while (j < v.seqs.length && v.seqs[j] < seq) j++
    if (j === v.seqs.length) {
      missed++
      continue
    }
    into.record(v.times[j] - answeredAt[i])
  }
  return missed
}

serveParent({
  /**
   * Opens `count` viewers, `perBatch` at a time, and waits until each has its first message.
   * In feed mode the first `full` are FeedClients, the rest light.
   */
  async open(args: {
    url: string
    count: number
    mode: 'feed' | 'raw'
    full?: number
    perBatch?: number
    timeoutMs?: number
  }) {
    mode = args.mode
    const perBatch = args.perBatch ?? 50
    const full = args.full ?? args.count
    for (let i = 0; i < args.count; i += perBatch) {
      for (let k = i; k < Math.min(args.count, i + perBatch); k++) {
        if (mode === 'raw') viewers.push(openRawViewer(args.url))
        else viewers.push(k < full ? openFullViewer(args.url) : openLightViewer(args.url))
      }
      await sleep(10)
    }
    const until = Date.now() + (args.timeoutMs ?? 60_000)
    while (Date.now() < until && viewers.some((v) => !v.opened)) await sleep(50)
    return { opened: viewers.filter((v) => v.opened).length }
  },

  /** Starts a measuring window: counters and seq records back to zero. */
  reset() {
    windowStart = clockMs()
    rawLatency.reset()
    for (const v of viewers) {
      v.messages = 0
      v.bytes = 0
      v.byType = {}
      v.seqs = []
      v.times = []
    }
    return { viewers: viewers.length }
  },

  /**
   * What the viewers received since the last reset, and (given the answered map) event-to-viewer
   * latency: for all viewers, and for the FeedClient ones alone.
   */
  report(args: { answeredSeq?: Float64Array; answeredAt?: Float64Array }) {
    const seconds = (clockMs() - windowStart) / 1000
    const latency = new Histogram()
    const fullLatency = new Histogram()
    let missed = 0
    if (mode === 'feed' && args.answeredSeq && args.answeredAt) {
      // The headline is the light viewers' (the server's timing, as the raw viewers' is the bare
      // broadcast's); the FeedClient ones add applying each delta, and are reported apart.
      for (const v of viewers)
        missed += eventToViewer(v, args.answeredSeq, args.answeredAt, v.feed ? fullLatency : latency)
    }
    const byType: Record<string, number> = {}
    let maxMessages = 0
    for (const v of viewers) {
      for (const [t, n] of Object.entries(v.byType)) byType[t] = (byType[t] ?? 0) + n
      maxMessages = Math.max(maxMessages, v.messages)
    }
    const feeds = viewers.map((v) => v.feed).filter((f): f is FeedClient => !!f)
    const lights = viewers.filter((v) => !v.feed && mode === 'feed')
    return {
      viewers: viewers.length,
      full: feeds.length,
      seconds,
      messages: viewers.reduce((s, v) => s + v.messages, 0),
      bytes: viewers.reduce((s, v) => s + v.bytes, 0),
      maxMessages,
      byType,
      latency: (mode === 'feed' ? latency : rawLatency).toData(),
      fullLatency: fullLatency.toData(),
      missed,
      gaps: lights.reduce((s, v) => s + v.gaps, 0),
      reconnects: feeds.reduce((s, f) => s + f.reconnects, 0),
      resyncs: feeds.reduce((s, f) => s + f.resyncs, 0),
      live:
        feeds.filter((f) => f.status === 'live').length +
        viewers.filter((v) => !v.feed && v.socket?.readyState === 1).length,
    }
  },

  /**
   * Where each viewer stands: FeedClients by seq and state digest, light viewers by seq (and
   * whether every delta followed on from the last). The burst checks them all against the server.
   */
  digests() {
    const counts: Record<string, number> = {}
    for (const v of viewers) {
      const s = v.feed?.state
      const key = v.feed
        ? s
          ? `${s.seq}:${stateDigest(s)}`
          : 'none'
        : `${v.seq}:light${v.gaps ? `:gaps${v.gaps}` : ''}`
      counts[key] = (counts[key] ?? 0) + 1
    }
    return counts
  },

  /** The raw state one viewer holds. */
  state(args: { index: number }) {
    return viewers[args.index]?.feed?.state ?? null
  },

  /** The viewers on these ports (the ones the node traced): when each held each seq. */
  trace(args: { ports: number[] }): ViewerTrace[] {
    const wanted = new Set(args.ports)
    return viewers.flatMap((v) => {
      const port = (v.socket as unknown as { _socket?: { localPort?: number } })?._socket?.localPort
      return port && wanted.has(port) ? [{ port, seqs: v.seqs, times: v.times }] : []
    })
  },

  memory: () => memoryAfterGc(),

  close() {
    for (const t of pingTimers) clearInterval(t)
    pingTimers.length = 0
    for (const v of viewers) {
      v.feed?.stop()
      v.socket?.terminate()
    }
    viewers.length = 0
    return {}
  },
})
