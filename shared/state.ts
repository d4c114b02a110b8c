import { LIMITS } from './limits.ts'
import type { Cells } from './cells.ts'
import type { Delta, WallState } from './protocol.ts'

// Applying, merging and checking deltas: the same code on the server node and in every client,
// so both hold the same state at the same seq (and the digest proves it).

export function emptyState(day: string): WallState {
  return { seq: 0, day, asOf: 0, now: {}, today: {}, year: {}, daily: {}, feed: [], overdue: [] }
}

const CELL_SCOPES = ['now', 'today', 'year', 'daily'] as const

/** A cell whose value is 0 is dropped, so a state equals a fresh snapshot that never saw it. */
function assignCells(target: Cells, changes: Cells | undefined): void {
  if (!changes) return
  for (const key in changes) {
    if (changes[key] === 0) delete target[key]
    else target[key] = changes[key]
  }
}

export type ApplyResult = 'applied' | 'stale' | 'gap'

/**
 * Applies `delta` to `state` in place. A delta the state already holds is ignored ("stale");
 * one that does not start right after `state.seq` is a gap: nothing is applied, resync.
 */
export function applyDelta(state: WallState, delta: Delta): ApplyResult {
  if (delta.seq <= state.seq) return 'stale'
  if (delta.from !== state.seq + 1) return 'gap'
  for (const scope of CELL_SCOPES) assignCells(state[scope], delta[scope])
  if (delta.feed?.length) state.feed = [...delta.feed, ...state.feed].slice(0, LIMITS.feedLength)
  if (delta.overdue) state.overdue = delta.overdue
  state.seq = delta.seq
  state.asOf = delta.asOf
  return 'applied'
}

/** One delta saying what `a` then `b` say (b directly follows a). Bounded: cells overwrite, feed is trimmed. */
export function mergeDelta(a: Delta, b: Delta): Delta {
  const merged: Delta = { type: 'delta', from: a.from, seq: b.seq, asOf: b.asOf }
  for (const scope of CELL_SCOPES) {
    if (a[scope] || b[scope]) merged[scope] = { ...a[scope], ...b[scope] }
  }
  if (a.feed || b.feed) merged.feed = [...(b.feed ?? []), ...(a.feed ?? [])].slice(0, LIMITS.feedLength)
  const overdue = b.overdue ?? a.overdue
  if (overdue) merged.overdue = overdue
  if (a.kpis || b.kpis) merged.kpis = { ...a.kpis, ...b.kpis }
  return merged
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
    `feed:${state.feed.map((f) => f.seq).join(',')}`,
    `overdue:${state.overdue.map((o) => `${o.hazardId}@${o.deadline}/${o.status}`).join(',')}`,
  ]
  return fnv1a(parts.join(';'))
}
