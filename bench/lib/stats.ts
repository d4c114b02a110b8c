// Latency histograms that merge across processes: fixed 0.1 ms buckets up to 30 s (above: the last
// bucket), sent between processes as their non-empty buckets only.

const BUCKET_MS = 0.1
const BUCKETS = 300_000

export interface HistogramData {
  /** [bucket index, count] of the non-empty buckets. */
  buckets: [number, number][]
  count: number
  sumMs: number
  maxMs: number
  /** Samples below 0 (clock edges between processes), counted as 0. */
  negative: number
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS)
  count = 0
  sumMs = 0
  maxMs = 0
  negative = 0

  record(ms: number, times = 1): void {
    if (ms < 0) {
      this.negative += times
      ms = 0
    }
    this.counts[Math.min(BUCKETS - 1, Math.floor(ms / BUCKET_MS))] += times
    this.count += times
    this.sumMs += ms * times
    if (ms > this.maxMs) this.maxMs = ms
  }

  reset(): void {
    this.counts.fill(0)
    this.count = this.sumMs = this.maxMs = this.negative = 0
  }

  merge(data: HistogramData): void {
    for (const [i, n] of data.buckets) this.counts[i] += n
    this.count += data.count
    this.sumMs += data.sumMs
    this.negative += data.negative
    this.maxMs = Math.max(this.maxMs, data.maxMs)
  }

  /** The value below which `q` (0..1) of the samples fall, in ms (bucket upper edge). */
  quantile(q: number): number {
    if (!this.count) return NaN
    const rank = Math.max(1, Math.ceil(q * this.count))
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]
      if (seen >= rank) return Math.min(this.maxMs, (i + 1) * BUCKET_MS)
    }
    return this.maxMs
  }

  summary() {
    return {
      count: this.count,
      meanMs: round(this.count ? this.sumMs / this.count : NaN, 2),
      p50Ms: round(this.quantile(0.5), 2),
      p99Ms: round(this.quantile(0.99), 2),
      maxMs: round(this.maxMs, 2),
    }
  }

  toData(): HistogramData {
    const buckets: [number, number][] = []
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]])
    return { buckets, count: this.count, sumMs: this.sumMs, maxMs: this.maxMs, negative: this.negative }
  }

  static from(parts: HistogramData[]): Histogram {
    const h = new Histogram()
    for (const p of parts) h.merge(p)
    return h
  }
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Milliseconds on a clock every process on this machine shares. */
export const clockMs = () => performance.timeOrigin + performance.now()

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
