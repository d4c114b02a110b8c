import type { LookoutEvent } from '../../shared/events.ts'
import { RegionSchema, type Region } from '../../shared/region.ts'
import { Simulation } from './generator.ts'
import { EventSender, RejectedBatch, sleep, type IngestAnswer } from './sender.ts'

// A simulation run against a server: read the region from it, send the backfill, then keep a live
// flow going at `rate` events a second until stopped. Talks to the server only over its public API.

export interface RunOptions {
  /** The server, e.g. http://127.0.0.1:3000. */
  url: string
  /** A reporter or admin token, for a server with tokens on. */
  token?: string
  seed: number
  /** Live events per second. */
  rate?: number
  /** Days of history sent first, today included. */
  backfillDays?: number
  /** Whether to go on with the live flow after the backfill. */
  live?: boolean
  /** Stop the live flow once this many events were sent (tests, smoke runs). */
  liveEvents?: number
  /** Most events in one POST (the server's BATCH_LIMIT, 500 by default). */
  batchSize?: number
  /** The simulation's clock: the time events happen at. */
  clock?: () => number
  signal?: AbortSignal
  log?: Logger
}

export interface Logger {
  info(line: string): void
  error(line: string): void
}

export interface Tally {
  events: number
  applied: number
  duplicates: number
  seq: number
}

export interface RunResult {
  backfill: Tally
  live: Tally
}

/**
 * The live flow's default pace: one event every 10 s. The city's own pace (~250 events a day, most
 * in office hours) would leave a demo still; much faster and today's figures outgrow every day of
 * the history within minutes, and the wall never goes calm, so its changes never animate.
 */
export const LIVE_RATE = 0.1

const quiet = (): Tally => ({ events: 0, applied: 0, duplicates: 0, seq: 0 })
const fmt = (n: number) => n.toLocaleString('en-US')

export async function runSimulation(opts: RunOptions): Promise<RunResult> {
  const log = opts.log ?? { info: (l) => console.log(l), error: (l) => console.error(l) }
  const rate = opts.rate ?? LIVE_RATE
  if (!(rate > 0)) throw new Error(`rate must be a positive number of events per second (got ${rate})`)

  const sender = new EventSender({
    url: opts.url,
    token: opts.token,
    signal: opts.signal,
    onRetry: ({ attempt, waitMs, reason, events }) =>
      log.info(
        `simulator: server could not take ${events} events (${reason}); sending the same ids again in ${(waitMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`,
      ),
  })
  const result: RunResult = { backfill: quiet(), live: quiet() }
  const send = async (events: LookoutEvent[], tally: Tally) => {
    try {
      const answer = await sender.send(events)
      tally.events += events.length
      tally.applied += answer.applied.length
      tally.duplicates += answer.duplicates.length
      tally.seq = answer.seq
      return answer
    } catch (err) {
      if (err instanceof RejectedBatch) reportRejection(err, log)
      throw err
    }
  }

  try {
    await simulate(opts, send, result, log)
  } catch (err) {
    if (opts.signal?.aborted) return result // stopped (Ctrl-C): not a failure
    throw err
  }
  return result
}

async function simulate(
  opts: RunOptions,
  send: (events: LookoutEvent[], tally: Tally) => Promise<IngestAnswer>,
  result: RunResult,
  log: Logger,
): Promise<void> {
  const clock = opts.clock ?? Date.now
  const rate = opts.rate ?? LIVE_RATE
  const batchSize = opts.batchSize ?? 500
  const backfillDays = opts.backfillDays ?? 30
  const region = await fetchRegion(opts.url, opts.signal, () =>
    log.info(`simulator: waiting for ${opts.url} to answer…`),
  )
  const sim = new Simulation({ seed: opts.seed, region, backfillDays })
  const history = sim.backfill(clock())
  log.info(
    `simulator: seed ${opts.seed}: ${sim.enterprises.length} enterprises and ${backfillDays} days of history, ${fmt(history.length)} events`,
  )
  for (let i = 0; i < history.length; i += batchSize)
    await send(history.slice(i, i + batchSize), result.backfill)
  await sendAdminEvents(sim.adminEvents(clock()), batchSize, result, log, opts)
  const b = result.backfill
  log.info(
    `simulator: history sent: ${fmt(b.applied)} applied, ${fmt(b.duplicates)} already there (seq ${fmt(b.seq)})`,
  )
  if (opts.live === false) return

  log.info(`simulator: live at ${rate} events/s`)
  // Small batches at low rates (the ticker moves smoothly), at most four requests a second at high ones.
  const tickMs = Math.min(1000, Math.max(250, 2000 / rate))
  const maxBacklog = Math.max(1, Math.ceil(rate * 10))
  const started = performance.now()
  let paced = 0 // events that count toward the rate
  let reported = { at: performance.now(), ...result.live }
  while (!opts.signal?.aborted && (opts.liveEvents === undefined || result.live.events < opts.liveEvents)) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate)
    if (due - paced > maxBacklog) paced = due - maxBacklog // after an outage, catch up ten seconds' worth, not all of it
    if (due <= paced) {
      await sleep(tickMs, opts.signal)
      continue
    }
    const left = opts.liveEvents === undefined ? Infinity : opts.liveEvents - result.live.events
    const batch: LookoutEvent[] = []
    while (batch.length < Math.min(due - paced, batchSize, left)) batch.push(...sim.next(clock()))
    // The run ends at exactly liveEvents, however the batches fell: a rerun of the seed sends the same.
    if (batch.length > left) batch.length = left
    const answer = await send(batch, result.live)
    // All already there: a previous run of this seed got this far. Go on at full speed until past it.
    if (answer.applied.length > 0) paced += batch.length
    if (performance.now() - reported.at >= 30_000) {
      const l = result.live
      log.info(
        `simulator: live: ${fmt(l.events - reported.events)} events in the last 30 s, ${fmt(l.applied - reported.applied)} applied (seq ${fmt(l.seq)})`,
      )
      reported = { at: performance.now(), ...l }
    }
  }
}

/** The region's towns and domains, as the server serves them (GET /api/regions); waits for a server that is starting. */
export async function fetchRegion(url: string, signal?: AbortSignal, onWait?: () => void): Promise<Region> {
  const endpoint = new URL('/api/regions', url).toString()
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined
    try {
      res = await fetch(endpoint, { signal })
    } catch (err) {
      if (signal?.aborted || attempt >= 10)
        throw new Error(`cannot reach ${endpoint}: ${(err as Error).message}`, { cause: err })
    }
    if (res?.ok) {
      // The reply is the region file and more (enumerations, the caller): keep the file's sections.
      const reply = (await res.json()) as Record<string, unknown>
      const sections = Object.keys(RegionSchema.properties).filter((k) => k in reply)
      return Object.fromEntries(sections.map((k) => [k, reply[k]])) as Region
    }
    if (res && (res.status < 500 || attempt >= 10))
      throw new Error(`GET ${endpoint} answered ${res.status}: is ${url} a Lookout server?`)
    if (attempt === 1) onWait?.()
    await sleep(Math.min(5000, 200 * 2 ** attempt), signal)
  }
}

/** A refused batch is a simulator bug: say so loudly, with the server's reasons and the events they name. */
/**
 * The duty roster and the work lists, in batches of their own: they are an admin's to send, so with
 * a reporter's token they are left out (said once) and the rest of the simulation goes on.
 */
async function sendAdminEvents(
  events: LookoutEvent[],
  batchSize: number,
  result: RunResult,
  log: Logger,
  opts: RunOptions,
) {
  const sender = new EventSender({ url: opts.url, token: opts.token, signal: opts.signal })
  try {
    for (let i = 0; i < events.length; i += batchSize) {
      const batch = events.slice(i, i + batchSize)
      const answer = await sender.send(batch)
      const tally = result.backfill
      tally.events += batch.length
      tally.applied += answer.applied.length
      tally.duplicates += answer.duplicates.length
      tally.seq = answer.seq
    }
  } catch (err) {
    if (!(err instanceof RejectedBatch) || err.status !== 403) throw err
    log.info('simulator: the duty roster and work lists need an admin token: not sent')
  }
}

function reportRejection(err: RejectedBatch, log: Logger): void {
  if (err.status === 401 || err.status === 403) {
    log.error(
      `simulator: the server refused its token (HTTP ${err.status}: ${JSON.stringify(err.body)}); pass a reporter or admin token with --token`,
    )
    return
  }
  const lines = [
    '',
    '!!! SIMULATOR BUG: the server refused a batch (HTTP ' + err.status + '); nothing of it was applied.',
    `!!! ${JSON.stringify(err.body)}`,
    ...err.culprits().map((e) => `!!! offending event: ${JSON.stringify(e)}`),
    '!!! The simulator stops here. Please report this with the seed and the lines above.',
    '',
  ]
  log.error(lines.join('\n'))
}
