import type { FastifyBaseLogger } from 'fastify'
import type { RegionIndex } from '../../shared/region.ts'
import type { RegionStore } from '../store/store.ts'
import { storageUnavailable } from '../store/unavailable.ts'
import { applyWork, type Applied } from './apply.ts'
import { IMPORT_LIMITS } from './columns.ts'
import { fileHashOf, readAndCheck, type LedgerCheck } from './ledger.ts'
import type { ImportProgressStore } from './progress.ts'
import { LedgerFileError } from './read.ts'
import type {
  ImportDone,
  ImportIssue,
  ImportRefused,
  ImportStopped,
  SyncCounts,
} from '../../shared/api/import.ts'
import { planSync } from './sync.ts'

// One ledger import, start to end: read and check every row, compare them with what is stored,
// apply what changed. It owns its phases and the progress it keeps in Redis, and ends in one
// ImportResult; the route only turns that into a status.

export type ImportResult =
  | { kind: 'done'; body: ImportDone }
  | { kind: 'refused'; status: 400 | 409 | 413 | 415; body: ImportRefused }
  /** Stopped part way by a failure that is no fault of the file (503: storage). */
  | { kind: 'stopped'; status: 500 | 503; body: ImportStopped }

export interface ImportJobContext {
  store: RegionStore
  progress: ImportProgressStore
  region: RegionIndex
  clock: () => number
  batchLimit: number
  log: FastifyBaseLogger
  /** The importing token's name. */
  by?: string
  /** Counts the events applied (the metrics' counter). */
  countApplied: (n: number) => void
}

const NONE_APPLIED = { applied: 0, rowsApplied: 0, appliedThroughRow: null }

/** A refusal's body: the issues (at most IMPORT_LIMITS.maxIssues listed) and what was applied. */
export function refusedBody(
  error: string,
  issues: ImportIssue[],
  more: Partial<Omit<ImportRefused, 'error' | 'issues' | 'issueCount'>> = {},
): ImportRefused {
  return {
    error,
    ...NONE_APPLIED,
    warnings: [],
    ...more,
    issues: issues.slice(0, IMPORT_LIMITS.maxIssues),
    issueCount: issues.length,
  }
}

const appliedPart = (a: Applied) => ({
  applied: a.applied,
  rowsApplied: a.rows,
  appliedThroughRow: a.throughRow,
})

export async function runImport(file: Buffer, ctx: ImportJobContext): Promise<ImportResult> {
  const fileHash = fileHashOf(file)
  const { progress } = ctx
  const refuse = (status: 400 | 409 | 413 | 415, body: ImportRefused): ImportResult => {
    ctx.log[body.applied ? 'warn' : 'info'](
      {
        by: ctx.by,
        fileHash,
        error: body.error,
        issueCount: body.issueCount,
        issues: body.issues.slice(0, 3),
        applied: body.applied,
        appliedThroughRow: body.appliedThroughRow,
      },
      body.applied
        ? `ledger import stopped part way: ${body.applied} events applied`
        : 'ledger import refused',
    )
    return { kind: 'refused', status, body }
  }

  await progress.set(fileHash, 'checking', 0, 0)
  let check: LedgerCheck
  try {
    check = await readAndCheck(file, {
      region: ctx.region,
      fileHash,
      now: ctx.clock(),
      by: ctx.by,
      onProgress: (done, total) => progress.set(fileHash, 'checking', done, total),
    })
  } catch (err) {
    if (!(err instanceof LedgerFileError)) throw err
    await progress.set(fileHash, 'rejected', 0, 0)
    const issue = { row: err.row, column: '', code: err.code, reason: err.reason, reasonEn: err.reasonEn }
    return refuse(err.status, refusedBody('unreadable file', [issue], { fileHash }))
  }
  const { rows, warnings, sheet } = check
  if (check.issues.length) {
    await progress.set(fileHash, 'rejected', 0, check.total)
    return refuse(
      400,
      refusedBody('invalid rows: nothing applied', check.issues, { fileHash, sheet, warnings }),
    )
  }

  const header = (key: keyof LedgerCheck['headers']) => check.headers[key] ?? ''
  const plan = await planSync(rows, {
    store: ctx.store,
    fileHash,
    timeZone: ctx.region.timeZone,
    now: ctx.clock(),
    by: ctx.by,
    header,
  })
  const allWarnings = [...warnings, ...plan.warnings]
  const counts: SyncCounts = plan.counts
  if (plan.issues.length) {
    await progress.set(fileHash, 'rejected', 0, rows.length)
    return refuse(
      409,
      refusedBody('rows refused against what is stored: nothing applied', plan.issues, {
        fileHash,
        sheet,
        warnings: allWarnings,
        counts,
      }),
    )
  }

  await progress.set(fileHash, 'applying', 0, plan.work.length)
  const outcome = await applyWork(plan.work, {
    store: ctx.store,
    batchLimit: ctx.batchLimit,
    clock: ctx.clock,
    onBatch: (done) => progress.set(fileHash, 'applying', done, plan.work.length),
  })
  ctx.countApplied(outcome.applied)
  if (!outcome.ok && outcome.why === 'conflict') {
    await progress.set(fileHash, 'failed', 0, plan.work.length)
    const r = outcome.row
    // A conflict that appeared after the check: another source reported the hazard, or moved it.
    const issue: ImportIssue =
      outcome.field === 'hazardId'
        ? {
            row: r.row,
            column: header('hazardId'),
            code: 'hazard.changed_during_import',
            reason: `隐患编号 ${r.hazardId} 在导入期间已由其他来源上报`,
            reasonEn: outcome.reason,
          }
        : {
            row: r.row,
            column: header('status'),
            code: 'hazard.changed_during_import',
            reason: `隐患 ${r.hazardId} 的状态在导入期间已被其他来源改变，无法按台账变更`,
            reasonEn: outcome.reason,
          }
    return refuse(
      409,
      refusedBody('conflict while applying', [issue], {
        fileHash,
        sheet,
        warnings: allWarnings,
        counts,
        ...appliedPart(outcome),
      }),
    )
  }
  if (!outcome.ok) {
    const unavailable = storageUnavailable(outcome.error, ctx.store.redis)
    ctx.log[unavailable ? 'warn' : 'error'](
      { err: outcome.error, by: ctx.by, fileHash, ...appliedPart(outcome) },
      `ledger import stopped part way: ${outcome.applied} events applied; importing the same file again completes it`,
    )
    // Marking it failed may fail too (Redis is gone): the answer matters more.
    await progress.set(fileHash, 'failed', 0, plan.work.length).catch(() => undefined)
    return {
      kind: 'stopped',
      status: unavailable ? 503 : 500,
      body: {
        error: unavailable
          ? 'storage unavailable: the import stopped part way; import the same file again to complete it'
          : 'internal error: the import stopped part way; import the same file again to complete it',
        fileHash,
        ...appliedPart(outcome),
        unsureThroughRow: outcome.unsureThroughRow,
      },
    }
  }
  await progress.set(fileHash, 'done', plan.work.length, plan.work.length)
  ctx.log.info(
    {
      by: ctx.by,
      fileHash,
      sheet,
      rows: rows.length,
      ...counts,
      applied: outcome.applied,
      duplicates: outcome.duplicates,
      seq: outcome.seq,
    },
    'ledger imported',
  )
  return {
    kind: 'done',
    body: {
      fileHash,
      sheet,
      rows: rows.length,
      ...counts,
      rowsApplied: counts.new + counts.updated,
      events: outcome.applied + outcome.duplicates,
      applied: outcome.applied,
      duplicates: outcome.duplicates,
      seq: outcome.seq,
      warnings: allWarnings,
    },
  }
}
