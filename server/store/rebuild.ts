import { nodeHolding, type RedisClient } from './connect.ts'
import type { AcceptedEvent } from '../../shared/events.ts'
import type { RegionIndex } from '../../shared/region.ts'
import { prepareEvent, raisesLogged } from '../ingest/prepare.ts'
import { regionPrefix } from './keys.ts'
import { RegionStore } from './store.ts'

// The rebuild check (DESIGN.md guarantee 4, "the log is the truth"): replay the region's log into a
// fresh key space through the same prepare + ingest path as live traffic, then compare every key of
// the live space with the rebuilt one. There must be no difference.

/**
 * The key families of a region's space: the first segment after the prefix. Other variants share the
 * prefix (`lk:{code}:rebuild:…`), so the check compares exactly these; a new family must be added here
 * (tests/ingest/rebuild.test.ts fails when the ingest writes a key of an unlisted family).
 */
const SINGLE_KEYS = new Set([
  'seq',
  'log',
  'now',
  'due',
  'soon',
  'overdue',
  'open',
  'hazards',
  'hazard-reports',
  'enterprises',
  'ents',
  'alarms',
  'alarms-open',
  'accidents',
  'ticker',
  'daily',
  'scores',
  'resources',
  'drills',
  'duty',
  'tasks',
  'campaign-hazards',
  'season-work',
])
const KEYED_FAMILIES = new Set(['day', 'year', 'seen', 'acc', 'insp'])

/** True when `suffix` (a key without its region prefix) is a key of the region's own space. */
export function isSpaceKey(suffix: string): boolean {
  const colon = suffix.indexOf(':')
  return colon < 0 ? SINGLE_KEYS.has(suffix) : KEYED_FAMILIES.has(suffix.slice(0, colon))
}

export interface Difference {
  /** The live key (its rebuilt twin has the rebuild prefix instead). */
  key: string
  /** Hash field, zset member, list index, stream entry id (`seq <n>` for a logged event the replay does not reproduce); `(type)` when the types differ, '' for a string. */
  field: string
  live: string | null
  rebuilt: string | null
}

export interface RebuildReport {
  /** The live seq the comparison was made at. */
  seq: number
  /** Log entries replayed. */
  replayed: number
  /** Keys compared (live and rebuilt together). */
  keys: number
  differences: Difference[]
  /** How many comparisons it took to find the live space still for a whole one. */
  attempts: number
  /** False when live writes kept arriving through every attempt: then the differences prove nothing. */
  settled: boolean
}

export interface RebuildCheckOptions {
  /** A connection with the Lookout scripts defined (`defineScripts`). */
  redis: RedisClient
  region: RegionIndex
  dedupeSeconds: number
  /** The live space; default the region's production space. */
  livePrefix?: string
  /** Where the replay goes; deleted before and after. */
  rebuildPrefix?: string
  /** Comparisons to try while live writes keep moving the seq. */
  attempts?: number
  /** Called before each comparison, with the live seq it is made at. */
  onAttempt?: (attempt: number, seq: number) => void | Promise<void>
}

const PAGE = 1000
const CHUNK = 200

export async function rebuildCheck(opts: RebuildCheckOptions): Promise<RebuildReport> {
  const code = opts.region.city.code
  const livePrefix = opts.livePrefix ?? regionPrefix(code)
  const rebuildPrefix = opts.rebuildPrefix ?? regionPrefix(code, 'rebuild')
  if (livePrefix === rebuildPrefix) throw new Error('the rebuild space must differ from the live space')
  const { redis } = opts
  const storeOpts = {
    dedupeSeconds: opts.dedupeSeconds,
    dueSoonDays: opts.region.thresholds.dueSoonDays,
  }
  const live = new RegionStore(redis, livePrefix, storeOpts)
  const rebuilt = new RegionStore(redis, rebuildPrefix, storeOpts)
  const attempts = opts.attempts ?? 5

  await deleteSpace(redis, rebuildPrefix)
  try {
    let replayed = 0
    let report: RebuildReport | undefined
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(250 * 2 ** (attempt - 2))
      const seq = await live.currentSeq()
      const step = await replay(live, rebuilt, replayed, seq, opts.region.timeZone)
      replayed = step.replayedTo
      await opts.onAttempt?.(attempt, seq)
      const compared = step.failure
        ? { keys: 0, differences: [step.failure] }
        : await compareSpaces(redis, livePrefix, rebuildPrefix)
      report = { seq, replayed, ...compared, attempts: attempt, settled: (await live.currentSeq()) === seq }
      if (report.settled || step.failure) return report
    }
    return report!
  } finally {
    await deleteSpace(redis, rebuildPrefix)
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A logged event the replay does not reproduce, named by its seq (an entry holds a whole batch). */
function logDifference(prefix: string, seq: number, live: string, rebuilt: string): Difference {
  return { key: `${prefix}log`, field: `seq ${seq}`, live, rebuilt }
}

/**
 * Replays the live log from `after` up to `upTo` into `rebuilt`, each entry as it was applied: a
 * batch as one ingest, a deadline tick (due soon, overdue) at its logged instant. Stops at the first
 * entry the replay does not reproduce (after it every seq would be off, so nothing later could be
 * compared).
 */
async function replay(
  live: RegionStore,
  rebuilt: RegionStore,
  after: number,
  upTo: number,
  timeZone: string,
): Promise<{ replayedTo: number; failure?: Difference }> {
  let done = after
  const livePrefix = live.keys.prefix
  const differs = (seq: number, liveSaid: string, rebuiltSaid: string) => ({
    replayedTo: done,
    failure: logDifference(livePrefix, seq, liveSaid, rebuiltSaid),
  })
  while (done < upTo) {
    const entries = (await live.readLogBatches(done, PAGE)).filter((e) => e.seq <= upTo)
    if (!entries.length) return differs(done + 1, `seq ${upTo}`, `log ends at ${done}`)
    for (const entry of entries) {
      const [head] = entry.events
      if (head.type === 'overdue.tick') {
        const moves = head.hazardIds.length + (head.dueSoonIds?.length ?? 0)
        // With the due-soon time it was made with (none in a tick logged before there was one), so a
        // change of the region's dueSoonDays replays as it happened.
        // Raising exactly the alarms it logged, whatever the region's rules say now.
        const moved = await rebuilt.tick(Date.parse(head.at), head.dueSoonMs ?? -1, entry.alarms ?? [])
        if (moved !== moves || (await rebuilt.currentSeq()) !== entry.seq) {
          return differs(entry.seq, `overdue.tick moved ${moves}`, `moved ${moved}`)
        }
      } else {
        const events = entry.events as AcceptedEvent[]
        // Every logged event was applied. One logged twice was resent after its dedupe memory
        // expired (DEDUPE_DAYS) and counted again live; forget it here too so the replay does the same.
        // Applied when it was logged to be (the ticker's horizon is judged against it); an entry
        // logged before that was kept: at its last event, and logged without it again.
        const asOf = entry.appliedAt ?? Date.parse(events[events.length - 1].at)
        await rebuilt.forgetEvents(events, asOf)
        const outcome = await rebuilt.ingest(
          events.map((e) => prepareEvent(e, timeZone, raisesLogged(entry.alarms))),
          asOf,
          { logAppliedAt: entry.appliedAt !== undefined },
        )
        const firstSeq = entry.seq - events.length + 1
        if (!outcome.ok) {
          return differs(firstSeq + outcome.index, 'applied', `refused: ${outcome.field} ${outcome.reason}`)
        }
        if (outcome.duplicates.length) {
          const index = events.findIndex((e) => outcome.duplicates.includes(e.id))
          return differs(firstSeq + index, 'applied', 'duplicate id')
        }
        if (outcome.seq !== entry.seq) return differs(entry.seq, `seq ${entry.seq}`, `seq ${outcome.seq}`)
      }
      done = entry.seq
    }
  }
  return { replayedTo: done }
}

async function spaceKeys(
  redis: RedisClient,
  prefix: string,
  own: (suffix: string) => boolean,
): Promise<Set<string>> {
  const found = new Set<string>()
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
  // On a cluster, SCAN runs on one node: the one that owns the region's slot.
  const node = await nodeHolding(redis, `${prefix}seq`)
  let cursor = '0'
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    for (const k of keys) {
      const suffix = k.slice(prefix.length)
      if (own(suffix)) found.add(suffix)
    }
  } while (cursor !== '0')
  return found
}

async function deleteSpace(redis: RedisClient, prefix: string): Promise<void> {
  const keys = [...(await spaceKeys(redis, prefix, () => true))]
  for (let i = 0; i < keys.length; i += 500)
    await redis.unlink(...keys.slice(i, i + 500).map((s) => prefix + s))
}

/** A key's contents as field → value, whatever its type. */
type Contents = Map<string, string>

async function readKeys(redis: RedisClient, keys: string[]): Promise<{ type: string; contents: Contents }[]> {
  const types = ((await redis.pipeline(keys.map((k) => ['type', k])).exec()) ?? []).map(([, t]) => String(t))
  const pipeline = redis.pipeline()
  keys.forEach((k, i) => {
    const t = types[i]
    if (t === 'string') pipeline.get(k)
    else if (t === 'hash') pipeline.hgetall(k)
    else if (t === 'zset') pipeline.zrange(k, '0', '-1', 'WITHSCORES')
    else if (t === 'list') pipeline.lrange(k, 0, -1)
    else if (t === 'set') pipeline.smembers(k)
    else pipeline.exists(k) // none or stream: streams are read in pages below
  })
  const values = ((await pipeline.exec()) ?? []).map(([, v]) => v)
  const out = []
  for (let i = 0; i < keys.length; i++) {
    const t = types[i]
    const v = values[i]
    const contents: Contents = new Map()
    if (t === 'string') contents.set('', String(v))
    else if (t === 'hash')
      for (const [f, x] of Object.entries(v as Record<string, string>)) contents.set(f, x)
    else if (t === 'zset') {
      const flat = v as string[]
      for (let j = 0; j < flat.length; j += 2) contents.set(flat[j], flat[j + 1])
    } else if (t === 'list') (v as string[]).forEach((x, j) => contents.set(String(j), x))
    else if (t === 'set') for (const m of v as string[]) contents.set(m, '')
    else if (t === 'stream') {
      for (let start = '-'; ;) {
        const rows = await redis.xrange(keys[i], start, '+', 'COUNT', PAGE)
        for (const [id, fields] of rows) contents.set(id, JSON.stringify(fields))
        if (rows.length < PAGE) break
        start = `(${rows[rows.length - 1][0]}`
      }
    }
    out.push({ type: t, contents })
  }
  return out
}

async function compareSpaces(redis: RedisClient, livePrefix: string, rebuildPrefix: string) {
  const liveKeys = await spaceKeys(redis, livePrefix, isSpaceKey)
  const rebuiltKeys = await spaceKeys(redis, rebuildPrefix, () => true)
  const all = [...new Set([...liveKeys, ...rebuiltKeys])].sort()
  const differences: Difference[] = []
  for (let i = 0; i < all.length; i += CHUNK) {
    const suffixes = all.slice(i, i + CHUNK)
    const [liveRead, rebuiltRead] = await Promise.all([
      readKeys(
        redis,
        suffixes.map((s) => livePrefix + s),
      ),
      readKeys(
        redis,
        suffixes.map((s) => rebuildPrefix + s),
      ),
    ])
    suffixes.forEach((suffix, j) => {
      const a = liveRead[j]
      const b = rebuiltRead[j]
      const key = livePrefix + suffix
      // Dedupe memory is no state: it expires in the live space, and the replay files ids by event
      // time where the live space filed them by arrival time.
      if (suffix.startsWith('seen:')) return
      if (a.type !== b.type && a.type !== 'none' && b.type !== 'none') {
        differences.push({ key, field: '(type)', live: a.type, rebuilt: b.type })
        return
      }
      for (const field of new Set([...a.contents.keys(), ...b.contents.keys()])) {
        const x = a.contents.get(field) ?? null
        const y = b.contents.get(field) ?? null
        if (x !== y) differences.push({ key, field, live: x, rebuilt: y })
      }
    })
  }
  return { keys: all.length, differences }
}
