import type { RegionStore } from '../store/store.ts'
import type { PreparedEvent } from '../ingest/prepare.ts'
import type { LedgerRow } from './ledger.ts'

// Applies checked ledger rows through the same script as POST /api/events, in batches of the
// configured size, in row order. A row's events stay in one batch, so a row is never half applied;
// each batch is atomic, the import as a whole is not: a batch that fails stops the import, and the
// answer says which rows were applied (all rows up to one row). Importing the same file again
// completes it (docs/import.md).

/** The events one row contributes to this import (a sync applies only what changed). */
export interface RowWork {
  row: LedgerRow
  events: PreparedEvent[]
}

/** Work packed into batches of at most `limit` events; a row larger than a batch is split. */
export function batchesOf(work: RowWork[], limit: number): RowWork[][] {
  const batches: RowWork[][] = []
  let current: RowWork[] = []
  let size = 0
  for (const w of work) {
    if (size + w.events.length > limit && current.length) {
      batches.push(current)
      current = []
      size = 0
    }
    if (w.events.length > limit) {
      for (let i = 0; i < w.events.length; i += limit)
        batches.push([{ ...w, events: w.events.slice(i, i + limit) }])
      continue
    }
    current.push(w)
    size += w.events.length
  }
  if (current.length) batches.push(current)
  return batches
}

/** What was applied before the import ended, whichever way it ended. */
export interface Applied {
  /** Events applied by this import. */
  applied: number
  /** Events this same file had applied before (a retry): counted once. */
  duplicates: number
  /** Rows whose events are all in: the import's first rows, up to `throughRow`. */
  rows: number
  /** The last spreadsheet row applied (null: none). */
  throughRow: number | null
  seq: number
}

export type ApplyOutcome =
  | ({ ok: true } & Applied)
  /** A batch the script refused: another source changed a hazard after the check. */
  | ({ ok: false; why: 'conflict'; row: LedgerRow; field: string; reason: string } & Applied)
  /**
   * Redis failed mid-way. The batch in flight then may or may not be in (its answer was lost):
   * `unsureThroughRow` is its last row.
   */
  | ({ ok: false; why: 'storage'; error: unknown; unsureThroughRow: number | null } & Applied)

export interface ApplyOptions {
  store: RegionStore
  batchLimit: number
  clock: () => number
  /** Told after each batch how many rows are applied; awaited. */
  onBatch?: (rowsDone: number) => Promise<void>
}

export async function applyWork(work: RowWork[], opts: ApplyOptions): Promise<ApplyOutcome> {
  const done: Applied = { applied: 0, duplicates: 0, rows: 0, throughRow: null, seq: 0 }
  const rowsDone = new Set<number>()
  let inFlight: number | null = null
  try {
    done.seq = await opts.store.currentSeq()
    for (const batch of batchesOf(work, opts.batchLimit)) {
      inFlight = batch[batch.length - 1].row.row
      const events = batch.flatMap((w) => w.events)
      const rowOfEvent = batch.flatMap((w) => w.events.map(() => w.row))
      const outcome = await opts.store.ingest(events, opts.clock())
      if (!outcome.ok) {
        return {
          ok: false,
          why: 'conflict',
          row: rowOfEvent[outcome.index],
          field: outcome.field,
          reason: outcome.reason,
          ...done,
        }
      }
      done.applied += outcome.applied.length
      done.duplicates += outcome.duplicates.length
      done.seq = outcome.seq
      for (const w of batch) rowsDone.add(w.row.row)
      done.rows = rowsDone.size
      done.throughRow = batch[batch.length - 1].row.row
      inFlight = null
      await opts.onBatch?.(rowsDone.size)
    }
  } catch (error) {
    return { ok: false, why: 'storage', error, unsureThroughRow: inFlight, ...done }
  }
  return { ok: true, ...done }
}
