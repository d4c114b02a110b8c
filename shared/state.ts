import { LIMITS } from './limits.ts'
import type { Cells } from './cells.ts'
import type { Alarm } from './alarms.ts'
import type { Delta, TickerItem, WallState } from './protocol.ts'

// Applying, merging and checking deltas: the same code on the server node and in every client,
// so both hold the same state at the same seq (and the digest proves it).

export function emptyState(day: string): WallState {
  return {
    seq: 0,
    day,
    asOf: 0,
    now: {},
    today: {},
    year: {},
    daily: {},
    ticker: [],
    overdue: [],
    alarms: [],
  }
}

const CELL_SCOPES = ['now', 'today', 'year', 'daily'] as const
type CellScope = (typeof CELL_SCOPES)[number]

/**
 * Each cells object's keys, sorted: what compact deltas refer to. Made once per object and kept in
 * order by assignCells as keys come and go (a viewer applies ten deltas a second; sorting a few
 * thousand keys for each would cost more than the rest of the delta).
 */
const sortedKeys = new WeakMap<Cells, string[]>()

function keysOf(cells: Cells): string[] {
  let keys = sortedKeys.get(cells)
  if (!keys) {
    keys = Object.keys(cells).sort()
    sortedKeys.set(cells, keys)
  }
  return keys
}

/** The place of `key` in sorted `keys`, or where it would go (then `found` is false). */
function place(keys: string[], key: string): { at: number; found: boolean } {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid] < key) lo = mid + 1
    else hi = mid
  }
  return { at: lo, found: keys[lo] === key }
}

/** A cell whose value is 0 is dropped, so a state equals a fresh snapshot that never saw it. */
function assignCells(target: Cells, changes: Cells | undefined): void {
  if (!changes) return
  const keys = sortedKeys.get(target)
  for (const key in changes) {
    const had = key in target
    if (changes[key] === 0) {
      if (!had) continue
      delete target[key]
      if (keys) keys.splice(place(keys, key).at, 1)
    } else {
      target[key] = changes[key]
      if (!had && keys) keys.splice(place(keys, key).at, 0, key)
    }
  }
}

/**
 * Refs of one scope's compact list: existing keys by their sorted place, as steps forward from the
 * previous one (small numbers), new keys by name. `entries` are [key, ...values].
 */
function encodeRefs(keys: string[], entries: [string, ...number[]][]): (string | number)[] {
  const known: [number, number[]][] = []
  const list: (string | number)[] = []
  for (const [key, ...values] of entries) {
    const { at, found } = place(keys, key)
    if (found) known.push([at, values])
    else list.push(key, ...values)
  }
  known.sort((a, b) => a[0] - b[0])
  let previous = -1
  for (const [i, values] of known) {
    list.push(i - previous - 1, ...values)
    previous = i
  }
  return list
}

// Written out rather than read from TickerItemSchema and EVENT_TYPES: the wall bundles this file, and
// the schemas would bring TypeBox with them.
/** TickerItemSchema's fields in its order: bit i of a row's mask is field i. */
const TICKER_FIELDS = [
  'seq',
  'at',
  'type',
  'town',
  'domain',
  'grade',
  'title',
  'hazardId',
  'status',
  'name',
  'riskLevel',
  'state',
  'preCheckDone',
  'deaths',
  'seriousInjuries',
  'hazardsFound',
] as const satisfies readonly (keyof TickerItem)[]
/** A field TickerItem gains must be added above (until then items carrying it are sent plain). */
const _everyField: Record<Exclude<keyof TickerItem, (typeof TICKER_FIELDS)[number]>, never> = {}
/** EVENT_TYPES in its order: a row's `type` is its index here (other types are sent as text). */
const FEED_TYPES = [
  'hazard.reported',
  'hazard.status',
  'inspection.completed',
  'accident.reported',
  'enterprise.registered',
  'enterprise.work',
]

/**
 * `at` as ms before the delta's `asOf` (a few digits for 24 characters), when it is in the form
 * toISOString gives back; otherwise as it is.
 */
function compactAt(at: string, asOf: number): string | number {
  const ms = Date.parse(at)
  return Number.isFinite(ms) && new Date(ms).toISOString() === at ? asOf - ms : at
}

/** A row value as the item's field (`type` by index, `at` by ms before `asOf`). */
function fieldOf(field: (typeof TICKER_FIELDS)[number], value: unknown, asOf: number): unknown {
  if (typeof value !== 'number') return value
  if (field === 'type') return FEED_TYPES[value]
  if (field === 'at') return new Date(asOf - value).toISOString()
  return value
}

/** A ticker item as a row [mask, ...values]; the item itself if it has a field a row cannot carry. */
function tickerRow(item: TickerItem, asOf: number): (string | number | boolean)[] | TickerItem {
  let mask = 0
  const row: (string | number | boolean)[] = [0]
  for (let i = 0; i < TICKER_FIELDS.length; i++) {
    const field = TICKER_FIELDS[i]
    const value = item[field]
    if (value === undefined) continue
    mask |= 1 << i
    const typeIndex = field === 'type' ? FEED_TYPES.indexOf(value as string) : -1
    row.push(typeIndex >= 0 ? typeIndex : field === 'at' ? compactAt(value as string, asOf) : value)
  }
  if (Object.keys(item).length !== row.length - 1) return item
  row[0] = mask
  return row
}

function tickerItemOf(row: unknown, asOf: number): TickerItem | null {
  if (!Array.isArray(row)) return row as TickerItem
  const item: Record<string, unknown> = {}
  let next = 1
  for (let i = 0; i < TICKER_FIELDS.length; i++) {
    if (!(row[0] & (1 << i))) continue
    item[TICKER_FIELDS[i]] = fieldOf(TICKER_FIELDS[i], row[next++], asOf)
  }
  return next === row.length ? (item as TickerItem) : null
}

/**
 * `delta` as a node sends it, a few bytes per cell instead of its ~40-character key (see
 * DeltaSchema `cells` and `tickerRows`), against `state`: what every viewer in step holds before it.
 */
export function compactDelta(state: WallState, delta: Delta): Delta {
  const { now: _n, today: _t, year: _y, daily: _d, ticker, alarms, ...rest } = delta
  const cells: NonNullable<Delta['cells']> = {}
  const both: [string, number, number][] = []
  for (const scope of CELL_SCOPES) {
    const changes = delta[scope]
    if (!changes) continue
    const entries: [string, number][] = []
    for (const key in changes) {
      // A counter changed today changed this year too: one entry for both.
      if (scope === 'today' && delta.year && key in delta.year)
        both.push([key, changes[key], delta.year[key]])
      else if (!(scope === 'year' && delta.today && key in delta.today)) entries.push([key, changes[key]])
    }
    if (entries.length) cells[scope] = encodeRefs(keysOf(state[scope]), entries)
  }
  if (both.length) cells.ty = encodeRefs(keysOf(state.today), both)
  const wire: Delta = Object.keys(cells).length ? { ...rest, cells } : rest
  if (ticker?.length)
    wire.tickerRows = ticker.map((item) => tickerRow(item, delta.asOf)) as NonNullable<Delta['tickerRows']>
  if (alarms) wire.alarmRefs = alarms.map((a) => alarmRef(state.alarms, a))
  return wire
}

/** `alarm`'s place in `held` if an equal one is there, else the alarm itself. */
function alarmRef(held: Alarm[], alarm: Alarm): number | Alarm {
  const at = held.findIndex((h) => h.alarmId === alarm.alarmId)
  return at >= 0 && sameFields(held[at], alarm) ? at : alarm
}

function sameFields(a: object, b: object): boolean {
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k])
}

/** A delta's `alarmRefs` resolved against the alarms `state` holds; null when a place is not there. */
function resolveAlarms(state: WallState, refs: NonNullable<Delta['alarmRefs']>): Alarm[] | null {
  const alarms: Alarm[] = []
  for (const ref of refs) {
    const alarm = typeof ref === 'number' ? state.alarms[ref] : ref
    if (!alarm) return null
    alarms.push(alarm)
  }
  return alarms
}

/** Cell changes as parallel lists: what a compact delta resolves to before any of it is applied. */
interface Resolved {
  keys: string[]
  values: number[]
}

/**
 * The cells of a compact delta resolved against `state` (every ref before any change: places move
 * as keys come and go); null when a ref does not resolve. Plain loops: a viewer does this ten
 * times a second for a few hundred cells.
 */
function resolveCells(
  state: WallState,
  cells: NonNullable<Delta['cells']>,
): Partial<Record<CellScope, Resolved>> | null {
  const out: Partial<Record<CellScope, Resolved>> = {}
  const into = (scope: CellScope): Resolved => (out[scope] ??= { keys: [], values: [] })
  const read = (scope: CellScope, list: (string | number)[], width: number, targets: Resolved[]): boolean => {
    const keys = keysOf(state[scope])
    let previous = -1
    for (let i = 0; i + width <= list.length; i += width) {
      const ref = list[i]
      let key: string | undefined
      if (typeof ref === 'number') {
        previous += ref + 1
        key = keys[previous]
      } else key = ref
      if (key === undefined) return false
      for (let j = 0; j < targets.length; j++) {
        targets[j].keys.push(key)
        targets[j].values.push(list[i + 1 + j] as number)
      }
    }
    return true
  }
  for (const scope of CELL_SCOPES) {
    const list = cells[scope]
    if (list && !read(scope, list, 2, [into(scope)])) return null
  }
  if (cells.ty && !read('today', cells.ty, 3, [into('today'), into('year')])) return null
  return out
}

/** `assignCells` for resolved lists. */
function assignResolved(target: Cells, changes: Resolved | undefined): void {
  if (!changes) return
  const keys = sortedKeys.get(target)
  for (let i = 0; i < changes.keys.length; i++) {
    const key = changes.keys[i]
    const value = changes.values[i]
    const had = key in target
    if (value === 0) {
      if (!had) continue
      delete target[key]
      if (keys) keys.splice(place(keys, key).at, 1)
    } else {
      target[key] = value
      if (!had && keys) keys.splice(place(keys, key).at, 0, key)
    }
  }
}

export type ApplyResult = 'applied' | 'stale' | 'gap'

/**
 * Applies `delta` (plain or compact) to `state` in place. A delta the state already holds is ignored
 * ("stale"); one that does not start right after `state.seq`, or whose compact cells name a cell the
 * state does not have, is a gap: nothing is applied, resync.
 */
export function applyDelta(state: WallState, delta: Delta): ApplyResult {
  if (delta.seq <= state.seq) return 'stale'
  if (delta.from !== state.seq + 1) return 'gap'
  const compact = delta.cells ? resolveCells(state, delta.cells) : null
  if (delta.cells && !compact) return 'gap'
  const ticker = delta.tickerRows
    ? delta.tickerRows.map((row) => tickerItemOf(row, delta.asOf))
    : delta.ticker
  if (ticker?.includes(null)) return 'gap'
  const alarms = delta.alarmRefs ? resolveAlarms(state, delta.alarmRefs) : delta.alarms
  if (alarms === null) return 'gap'
  for (const scope of CELL_SCOPES) {
    if (compact) assignResolved(state[scope], compact[scope])
    else assignCells(state[scope], delta[scope])
  }
  if (ticker?.length)
    state.ticker = [...(ticker as TickerItem[]), ...state.ticker].slice(0, LIMITS.tickerLength)
  if (delta.overdue) state.overdue = delta.overdue
  if (alarms) state.alarms = alarms
  state.seq = delta.seq
  state.asOf = delta.asOf
  return 'applied'
}

/** One delta saying what `a` then `b` say (b directly follows a). Bounded: cells overwrite, ticker is trimmed. */
export function mergeDelta(a: Delta, b: Delta): Delta {
  const merged: Delta = { type: 'delta', from: a.from, seq: b.seq, asOf: b.asOf }
  for (const scope of CELL_SCOPES) {
    if (a[scope] || b[scope]) merged[scope] = { ...a[scope], ...b[scope] }
  }
  if (a.ticker || b.ticker)
    merged.ticker = [...(b.ticker ?? []), ...(a.ticker ?? [])].slice(0, LIMITS.tickerLength)
  const overdue = b.overdue ?? a.overdue
  if (overdue) merged.overdue = overdue
  const alarms = b.alarms ?? a.alarms
  if (alarms) merged.alarms = alarms
  if (a.kpis || b.kpis) merged.kpis = { ...a.kpis, ...b.kpis }
  return merged
}

/**
 * `mergeDelta` in place: `a` becomes what `a` then `b` say. For a node summing thousands of
 * publishes between flushes, where copying the growing `a` each time would cost O(cells) per publish.
 * Only for a delta nobody else holds.
 */
export function mergeInto(a: Delta, b: Delta): Delta {
  for (const scope of CELL_SCOPES) {
    const changes = b[scope]
    if (!changes) continue
    const target = a[scope]
    if (!target) a[scope] = { ...changes }
    else for (const key in changes) target[key] = changes[key]
  }
  if (b.ticker?.length)
    a.ticker = a.ticker
      ? b.ticker.concat(a.ticker).slice(0, LIMITS.tickerLength)
      : b.ticker.slice(0, LIMITS.tickerLength)
  if (b.overdue) a.overdue = b.overdue
  if (b.alarms) a.alarms = b.alarms
  if (b.kpis) a.kpis = { ...a.kpis, ...b.kpis }
  a.seq = b.seq
  a.asOf = b.asOf
  return a
}

/** FNV-1a, 32 bits: small, fast, the same in every JS engine. Not for security, only for agreement. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

function canonicalCells(cells: Cells): string {
  return Object.keys(cells)
    .sort()
    .map((k) => `${k}=${cells[k]}`)
    .join(',')
}

/** A hash of every value in `state`; two states with the same digest at the same seq agree. */
export function stateDigest(state: WallState): string {
  const parts = [
    `seq=${state.seq}`,
    `day=${state.day}`,
    ...CELL_SCOPES.map((s) => `${s}:${canonicalCells(state[s])}`),
    `ticker:${state.ticker.map((f) => f.seq).join(',')}`,
    `overdue:${state.overdue.map((o) => `${o.hazardId}@${o.deadline}/${o.status}`).join(',')}`,
    `alarms:${state.alarms.map((a) => `${a.alarmId}@${a.seq}`).join(',')}`,
  ]
  return fnv1a(parts.join(';'))
}
