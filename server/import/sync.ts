import type { HazardStatus } from '../../shared/enums.ts'
import { HazardStatus as Statuses } from '../../shared/enums.ts'
import type { HazardStatusChanged } from '../../shared/events.ts'
import { prepareEvent } from '../ingest/prepare.ts'
import type { RegionStore } from '../store/store.ts'
import type { HazardState } from '../store/records.ts'
import type { RowWork } from './apply.ts'
import type { LedgerRow } from './ledger.ts'
import { statusPath } from './row.ts'
import type { ImportIssue } from '../../shared/api/import.ts'

// A ledger is kept and sent again each week: an import is a sync against what is stored. A row
// whose hazard is not stored is new (reported, then moved to its status); a stored one in the row's
// status is unchanged (nothing applied); one in another status gets the legal moves to it, or the
// row is refused when the lifecycle has none (a 已销号 hazard is never reopened).

export interface SyncCounts {
  new: number
  updated: number
  unchanged: number
  refused: number
}

export interface SyncPlan {
  work: RowWork[]
  counts: SyncCounts
  issues: ImportIssue[]
  warnings: ImportIssue[]
}

const SHORT: Record<HazardStatus, string> = {
  reported: 'r',
  rectifying: 'f',
  awaiting_acceptance: 'a',
  closed: 'c',
}
const zh = (s: string) => Statuses.entries.find((e) => e.value === s)?.zh ?? s

/**
 * The id of a sync's status move: by file, row and the move itself, so importing the same file again
 * (to complete an import cut off part way) finds it applied, and another move of the same row is new.
 */
export function moveEventId(fileHash: string, row: number, from: HazardStatus, to: HazardStatus): string {
  return `imp-${fileHash.slice(0, 16)}-${row}-m${SHORT[from]}${SHORT[to]}`
}

export interface SyncContext {
  store: RegionStore
  fileHash: string
  timeZone: string
  now: number
  by?: string
  /** Each column's header as the file writes it. */
  header: (key: 'hazardId' | 'status' | 'title' | 'town') => string
}

function movesOf(r: LedgerRow, stored: HazardState, ctx: SyncContext, path: HazardStatus[]) {
  let from = stored.status as HazardStatus
  return path.map((to) => {
    const ev: HazardStatusChanged & { at: string; by?: string } = {
      id: moveEventId(ctx.fileHash, r.row, from, to),
      type: 'hazard.status',
      hazardId: r.hazardId,
      status: to as HazardStatusChanged['status'],
      // Moves the ledger dates (its 销号时间) are logged then; ones it does not date, now.
      at: r.closedAt ?? new Date(ctx.now).toISOString(),
      ...(ctx.by === undefined ? {} : { by: ctx.by }),
    }
    from = to
    return prepareEvent(ev, ctx.timeZone)
  })
}

export async function planSync(rows: LedgerRow[], ctx: SyncContext): Promise<SyncPlan> {
  const plan: SyncPlan = {
    work: [],
    counts: { new: 0, updated: 0, unchanged: 0, refused: 0 },
    issues: [],
    warnings: [],
  }
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000)
    const states = await ctx.store.hazardStates(chunk.map((r) => r.hazardId))
    chunk.forEach((r, i) => {
      const stored = states[i]
      const reported = r.events[0].e
      if (!stored) {
        plan.counts.new++
        plan.work.push({ row: r, events: r.events })
        return
      }
      const refuse = (issue: Omit<ImportIssue, 'row'>) => {
        plan.counts.refused++
        plan.issues.push({ row: r.row, ...issue })
      }
      if (
        reported.type === 'hazard.reported' &&
        (stored.town !== reported.town || stored.domain !== reported.domain)
      ) {
        return refuse({
          column: ctx.header('hazardId'),
          value: r.hazardId,
          code: 'hazard.taken',
          reason: `隐患编号 ${r.hazardId} 已存在（已由其他文件或现场录入上报），且所属镇街或领域不同`,
          reasonEn: `hazard ${r.hazardId} was already reported (by another file or the entry page), in another town or domain`,
        })
      }
      if (reported.type === 'hazard.reported' && stored.title !== reported.title) {
        plan.warnings.push({
          row: r.row,
          column: ctx.header('title'),
          code: 'hazard.changed_fields',
          reason: '已导入的隐患只同步整改状态，其他内容的修改未导入',
          reasonEn:
            'a hazard already imported takes only its status from the ledger: other changes are not imported',
        })
      }
      if (stored.status === r.status) {
        plan.counts.unchanged++
        return
      }
      const path = statusPath(r.status, stored.status as HazardStatus)
      if (!path) {
        return refuse({
          column: ctx.header('status'),
          value: zh(r.status),
          code: 'hazard.illegal_move',
          reason: `该隐患现为「${zh(stored.status)}」，不能改为「${zh(r.status)}」`,
          reasonEn: `the hazard is ${stored.status} now and cannot move to ${r.status}`,
        })
      }
      plan.counts.updated++
      plan.work.push({ row: r, events: movesOf(r, stored, ctx, path) })
    })
  }
  return plan
}
