import { clockMs } from './stats.ts'

// Where an event's way to a viewer goes, in three stages: waiting for the flush (POST answered →
// the hub's flush that carries it begins), the viewer's place in the fan-out (flush begins → its
// socket is written), and the wire (written → the viewer holds it). The node records flushes and
// the writes of a sample of viewers, known by their port; the viewers record when they held each
// seq and on which port. All times are clockMs(), comparable across processes on one machine.

/** Flushes that sent a delta: the delta's seq and when the flush began. */
export interface FlushTrace {
  seqs: number[]
  at: number[]
}

/** Per traced port: the seq of each delta written to it, and when. */
export type WriteTrace = Record<number, { seqs: number[]; at: number[] }>

export class NodeTracer {
  flushes: FlushTrace = { seqs: [], at: [] }
  writes: WriteTrace = {}

  reset(): void {
    this.flushes = { seqs: [], at: [] }
    this.writes = {}
  }

  flushed(seq: number, at: number): void {
    this.flushes.seqs.push(seq)
    this.flushes.at.push(at)
  }

  /** A message written to the viewer on `port`: noted when it is a delta. */
  wrote(port: number, message: Buffer | string): void {
    const head = typeof message === 'string' ? message.slice(0, 64) : message.toString('latin1', 0, 64)
    const m = /^\{"type":"delta","from":\d+,"seq":(\d+)/.exec(head)
    if (!m) return
    const w = (this.writes[port] ??= { seqs: [], at: [] })
    w.seqs.push(Number(m[1]))
    w.at.push(clockMs())
  }
}

/** A traced viewer, as its process reports it: its port and when it held each seq. */
export interface ViewerTrace {
  port: number
  seqs: number[]
  times: number[]
}

/** Index of the first entry of sorted `seqs` at or past `seq` (seqs.length when none). */
function firstAtOrPast(seqs: number[], seq: number): number {
  let lo = 0
  let hi = seqs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (seqs[mid] < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The three stages of every (answered event, traced viewer) pair that can be followed end to end. */
export function stages(
  answeredSeq: Float64Array | number[],
  answeredAt: Float64Array | number[],
  flushes: FlushTrace,
  writes: WriteTrace,
  viewers: ViewerTrace[],
): { wait: number[]; place: number[]; wire: number[] } {
  const out = { wait: [] as number[], place: [] as number[], wire: [] as number[] }
  for (let i = 0; i < answeredSeq.length; i++) {
    const seq = answeredSeq[i]
    const f = firstAtOrPast(flushes.seqs, seq)
    if (f === flushes.seqs.length) continue
    const flushAt = flushes.at[f]
    for (const v of viewers) {
      const w = writes[v.port]
      if (!w) continue
      const k = firstAtOrPast(w.seqs, seq)
      const r = firstAtOrPast(v.seqs, seq)
      if (k === w.seqs.length || r === v.seqs.length) continue
      out.wait.push(flushAt - answeredAt[i])
      out.place.push(w.at[k] - flushAt)
      out.wire.push(v.times[r] - w.at[k])
    }
  }
  return out
}
