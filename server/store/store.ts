import { readFileSync } from 'node:fs'
import type { Result } from 'ioredis'
import type { RedisClient } from './connect.ts'
import { HAZARD_TRANSITIONS } from '../../shared/hazard.ts'
import { LIMITS } from '../../shared/limits.ts'
import { dailyWindow } from '../../shared/summary.ts'
import { enterpriseMatches, hazardMatches, searchText, type TownNames } from '../../shared/search.ts'
import type { AcceptedEvent, AccidentReported, HazardReported } from '../../shared/events.ts'
import { accidentRecord, type AccidentRecord } from '../../shared/accident-list.ts'
import { regionDay } from '../../shared/time.ts'
import type { Alarm } from '../../shared/alarms.ts'
import type { WallState } from '../../shared/protocol.ts'
import type { Enterprise, OpenHazard } from '../../shared/api/lists.ts'
import { detail, type ErrorCode } from '../../shared/api/error-codes.ts'
import type { PreparedEvent } from '../ingest/prepare.ts'
import { regionKeys } from './keys.ts'
import { decodeEnterprise, decodeHazard, type HazardState } from './records.ts'

// The Redis data layer of one region: every read and write of aggregates goes through here,
// and every write is one Lua script (atomic, exactly once).

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8')
// alarms.lua uses common.lua's helpers and hooks into its publish and log entry.
const COMMON = lua('common') + lua('alarms')
/** The scripts' full sources, as registered (the ingest bench loads the same one). */
export const SCRIPTS = {
  lkIngest: COMMON + lua('mandates') + lua('campaigns') + lua('ingest'),
  lkTick: COMMON + lua('tick'),
  lkSnapshot: COMMON + lua('snapshot'),
  lkReadLog: COMMON + lua('read-log'),
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lkIngest(
      seqKey: string,
      cfg: string,
      asOf: string,
      ...items: string[]
    ): Result<(string | number)[], Context>
    lkTick(
      seqKey: string,
      nowMs: string,
      cfg: string,
      nowIso: string,
      dueSoonMs: string,
    ): Result<number, Context>
    lkSnapshot(
      seqKey: string,
      day: string,
      year: string,
      dailyFields: string,
      tickerLength: string,
      overdueLength: string,
      alarmLength: string,
      towns: string,
    ): Result<string, Context>
    lkReadLog(seqKey: string, after: string, limit: string): Result<(string | number)[], Context>
  }
}

/** Registers the scripts on a connection (EVALSHA, loaded on first use). */
export function defineScripts(redis: RedisClient): void {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: 1, lua: script })
  }
}

/**
 * A batch as the ingest script takes it, after its config and time (ingest.lua): the towns the
 * writer may write for ('' for all), what JS worked out for each event in one JSON array, then each
 * event's log text as it is, so the script decodes each event once.
 */
export function ingestArgs(items: PreparedEvent[], towns?: string[]): string[] {
  const facts = items.map(({ atMs, day, year, deadlineMs, grade, significant, alarm }) => ({
    atMs,
    day,
    year,
    deadlineMs,
    grade,
    significant,
    alarm,
  }))
  const args = [towns ? JSON.stringify(towns) : '', JSON.stringify(facts)]
  for (const it of items) args.push(it.raw)
  return args
}

/** What names an event in the dedupe memory: its id and, when a token pushed it, the token's name. */
export type DedupeKey = Pick<AcceptedEvent, 'id' | 'by'>

/**
 * An event's member of the dedupe sets: ids are scoped per writer (`<id>/<by>`; ids hold no '/'),
 * so one writer cannot pre-empt another's ids. ingest.lua `dedupeMember` makes the same.
 */
export const dedupeMember = (e: DedupeKey) => (e.by === undefined ? e.id : `${e.id}/${e.by}`)

export type IngestOutcome =
  | { ok: true; applied: string[]; duplicates: string[]; seq: number }
  /**
   * Refused, nothing applied: the event at `index`, its field, and the refusal (code, params,
   * English); `town` when it writes to a town the writer may not (the route words that refusal).
   */
  | {
      ok: false
      index: number
      field: string
      code: ErrorCode
      params: Record<string, string>
      reason: string
      town?: string
    }

/** Enterprise ids read from the index per round trip. */
const ENTERPRISE_PAGE = 1000

type LoggedEvent =
  | AcceptedEvent
  | { type: 'overdue.tick'; at: string; dueSoonMs?: number; hazardIds: string[]; dueSoonIds?: string[] }

export interface LogEntry {
  seq: number
  event: LoggedEvent
}

/** One stored log entry: the events of one applied batch, the last of them at `seq`. */
export interface LogBatch {
  seq: number
  events: LoggedEvent[]
  /** When the batch was applied (ms); absent in entries logged before it was kept, and in ticks. */
  appliedAt?: number
  /** The alarms it raised (alarm ids; alarms.lua), so a replay raises the same. */
  alarms?: string[]
}

/**
 * A write was applied but too few replicas confirmed it within REDIS_WAIT_MS: not acknowledged
 * (503, Retry-After). The client's retry with the same ids is a duplicate, answered once replicated.
 */
export class NotReplicatedError extends Error {
  constructor(
    readonly wanted: number,
    readonly acked: number,
  ) {
    super(`${acked} of ${wanted} replicas confirmed the write in time`)
  }
}

/**
 * What tells one applied log entry from another at the same seq (a failover that rolled back, a
 * restore): its apply time and size. A publish carries both (`asOf`, `from`..`seq`).
 */
export const entryMark = (appliedAtMs: number, events: number) => `${appliedAtMs}/${events}`

/** How the updates channel is published on: PUBLISH, or SPUBLISH on a Redis Cluster (common.lua). */
const publishCommand = (sharded: boolean) => (sharded ? 'SPUBLISH' : 'PUBLISH')

/** The ingest script's config (ARGV[1] of ingest.lua), as every RegionStore passes it. */
export function ingestConfig(dedupeSeconds: number, sharded = false): string {
  return JSON.stringify({
    publish: publishCommand(sharded),
    transitions: HAZARD_TRANSITIONS,
    dedupeSeconds,
    tickerKeep: LIMITS.tickerLength * 2,
    // A wall keeps the newest tickerLength items: a publish carries no more, however big the batch.
    tickerPublish: LIMITS.tickerLength,
    tickerMaxAgeMs: LIMITS.tickerMaxAgeMs,
    overdueLength: LIMITS.overdueListLength,
    alarmListLength: LIMITS.alarmListLength,
  })
}

export class RegionStore {
  readonly keys: ReturnType<typeof regionKeys>
  private readonly dedupeSeconds: number
  private readonly ingestCfg: string
  /** The same, for replaying an entry logged without its apply time: logged without it again. */
  private readonly ingestCfgNoAppliedAt: string
  private readonly tickCfg: string
  private readonly dueSoonMs: number
  private readonly waitReplicas: number
  private readonly waitMs: number
  private readonly fenced: () => boolean
  private readonly towns: readonly string[]

  constructor(
    readonly redis: RedisClient,
    prefix: string,
    opts: {
      dedupeSeconds: number
      dueSoonDays: number
      /** On a Redis Cluster: the scripts SPUBLISH (sharded pub/sub). */
      shardedPubSub?: boolean
      /** Replicas each write must reach before it is acknowledged (REDIS_WAIT_REPLICAS). */
      waitReplicas?: number
      waitMs?: number
      /** True while a write acknowledged now could be lost (a Sentinel failover under way). */
      fenced?: () => boolean
      /** Major hazards going overdue raise alarms (the region's rule). */
      majorOverdueAlarms?: boolean
      /** The region's town codes: a snapshot reads each one's daily totals (its trend). */
      towns?: readonly string[]
    },
  ) {
    this.keys = regionKeys(prefix)
    this.dedupeSeconds = opts.dedupeSeconds
    this.ingestCfg = ingestConfig(opts.dedupeSeconds, opts.shardedPubSub)
    this.ingestCfgNoAppliedAt = JSON.stringify({ ...JSON.parse(this.ingestCfg), logAppliedAt: false })
    this.tickCfg = JSON.stringify({
      overdueLength: LIMITS.overdueListLength,
      alarmListLength: LIMITS.alarmListLength,
      majorOverdueAlarms: opts.majorOverdueAlarms ?? false,
      alarmHorizonMs: LIMITS.tickerMaxAgeMs,
      publish: publishCommand(opts.shardedPubSub ?? false),
    })
    this.dueSoonMs = opts.dueSoonDays * 86_400_000
    this.waitReplicas = opts.waitReplicas ?? 0
    this.waitMs = opts.waitMs ?? 1000
    this.fenced = opts.fenced ?? (() => false)
    this.towns = opts.towns ?? []
  }

  /**
   * Runs one write script; with waitReplicas, WAIT follows it in the same pipeline, so the answer
   * comes only once that many replicas hold the write (and everything written before it).
   * `confirmsWrite(reply)`: false when the reply acknowledges nothing (a conflict), so a replica
   * shortfall does not matter to it.
   */
  private async replicated<T>(
    queue: (p: ReturnType<RedisClient['pipeline']>) => void,
    confirmsWrite: (reply: T) => boolean = () => true,
  ): Promise<T> {
    const p = this.redis.pipeline()
    queue(p)
    if (this.waitReplicas > 0) p.wait(this.waitReplicas, this.waitMs)
    const results = (await p.exec()) ?? []
    for (const [err] of results) if (err) throw err
    const reply = results[0][1] as T
    const acked = Number(results[1]?.[1] ?? 0)
    if (!confirmsWrite(reply)) return reply
    if (this.waitReplicas > 0 && acked < this.waitReplicas)
      throw new NotReplicatedError(this.waitReplicas, acked)
    // Replicated, but perhaps by a replica about to be resynced from a newly promoted one.
    if (this.fenced()) throw new NotReplicatedError(this.waitReplicas, 0)
    return reply
  }

  /**
   * With waitReplicas: returns once that many replicas hold everything written so far, or throws
   * NotReplicatedError. Answering a retry "duplicate" is an acknowledgement too: the first attempt's
   * write may still be on the primary alone (its own WAIT timed out). WAIT covers only writes made on
   * its own connection, so a write of nothing (INCRBY 0) makes it cover every write before now.
   */
  async confirmReplicated(): Promise<void> {
    if (this.fenced()) throw new NotReplicatedError(this.waitReplicas, 0)
    if (this.waitReplicas === 0) return
    await this.replicated<number>((p) => p.incrby(this.keys.seq, 0))
  }

  /**
   * Applies a checked batch in one script: all of it, or (on a state conflict, or an event for a town
   * not in `towns` when given) none of it. `nowMs` is logged with it, unless a replay says
   * `logAppliedAt: false`.
   */
  async ingest(
    items: PreparedEvent[],
    nowMs: number,
    opts: { logAppliedAt?: boolean; towns?: string[] } = {},
  ): Promise<IngestOutcome> {
    const cfg = opts.logAppliedAt === false ? this.ingestCfgNoAppliedAt : this.ingestCfg
    const args = ingestArgs(items, opts.towns)
    const reply = await this.replicated<(string | number)[]>(
      (p) => p.lkIngest(this.keys.seq, cfg, String(nowMs), ...args),
      // A refusal wrote nothing: nothing to wait for.
      (r) => r[0] === 'ok',
    )
    if (reply[0] === 'conflict') {
      const code = String(reply[3]) as ErrorCode
      const params = JSON.parse(String(reply[4])) as Record<string, string>
      const { message } = detail('', code, params as never)
      return { ok: false, index: Number(reply[1]), field: String(reply[2]), code, params, reason: message }
    }
    if (reply[0] === 'foreign') {
      const town = String(reply[3])
      const reason = `writes to town ${town}, not one of ${opts.towns?.join(', ')}`
      const code = 'foreign_town'
      return { ok: false, index: Number(reply[1]), field: String(reply[2]), code, params: {}, reason, town }
    }
    const duplicateIdx = new Set(reply.slice(2).map(Number))
    const applied: string[] = []
    const duplicates: string[] = []
    items.forEach((it, i) => (duplicateIdx.has(i) ? duplicates : applied).push(it.e.id))
    // Nothing written by this call: the duplicates' first writes are confirmed replicated now.
    if (!applied.length) await this.confirmReplicated()
    return { ok: true, applied, duplicates, seq: Number(reply[1]) }
  }

  /**
   * The dedupe sets a batch applied at `ms` checks (ingest.lua): one per period of dedupeSeconds,
   * the current one, the one before, and the one after (filled by a node whose clock runs ahead).
   */
  private seenKeys(ms: number): string[] {
    const period = Math.floor(ms / 1000 / this.dedupeSeconds)
    return [period, period - 1, period + 1].map((p) => this.keys.seen(p))
  }

  /**
   * Whether each event is remembered as applied by its writer (as a batch applied at `nowMs` would
   * find): its id under its `by`, or its bare id (see dedupeMember).
   */
  async seenEvents(events: DedupeKey[], nowMs: number): Promise<boolean[]> {
    if (!events.length) return []
    const members = events.map(dedupeMember)
    const bare = events.filter((e) => e.by !== undefined).map((e) => e.id)
    const asked = [...members, ...bare]
    const sets = await Promise.all(this.seenKeys(nowMs).map((k) => this.redis.smismember(k, ...asked)))
    const seen = new Set(asked.filter((_, i) => sets.some((flags) => flags[i] === 1)))
    return events.map((e, i) => seen.has(members[i]) || (e.by !== undefined && seen.has(e.id)))
  }

  /** Forgets events as if their dedupe memory had expired (for a replay applied at `atMs`). */
  async forgetEvents(events: DedupeKey[], atMs: number): Promise<void> {
    if (!events.length) return
    const members = events.map(dedupeMember)
    await Promise.all(this.seenKeys(atMs).map((k) => this.redis.srem(k, ...members)))
  }

  /**
   * Moves hazards whose deadline is near into due soon, and those whose deadline passed into overdue
   * (tick.lua); returns how many moves it made. `dueSoonMs`: how long before its deadline a hazard
   * is due soon (default the region's dueSoonDays; -1: no due-soon step, as before there was one).
   * `alarmOnly`: raise exactly these overdue alarms, whatever the rules say (a replay of a logged tick).
   */
  tick(nowMs: number, dueSoonMs = this.dueSoonMs, alarmOnly?: string[]): Promise<number> {
    const cfg = alarmOnly ? JSON.stringify({ ...JSON.parse(this.tickCfg), alarmOnly }) : this.tickCfg
    return this.replicated<number>(
      (p) => p.lkTick(this.keys.seq, String(nowMs), cfg, new Date(nowMs).toISOString(), String(dueSoonMs)),
      (moved) => moved > 0,
    )
  }

  /** The whole wall state for region day `day`, read atomically at one seq. */
  async readState(day: string, asOf: number): Promise<WallState> {
    const json = await this.redis.lkSnapshot(
      this.keys.seq,
      day,
      day.slice(0, 4),
      JSON.stringify(dailyWindow(day, this.towns)),
      String(LIMITS.tickerLength),
      String(LIMITS.overdueListLength),
      String(LIMITS.alarmListLength),
      JSON.stringify(this.towns),
    )
    const raw = JSON.parse(json) as Omit<WallState, 'day' | 'asOf'>
    return { ...raw, day, asOf }
  }

  /**
   * The seq Redis holds, and how the log entry ending at `seq` is known (its mark: see `entryMark`;
   * undefined: no such entry; null: an entry too old to say). One round trip.
   */
  async historyAt(seq: number): Promise<{ redisSeq: number; mark: string | null | undefined }> {
    const id = `${seq}-1`
    const results =
      (await this.redis.pipeline().get(this.keys.seq).xrange(this.keys.log, id, id).exec()) ?? []
    for (const [err] of results) if (err) throw err
    const redisSeq = Number(results[0][1] ?? 0)
    const rows = results[1][1] as [string, string[]][]
    if (!rows.length) return { redisSeq, mark: undefined }
    const fields = rows[0][1]
    let appliedAt: number | undefined
    const events: string[] = []
    // `a` is when it was applied, `e` an event; other fields (the alarms raised, `r`) are not events.
    for (let i = 0; i < fields.length; i += 2)
      if (fields[i] === 'a') appliedAt = Number(fields[i + 1])
      else if (fields[i] === 'e') events.push(fields[i + 1])
    if (appliedAt === undefined && events.length === 1) {
      // A deadline tick: logged with its instant as `at`, published with it as `asOf`.
      const tick = JSON.parse(events[0]) as { type?: string; at?: string }
      if (tick.type === 'overdue.tick' && tick.at) appliedAt = Date.parse(tick.at)
    }
    return { redisSeq, mark: appliedAt === undefined ? null : entryMark(appliedAt, events.length) }
  }

  /** This year's (or any year's) accidents as reported, newest first, of `towns` or all (the wall's accident list). */
  async accidents(opts: {
    year: string
    timeZone: string
    limit: number
    towns?: string[]
  }): Promise<AccidentRecord[]> {
    const raw = await this.redis.hvals(this.keys.accidents)
    return raw
      .map((json) => accidentRecord(JSON.parse(json) as AccidentReported & AcceptedEvent))
      .filter((a) => regionDay(Date.parse(a.at), opts.timeZone).startsWith(opts.year))
      .filter((a) => !opts.towns || opts.towns.includes(a.town))
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .slice(0, opts.limit)
  }

  /** Alarms, newest first: only the unacknowledged with `open`, else every one kept. */
  async alarms(opts: { open: boolean; limit: number }): Promise<Alarm[]> {
    let ids: string[]
    if (opts.open) ids = await this.redis.zrevrange(this.keys.alarmsOpen, 0, opts.limit - 1)
    else ids = await this.redis.hkeys(this.keys.alarms)
    if (!ids.length) return []
    const alarms = (await this.redis.hmget(this.keys.alarms, ...ids)).flatMap((json) =>
      json ? [JSON.parse(json) as Alarm] : [],
    )
    return alarms.sort((a, b) => b.seq - a.seq).slice(0, opts.limit)
  }

  async currentSeq(): Promise<number> {
    return Number((await this.redis.get(this.keys.seq)) ?? 0)
  }

  /**
   * Open hazards, newest first, optionally only of some towns and matching a search text
   * (id, title, enterprise, or town name with `townNames`). Scans at most `scanMax` of the newest.
   */
  async openHazards(opts: {
    towns?: string[]
    q?: string
    limit: number
    scanMax?: number
    /** Lets a search text match the town's name too. */
    townNames?: TownNames
    grade?: string
    overdue?: boolean
  }): Promise<OpenHazard[]> {
    const ids = await this.redis.zrevrange(this.keys.open, 0, (opts.scanMax ?? 10_000) - 1)
    if (!ids.length) return []
    // States first (town filter); the reported events only of the hazards that can still be listed:
    // without a search text those are the first `limit`, with one every hazard of the towns.
    const states = await this.redis.hmget(this.keys.hazards, ...ids)
    let candidates = ids.flatMap((hazardId, i) => {
      const state = states[i]
      if (!state) return []
      const s = decodeHazard(state)
      if (opts.towns && !opts.towns.includes(s.town)) return []
      if ((opts.grade && s.grade !== opts.grade) || (opts.overdue && !s.overdue)) return []
      return [{ hazardId, s }]
    })
    const q = opts.q === undefined ? '' : searchText(opts.q)
    if (!q) candidates = candidates.slice(0, opts.limit)
    if (!candidates.length) return []
    const reports = await this.redis.hmget(this.keys.hazardReports, ...candidates.map((c) => c.hazardId))
    const found: OpenHazard[] = []
    for (let i = 0; i < candidates.length && found.length < opts.limit; i++) {
      const report = reports[i]
      if (!report) continue
      const { hazardId, s } = candidates[i]
      const reported = JSON.parse(report) as HazardReported & AcceptedEvent
      const h: OpenHazard = {
        hazardId,
        number: reported.number || undefined,
        title: s.title,
        town: s.town,
        domain: s.domain,
        industry: reported.industry || undefined,
        grade: s.grade,
        status: s.status,
        deadline: s.deadline,
        reportedAt: reported.at,
        enterprise: reported.enterprise || undefined,
        overdue: s.overdue,
        dueSoon: s.dueSoon,
      }
      if (q && !hazardMatches(h, q, opts.townNames)) continue
      found.push(h)
    }
    return found
  }

  /** Each hazard as stored (null: not reported). */
  async hazardStates(ids: string[]): Promise<(HazardState | null)[]> {
    if (!ids.length) return []
    return (await this.redis.hmget(this.keys.hazards, ...ids)).map((h) =>
      h === null ? null : decodeHazard(h),
    )
  }

  /** Whether each hazard was reported. */
  async hazardsExist(ids: string[]): Promise<boolean[]> {
    if (!ids.length) return []
    return (await this.redis.hmget(this.keys.hazards, ...ids)).map((state) => state !== null)
  }

  /**
   * Registered enterprises by id, optionally only of some towns and matching a search text (id or
   * name, any case). Reads the `ents` index a page at a time until `limit` are found or it ends.
   */
  async enterprises(opts: {
    towns?: string[]
    risk?: string[]
    q?: string
    limit: number
  }): Promise<Enterprise[]> {
    const q = opts.q === undefined ? '' : searchText(opts.q)
    const found: Enterprise[] = []
    // Paged by id rather than by rank, so a registration meanwhile neither skips nor repeats one.
    for (let from = '-'; found.length < opts.limit;) {
      const ids = await this.redis.zrangebylex(
        this.keys.enterpriseIndex,
        from,
        '+',
        'LIMIT',
        0,
        ENTERPRISE_PAGE,
      )
      const states = ids.length ? await this.redis.hmget(this.keys.enterprises, ...ids) : []
      for (let i = 0; i < ids.length && found.length < opts.limit; i++) {
        const state = states[i]
        if (!state) continue
        const ent = decodeEnterprise(state)
        if (opts.towns && !opts.towns.includes(ent.town)) continue
        if (opts.risk && !opts.risk.includes(ent.riskLevel)) continue
        if (q && !enterpriseMatches({ enterpriseId: ids[i], name: ent.name }, q)) continue
        found.push({
          enterpriseId: ids[i],
          name: ent.name,
          town: ent.town,
          domain: ent.domain,
          industry: ent.industry || undefined,
          riskLevel: ent.riskLevel as Enterprise['riskLevel'],
          work: (ent.work || undefined) as Enterprise['work'],
        })
      }
      if (ids.length < ENTERPRISE_PAGE) break
      from = `(${ids[ids.length - 1]}`
    }
    return found
  }

  /**
   * Up to `limit` stored log entries holding events after seq `after`, oldest first. An entry is one
   * applied batch (or one overdue tick): its events are numbered up to the entry's `seq`.
   */
  async readLogBatches(after: number, limit: number): Promise<LogBatch[]> {
    const rows = await this.redis.xrange(this.keys.log, `${after + 1}-0`, '+', 'COUNT', limit)
    return rows.map(([id, fields]) => {
      // fields: 'a', apply time (ms; not in every entry), 'r', alarms raised (when any), then 'e', event, 'e', event...
      const batch: LogBatch = { seq: Number(id.split('-')[0]), events: [] }
      for (let i = 0; i < fields.length; i += 2) {
        if (fields[i] === 'a') batch.appliedAt = Number(fields[i + 1])
        else if (fields[i] === 'r') batch.alarms = JSON.parse(fields[i + 1]) as string[]
        else batch.events.push(JSON.parse(fields[i + 1]) as LoggedEvent)
      }
      return batch
    })
  }

  /**
   * Up to `limit` logged events after seq `after`, oldest first, each with its seq. Read by a script
   * that returns only these (read-log.lua): an entry holds a whole batch of up to BATCH_LIMIT events.
   */
  async readLog(after: number, limit: number): Promise<LogEntry[]> {
    const flat = await this.redis.lkReadLog(this.keys.seq, String(after), String(limit))
    const entries: LogEntry[] = []
    for (let i = 0; i < flat.length; i += 2) {
      entries.push({ seq: Number(flat[i]), event: JSON.parse(String(flat[i + 1])) as LoggedEvent })
    }
    return entries
  }
}
