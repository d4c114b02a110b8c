import WebSocket from 'ws'
import { FeedClient, type SocketLike } from '../../client/feed/feed-client.ts'
import { stateDigest } from '../../shared/state.ts'
import type { WallState } from '../../shared/protocol.ts'
import { serveParent, memoryAfterGc } from '../lib/child.ts'
import { Histogram, clockMs, sleep } from '../lib/stats.ts'

// A viewer process: holds many websocket viewers at once. `feed` viewers are the wall's own
// FeedClient (snapshot, deltas, gap and digest checks); `raw` viewers are plain `ws` clients of the
// bare broadcast baseline, which stamps each message with its send time.

interface Viewer {
  /** Messages and payload bytes received since the last reset. */
  messages: number
  bytes: number
  byType: Record<string, number>
  /** (seq, clockMs) each time this viewer's state moved to a new seq since the last reset. */
  seqs: number[]
  times: number[]
  feed?: FeedClient
  raw?: WebSocket
  /** Has had its first message (or, raw, is connected). */
  opened: boolean
}

const viewers: Viewer[] = []
let mode: 'feed' | 'raw' = 'feed'
const rawLatency = new Histogram()
let windowStart = clockMs()

function countMessage(v: Viewer, data: WebSocket.RawData): string {
  const text = String(data)
  v.messages++
  v.bytes += Buffer.isBuffer(data) ? data.length : Buffer.byteLength(text)
  // The type is near the start of every message; no need to parse it twice.
  const type = /"type":"(\w+)"/.exec(text.slice(0, 40))?.[1] ?? 'other'
  v.byType[type] = (v.byType[type] ?? 0) + 1
  return text
}

function openFeedViewer(url: string): Viewer {
  const v: Viewer = { messages: 0, bytes: 0, byType: {}, seqs: [], times: [], opened: false }
  v.feed = new FeedClient({
    url,
    socket: (u) => {
      const ws = new WebSocket(u)
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

function openRawViewer(url: string): Viewer {
  const v: Viewer = { messages: 0, bytes: 0, byType: {}, seqs: [], times: [], opened: false }
  const ws = new WebSocket(url)
  ws.on('message', (data) => {
    const msg = JSON.parse(countMessage(v, data)) as { t: number; seq: number }
    const now = clockMs()
    v.opened = true
    rawLatency.record(now - msg.t)
  })
  ws.on('open', () => (v.opened = true))
  ws.on('error', () => {})
  v.raw = ws
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
  /** Opens `count` viewers, `perBatch` at a time, and waits until each has its first message. */
  async open(args: {
    url: string
    count: number
    mode: 'feed' | 'raw'
    perBatch?: number
    timeoutMs?: number
  }) {
    mode = args.mode
    const perBatch = args.perBatch ?? 50
    for (let i = 0; i < args.count; i += perBatch) {
      for (let k = i; k < Math.min(args.count, i + perBatch); k++) {
        viewers.push(mode === 'feed' ? openFeedViewer(args.url) : openRawViewer(args.url))
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

  /** What the viewers received since the last reset, and (given the answered map) event-to-viewer latency. */
  report(args: { answeredSeq?: Float64Array; answeredAt?: Float64Array }) {
    const seconds = (clockMs() - windowStart) / 1000
    const latency = new Histogram()
    let missed = 0
    if (mode === 'feed' && args.answeredSeq && args.answeredAt) {
      for (const v of viewers) missed += eventToViewer(v, args.answeredSeq, args.answeredAt, latency)
    }
    const byType: Record<string, number> = {}
    let maxMessages = 0
    for (const v of viewers) {
      for (const [t, n] of Object.entries(v.byType)) byType[t] = (byType[t] ?? 0) + n
      maxMessages = Math.max(maxMessages, v.messages)
    }
    const feeds = viewers.map((v) => v.feed).filter((f): f is FeedClient => !!f)
    return {
      viewers: viewers.length,
      seconds,
      messages: viewers.reduce((s, v) => s + v.messages, 0),
      bytes: viewers.reduce((s, v) => s + v.bytes, 0),
      maxMessages,
      byType,
      latency: (mode === 'feed' ? latency : rawLatency).toData(),
      missed,
      reconnects: feeds.reduce((s, f) => s + f.reconnects, 0),
      resyncs: feeds.reduce((s, f) => s + f.resyncs, 0),
      live:
        mode === 'feed'
          ? feeds.filter((f) => f.status === 'live').length
          : viewers.filter((v) => v.raw?.readyState === 1).length,
    }
  },

  /** Each viewer's seq and state digest (the burst checks that every one equals the server's). */
  digests() {
    const counts: Record<string, number> = {}
    for (const v of viewers) {
      const s = v.feed?.state
      const key = s ? `${s.seq}:${stateDigest(s)}` : 'none'
      counts[key] = (counts[key] ?? 0) + 1
    }
    return counts
  },

  /** The raw state one viewer holds. */
  state(args: { index: number }) {
    return viewers[args.index]?.feed?.state ?? null
  },

  memory: () => memoryAfterGc(),

  close() {
    for (const v of viewers) {
      v.feed?.stop()
      v.raw?.terminate()
    }
    viewers.length = 0
    return {}
  },
})
