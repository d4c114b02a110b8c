import { loadRegion } from '../../server/region.ts'
import { serveParent } from '../lib/child.ts'
import { HttpConnection, type HttpAnswer } from '../lib/http-client.ts'
import { EventMix } from '../lib/mix.ts'
import { Histogram, clockMs, sleep, type HistogramData } from '../lib/stats.ts'

// The load process: posts the realistic mix to a server, either flat out from a fixed number of
// connections (throughput) or at a fixed rate (fan-out, burst), and reports what was answered.

type Sent = ReturnType<EventMix['next']>

interface Tally {
  requests: number
  events: number
  applied: number
  duplicates: number
  errors: Record<string, number>
  firstError?: string
}

export interface LoadResult extends Tally {
  seconds: number
  latency: HistogramData
}

export interface RateResult extends LoadResult {
  /** Seq of every applied event and when the POST that applied it was answered (clockMs). */
  answeredSeq: Float64Array
  answeredAt: Float64Array
  /** Requests that had to wait for a free connection (the server fell behind the rate). */
  late: number
}

const region = loadRegion({ region: '321283' })
let mix: EventMix | null = null
let baseUrl = ''

function body(batch: number): Sent[] {
  const sent: Sent[] = []
  for (let i = 0; i < batch; i++) sent.push(mix!.next())
  return sent
}

function payload(sent: Sent[], batch: number): string {
  return batch === 1 ? sent[0].json : `{"events":[${sent.map((s) => s.json).join(',')}]}`
}

const newTally = (): Tally => ({ requests: 0, events: 0, applied: 0, duplicates: 0, errors: {} })

/** Counts one answer; returns the applied events' last seq and count (for the answered map). */
function count(t: Tally, answer: HttpAnswer, events: number): { seq: number; applied: number } | null {
  t.requests++
  if (answer.status !== 200) {
    t.errors[answer.status] = (t.errors[answer.status] ?? 0) + 1
    t.firstError ??= `${answer.status} ${answer.body.slice(0, 300)}`
    return null
  }
  t.events += events
  if (!answer.body.startsWith('{"applied"')) return null // a baseline's answer
  const reply = JSON.parse(answer.body) as { applied: string[]; duplicates: string[]; seq: number }
  t.applied += reply.applied.length
  t.duplicates += reply.duplicates.length
  return { seq: reply.seq, applied: reply.applied.length }
}

async function openConnections(n: number): Promise<HttpConnection[]> {
  return Promise.all(Array.from({ length: n }, () => HttpConnection.open(baseUrl)))
}

serveParent({
  /** Points the loader at a server and registers the mix's enterprises there. */
  async setup(args: {
    url: string
    tag: string
    seed?: number
    duplicateShare: number
    enterprises?: number
    register: boolean
  }) {
    baseUrl = args.url
    mix = new EventMix({
      region,
      tag: args.tag,
      seed: args.seed,
      duplicateShare: args.duplicateShare,
      enterprises: args.enterprises,
    })
    if (!args.register) return { registered: 0 }
    const registry = mix.registry()
    const [conn] = await openConnections(1)
    for (let i = 0; i < registry.length; i += 200) {
      const events = registry.slice(i, i + 200)
      const answer = await conn.request('POST', '/api/events', JSON.stringify({ events }))
      if (answer.status !== 200) throw new Error(`registering enterprises: ${answer.status} ${answer.body}`)
      mix.acknowledge(
        events.map((event) => ({ json: JSON.stringify(event), event })),
        true,
      )
    }
    conn.close()
    return { registered: registry.length }
  },

  /** Posts `count` events of the mix in batches (state for the wall to show), as fast as answered. */
  async seed(args: { count: number; batch: number }) {
    const [conn] = await openConnections(1)
    const tally = newTally()
    for (let n = 0; n < args.count; n += args.batch) {
      const sent = body(Math.min(args.batch, args.count - n))
      const answer = await conn.request('POST', '/api/events', payload(sent, 2))
      count(tally, answer, sent.length)
      mix!.acknowledge(sent, answer.status === 200)
    }
    conn.close()
    return tally
  },

  /** Throughput: `connections` each post, wait for the answer, post again, for `seconds` after a warm-up. */
  async closed(args: {
    path: string
    connections: number
    seconds: number
    warmupSeconds: number
    batch: number
  }): Promise<LoadResult> {
    const conns = await openConnections(args.connections)
    const latency = new Histogram()
    const tally = newTally()
    const warmTally = newTally()
    const start = clockMs()
    const measureFrom = start + args.warmupSeconds * 1000
    const end = measureFrom + args.seconds * 1000
    await Promise.all(
      conns.map(async (conn) => {
        for (;;) {
          const sent = body(args.batch)
          const t0 = clockMs()
          if (t0 >= end) break
          const answer = await conn.request('POST', args.path, payload(sent, args.batch))
          const t1 = clockMs()
          mix!.acknowledge(sent, answer.status === 200)
          // Answers that arrive inside the window count (as autocannon counts), whenever they were asked.
          if (t1 >= measureFrom && t1 <= end) {
            count(tally, answer, sent.length)
            latency.record(t1 - t0)
          } else count(warmTally, answer, sent.length)
        }
      }),
    )
    for (const c of conns) c.close()
    return { ...tally, seconds: args.seconds, latency: latency.toData() }
  },

  /** Fixed rate: `eventsPerSecond` in requests of `batch` events, spread evenly, for `seconds`. */
  async rate(args: {
    eventsPerSecond: number
    batch: number
    seconds: number
    maxConnections?: number
  }): Promise<RateResult> {
    const requestsPerSecond = args.eventsPerSecond / args.batch
    const idle: HttpConnection[] = await openConnections(Math.min(16, Math.ceil(requestsPerSecond / 50) + 2))
    let open = idle.length
    const maxConnections = args.maxConnections ?? 128
    const latency = new Histogram()
    const tally = newTally()
    const seqs: number[] = []
    const times: number[] = []
    let late = 0
    let inFlight = 0
    const start = clockMs()
    const end = start + args.seconds * 1000
    const total = Math.round(requestsPerSecond * args.seconds)

    const post = async (conn: HttpConnection) => {
      inFlight++
      const sent = body(args.batch)
      const t0 = clockMs()
      try {
        const answer = await conn.request('POST', '/api/events', payload(sent, args.batch))
        const t1 = clockMs()
        latency.record(t1 - t0)
        mix!.acknowledge(sent, answer.status === 200)
        const applied = count(tally, answer, sent.length)
        if (applied) {
          for (let s = applied.seq - applied.applied + 1; s <= applied.seq; s++) {
            seqs.push(s)
            times.push(t1)
          }
        }
      } catch (err) {
        tally.errors.network = (tally.errors.network ?? 0) + 1
        tally.firstError ??= String(err)
      } finally {
        inFlight--
        if (conn.usable) idle.push(conn)
        else open--
      }
    }

    let issued = 0
    while (issued < total) {
      const due = Math.min(total, Math.floor(((clockMs() - start) / 1000) * requestsPerSecond) + 1)
      while (issued < due) {
        let conn = idle.pop()
        if (!conn && open < maxConnections) {
          open++
          conn = await HttpConnection.open(baseUrl)
        }
        if (!conn) {
          late++
          break
        }
        issued++
        void post(conn)
      }
      const nextAt = start + ((issued + 1) / requestsPerSecond) * 1000
      await sleep(Math.max(0, Math.min(5, nextAt - clockMs())))
      if (clockMs() > end + 30_000) break // hopelessly behind: stop issuing
    }
    while (inFlight > 0) await sleep(5)
    for (const c of idle) c.close()
    return {
      ...tally,
      seconds: (clockMs() - start) / 1000,
      latency: latency.toData(),
      answeredSeq: Float64Array.from(seqs),
      answeredAt: Float64Array.from(times),
      late,
    }
  },
})
