import { readFileSync } from 'node:fs'
import type { Redis, Result } from 'ioredis'
import { HAZARD_TRANSITIONS } from '../../shared/hazard.ts'
import { LIMITS } from '../../shared/limits.ts'
import { dailyWindow } from '../../shared/summary.ts'
import type { AcceptedEvent } from '../../shared/events.ts'
import type { WallState } from '../../shared/protocol.ts'
import type { PreparedEvent } from '../ingest/prepare.ts'
import { regionKeys } from './keys.ts'

// The Redis data layer of one region: every read and write of aggregates goes through here,
// and every write is one Lua script (atomic, exactly once).

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8')
const COMMON = lua('common')
const SCRIPTS = {
  lkIngest: COMMON + lua('ingest'),
  lkTick: COMMON + lua('tick'),
  lkSnapshot: COMMON + lua('snapshot'),
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lkIngest(seqKey: string, items: string, cfg: string, asOf: string): Result<(string | number)[], Context>
    lkTick(seqKey: string, nowMs: string, cfg: string, nowIso: string): Result<number, Context>
    lkSnapshot(seqKey: string, day: string, year: string, dailyFields: string, feedLength: string, overdueLength: string): Result<string, Context>
  }
}

/** Registers the scripts on a connection (EVALSHA, loaded on first use). */
export function defineScripts(redis: Redis): void {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys: 1, lua: script })
  }
}

export type IngestOutcome =
  | { ok: true; applied: string[]; duplicates: string[]; seq: number }
  | { ok: false; index: number; field: string; reason: string }

export interface LogEntry {
  seq: number
  event: AcceptedEvent | { type: 'overdue.tick'; at: string; hazardIds: string[] }
}

export class RegionStore {
  readonly keys: ReturnType<typeof regionKeys>
  private readonly ingestCfg: string
  private readonly tickCfg: string

  constructor(
    readonly redis: Redis,
    prefix: string,
    opts: { dedupeSeconds: number },
  ) {
    this.keys = regionKeys(prefix)
    this.ingestCfg = JSON.stringify({
      transitions: HAZARD_TRANSITIONS,
      dedupeSeconds: opts.dedupeSeconds,
      feedKeep: LIMITS.feedLength * 2,
      overdueLength: LIMITS.overdueListLength,
    })
    this.tickCfg = JSON.stringify({ overdueLength: LIMITS.overdueListLength })
  }

  /** Applies a checked batch in one script: all of it, or (on a state conflict) none of it. */
  async ingest(items: PreparedEvent[], nowMs: number): Promise<IngestOutcome> {
    const reply = await this.redis.lkIngest(this.keys.seq, JSON.stringify(items), this.ingestCfg, String(nowMs))
    if (reply[0] === 'conflict') {
      return { ok: false, index: Number(reply[1]), field: String(reply[2]), reason: String(reply[3]) }
    }
    const duplicateIdx = new Set(reply.slice(2).map(Number))
    const applied: string[] = []
    const duplicates: string[] = []
    items.forEach((it, i) => (duplicateIdx.has(i) ? duplicates : applied).push(it.e.id))
    return { ok: true, applied, duplicates, seq: Number(reply[1]) }
  }

  /** Moves hazards whose deadline passed into overdue; returns how many moved. */
  tick(nowMs: number): Promise<number> {
    return this.redis.lkTick(this.keys.seq, String(nowMs), this.tickCfg, new Date(nowMs).toISOString())
  }

  /** The whole wall state for region day `day`, read atomically at one seq. */
  async readState(day: string, asOf: number): Promise<WallState> {
    const json = await this.redis.lkSnapshot(
      this.keys.seq,
      day,
      day.slice(0, 4),
      JSON.stringify(dailyWindow(day)),
      String(LIMITS.feedLength),
      String(LIMITS.overdueListLength),
    )
    const raw = JSON.parse(json) as Omit<WallState, 'day' | 'asOf'>
    return { ...raw, day, asOf }
  }

  async currentSeq(): Promise<number> {
    return Number((await this.redis.get(this.keys.seq)) ?? 0)
  }

  /** Log entries after `after`, oldest first. */
  async readLog(after: number, limit: number): Promise<LogEntry[]> {
    const rows = await this.redis.xrange(this.keys.log, `${after}-2`, '+', 'COUNT', limit)
    return rows.map(([id, fields]) => ({ seq: Number(id.split('-')[0]), event: JSON.parse(fields[1]) }))
  }
}
