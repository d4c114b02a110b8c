import { Redis } from 'ioredis'
import { serveParent } from '../lib/child.ts'
import { Histogram, clockMs } from '../lib/stats.ts'

// The EVALSHA baseline's driver, redis-benchmark style: `connections` connections each keep
// `pipeline` EVALSHA commands of the ingest script in flight for a fixed time. Every `__rand_int__`
// in the template becomes a fresh random number per command, as redis-benchmark -r does, so every
// event is new. (redis-benchmark itself cannot carry a 500-event batch: one argv string is at most
// 128 KB on Linux, and -x reads only the last argument, which for this script is not the batch.)

interface RunArgs {
  url: string
  sha: string
  key: string
  /** The script's ARGV with `__rand_int__` placeholders. */
  argv: string[]
  connections: number
  pipeline: number
  seconds: number
  warmupSeconds: number
}

function filler(template: string): () => string {
  const parts = template.split('__rand_int__')
  if (parts.length === 1) return () => template
  return () => {
    let out = parts[0]
    for (let i = 1; i < parts.length; i++)
      out += String(Math.floor(Math.random() * 1e12)).padStart(12, '0') + parts[i]
    return out
  }
}

serveParent({
  async run(args: RunArgs) {
    const fills = args.argv.map(filler)
    const conns = Array.from(
      { length: args.connections },
      () => new Redis(args.url, { enableAutoPipelining: false }),
    )
    await Promise.all(conns.map((c) => c.ping()))
    const latency = new Histogram()
    let commands = 0
    let errors = 0
    let firstError: string | undefined
    const start = clockMs()
    const measureFrom = start + args.warmupSeconds * 1000
    const end = measureFrom + args.seconds * 1000
    await Promise.all(
      conns.map(async (conn) => {
        while (clockMs() < end) {
          const p = conn.pipeline()
          for (let i = 0; i < args.pipeline; i++) p.evalsha(args.sha, 1, args.key, ...fills.map((f) => f()))
          const t0 = clockMs()
          const results = (await p.exec()) ?? []
          const t1 = clockMs()
          if (t0 < measureFrom || t1 > end) continue
          for (const [err] of results) {
            if (err) {
              errors++
              firstError ??= String(err)
            }
          }
          commands += results.length
          latency.record(t1 - t0, results.length)
        }
      }),
    )
    for (const c of conns) c.disconnect()
    return { commands, seconds: args.seconds, errors, firstError, latency: latency.toData() }
  },
})
