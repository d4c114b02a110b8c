import type { RegionStore } from '../store/store.ts'
import { prepareEvent } from '../ingest/prepare.ts'
import type { LedgerRow } from './ledger.ts'

// Applies checked ledger rows through the same path as POST /api/events (prepareEvent, then the
// ingest script), in batches of the configured size. A row's events stay in one batch, so a row is
// never half applied; each batch is atomic, the import as a whole is not (see applyRows).

/** A row whose 隐患编号 is already taken by a hazard this file did not report. */
export interface RowConflict {
  row: number
  field: string
  reason: string
  reasonEn: string
}

/**
 * Rows that would conflict with what Redis already holds: a 隐患编号 reported by another file or the
 * entry page. Found before anything is applied, so such a file applies nothing. (A hazard this same
 * file reported before is no conflict: its events come back as duplicates.)
 */
export async function findTakenHazards(
  rows: LedgerRow[],
  store: RegionStore,
  nowMs: number,
  /** The importing token's name: event ids are remembered per writer. */
  by?: string,
): Promise<RowConflict[]> {
  const conflicts: RowConflict[] = []
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000)
    // The row's report event is remembered once applied: then the hazard is this file's own.
    const mine = await store.seenEvents(
      chunk.map((r) => ({ id: r.events[0].id, by })),
      nowMs,
    )
    const taken = await store.hazardsExist(chunk.map((r) => r.hazardId))
    chunk.forEach((r, i) => {
      if (taken[i] && !mine[i]) {
        conflicts.push({
          row: r.row,
          field: 'hazardId',
          reason: `隐患编号 ${r.hazardId} 已存在（已由其他文件或现场录入上报）`,
          reasonEn: `hazard ${r.hazardId} was already reported (by another file or the entry page)`,
        })
      }
    })
  }
  return conflicts
}

/** Rows packed into batches of at most `limit` events; a row larger than a batch is split. */
export function batchesOf(rows: LedgerRow[], limit: number): LedgerRow[][] {
  const batches: LedgerRow[][] = []
  let current: LedgerRow[] = []
  let size = 0
  for (const r of rows) {
    if (size + r.events.length > limit && current.length) {
      batches.push(current)
      current = []
      size = 0
    }
    if (r.events.length > limit) {
      for (let i = 0; i < r.events.length; i += limit)
        batches.push([{ ...r, events: r.events.slice(i, i + limit) }])
      continue
    }
    current.push(r)
    size += r.events.length
  }
  if (current.length) batches.push(current)
  return batches
}

export type ApplyOutcome =
  | { ok: true; applied: number; duplicates: number; seq: number; rowsApplied: number }
  | ({ ok: false; applied: number } & RowConflict)

export interface ApplyOptions {
  store: RegionStore
  batchLimit: number
  timeZone: string
  clock: () => number
  /** The importing token's name, logged with each event as `by` (as POST /api/events does). */
  by?: string
  /** Told after each batch how many rows are applied; awaited. */
  onBatch?: (rowsDone: number) => Promise<void>
}

/**
 * Applies the rows batch by batch. Each batch is all or nothing; if one fails (Redis down, or a
 * conflict that appeared after the check) the earlier batches stay applied, and importing the same
 * file again completes it: its event ids are stable, so what was applied comes back as duplicates.
 */
export async function applyRows(rows: LedgerRow[], opts: ApplyOptions): Promise<ApplyOutcome> {
  let applied = 0
  let duplicates = 0
  /** Rows whose report this import applied (the rest came back duplicates: imported before). */
  let rowsApplied = 0
  let seq = await opts.store.currentSeq()
  const rowsDone = new Set<number>()
  for (const batch of batchesOf(rows, opts.batchLimit)) {
    const events = batch.flatMap((r) => r.events)
    const rowOfEvent = batch.flatMap((r) => r.events.map(() => r))
    const outcome = await opts.store.ingest(
      events.map((e) => prepareEvent(opts.by === undefined ? e : { ...e, by: opts.by }, opts.timeZone)),
      opts.clock(),
    )
    if (!outcome.ok) {
      const r = rowOfEvent[outcome.index]
      return {
        ok: false,
        applied,
        row: r.row,
        field: outcome.field,
        // A conflict that appeared after the check: another source reported the hazard, or moved it.
        reason:
          outcome.field === 'hazardId'
            ? `隐患编号 ${r.hazardId} 在导入期间已由其他来源上报`
            : `隐患 ${r.hazardId} 的状态在导入期间已被其他来源改变，无法按台账变更`,
        reasonEn: outcome.reason,
      }
    }
    applied += outcome.applied.length
    duplicates += outcome.duplicates.length
    const appliedIds = new Set(outcome.applied)
    rowsApplied += batch.filter(
      (r) => r.events[0].type === 'hazard.reported' && appliedIds.has(r.events[0].id),
    ).length
    seq = outcome.seq
    for (const r of batch) rowsDone.add(r.row)
    await opts.onBatch?.(rowsDone.size)
  }
  return { ok: true, applied, duplicates, seq, rowsApplied }
}
