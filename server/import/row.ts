import { createHash } from 'node:crypto'
import {
  checkEvents,
  type AcceptedEvent,
  type HazardReported,
  type HazardStatusChanged,
  type LookoutEvent,
} from '../../shared/events.ts'
import { HAZARD_TRANSITIONS } from '../../shared/hazard.ts'
import type { HazardStatus } from '../../shared/enums.ts'
import { LIMITS } from '../../shared/limits.ts'
import { asLogged, prepareEvent, type PreparedEvent } from '../ingest/prepare.ts'
import { COLUMN_BY_KEY, EXAMPLE_HAZARD_ID, type ColumnKey, type FoundColumn } from './columns.ts'
import type { LedgerContext, LedgerRow } from './ledger.ts'
import type { CellValue, SheetRow } from './read.ts'
import type { ImportIssue, ImportIssueCode } from '../../shared/api/import.ts'
import {
  bad,
  cellText,
  domainLookup,
  regionWhen,
  enumReaders,
  readIndustry,
  readWhen,
  townLookup,
  type Read,
  type When,
} from './values.ts'

// One ledger row read and checked: every cell, then the events it becomes, checked as the API
// checks them and prepared for the ingest script, so nothing that can fail is left for the apply.

const MAX_FUTURE_MS = 10 * 60_000
const ID_PATTERN = new RegExp(LIMITS.idPattern)

/** A row's hazard id, and the number its ledger wrote when that was no valid id. */
export interface LedgerId {
  hazardId: string
  number?: string
}

/**
 * The hazard id of a ledger's 隐患编号. One that is a valid id is used as it is; one as clerks write
 * them (黄桥2026-001, HQ/2026/001, 〔2026〕12号) becomes `LG-` and 20 hex digits of its SHA-256: the
 * same number gives the same id on every import (and every node), so a re-sent ledger syncs. The
 * number itself is kept on the hazard. Null when it is too long to keep.
 */
export function ledgerHazardId(text: string): LedgerId | null {
  const number = text.normalize('NFKC').trim()
  if (!number || Array.from(number).length > LIMITS.entityIdMax) return null
  if (number.length <= LIMITS.entityIdMax && ID_PATTERN.test(number)) return { hazardId: number }
  return { hazardId: `LG-${createHash('sha256').update(number).digest('hex').slice(0, 20)}`, number }
}

/** Event ids stable across imports of the same file: a second import is all duplicates. */
export function rowEventId(fileHash: string, row: number, step = 0): string {
  return `imp-${fileHash.slice(0, 16)}-${row}${step ? `-${step}` : ''}`
}

/**
 * The shortest legal run of status changes from `from` to `target` (the lifecycle table decides);
 * null when the lifecycle allows none (a closed hazard reopened).
 */
export function statusPath(target: HazardStatus, from: HazardStatus = 'reported'): HazardStatus[] | null {
  const paths = new Map<HazardStatus, HazardStatus[]>([[from, []]])
  const queue: HazardStatus[] = [from]
  while (queue.length) {
    const from = queue.shift()!
    for (const to of HAZARD_TRANSITIONS[from]) {
      if (paths.has(to)) continue
      paths.set(to, [...paths.get(from)!, to])
      queue.push(to)
    }
  }
  return paths.get(target) ?? null
}

export type RowResult =
  | { kind: 'ok'; row: LedgerRow }
  | { kind: 'bad'; issues: ImportIssue[] }
  | { kind: 'example'; column: string }

/** Reads one data row: every cell checked, then the events it becomes checked as the API would. */
export function rowReader(found: Map<ColumnKey, FoundColumn>, ctx: LedgerContext) {
  const { region, fileHash, now, by } = ctx
  const { ms: whenMs, deadline: deadlineText } = regionWhen(region.timeZone)
  const readTown = townLookup(region)
  const readDomain = domainLookup(region)
  const { grade: readGrade, source: readSource, status: readStatus } = enumReaders(region)
  const headerOf = (key: ColumnKey) => found.get(key)?.header ?? COLUMN_BY_KEY.get(key)!.header

  return (r: SheetRow): RowResult => {
    const issues: ImportIssue[] = []
    const cell = (key: ColumnKey): CellValue => {
      const at = found.get(key)
      return at ? (r.cells[at.index] ?? null) : null
    }
    const complain = (key: ColumnKey, code: ImportIssueCode, reason: string, reasonEn: string) => {
      const text = cellText(cell(key))
      issues.push({
        row: r.row,
        column: headerOf(key),
        ...(text ? { value: text } : {}),
        code,
        reason,
        reasonEn,
      })
    }
    /** The column's value: required ones complain when empty, optional ones give undefined. */
    function read<T>(key: ColumnKey, reader: (c: CellValue) => Read<T>): T | undefined {
      const c = cell(key)
      if (c === null) {
        if (COLUMN_BY_KEY.get(key)!.required)
          complain(key, 'cell.required', '必填，不能为空', 'required, must not be empty')
        return undefined
      }
      const result = reader(c)
      if (result.ok) return result.value
      complain(key, result.code, result.reason, result.reasonEn)
      return undefined
    }
    const text =
      (max: number) =>
      (c: CellValue): Read<string> => {
        const s = cellText(c)
        return s.length <= max
          ? { ok: true, value: s }
          : bad(
              'cell.too_long',
              `超过 ${max} 字（现有 ${s.length} 字）`,
              `longer than ${max} characters (${s.length})`,
            )
      }
    const readId = (c: CellValue): Read<LedgerId> => {
      const id = ledgerHazardId(cellText(c))
      if (id) return { ok: true, value: id }
      return bad('cell.bad_id', `最长 ${LIMITS.entityIdMax} 字`, `at most ${LIMITS.entityIdMax} characters`)
    }
    const notFuture =
      (key: ColumnKey) =>
      (c: CellValue): Read<When> => {
        const when = readWhen(c)
        if (when.ok && whenMs(when.value) > now + MAX_FUTURE_MS) {
          return bad(
            'cell.in_future',
            '不能晚于现在',
            `${key === 'at' ? 'the time found' : 'the closing time'} is in the future`,
          )
        }
        return when
      }

    const ledgerId = read('hazardId', readId)
    const hazardId = ledgerId?.hazardId
    if (hazardId === EXAMPLE_HAZARD_ID) return { kind: 'example', column: headerOf('hazardId') }
    const title = read('title', text(LIMITS.titleMax))
    const town = read('town', readTown)
    const domain = read('domain', readDomain)
    const industry =
      domain && cell('industry') !== null
        ? read('industry', (c) => readIndustry(c, domain, region))
        : undefined
    const grade = read('grade', readGrade)
    const deadline = read('deadline', readWhen)
    const enterprise = read('enterprise', text(LIMITS.enterpriseMax))
    const source = read('source', readSource)
    const foundWhen = read('at', notFuture('at'))
    const status = read('status', readStatus) ?? 'reported'
    const closedWhen = read('closedAt', notFuture('closedAt'))
    if (closedWhen && status === 'reported') {
      complain(
        'closedAt',
        'cell.closed_while_reported',
        `整改状态为待整改时不应填写${headerOf('closedAt')}`,
        'given for a hazard still reported (待整改)',
      )
    } else if (foundWhen && closedWhen && whenMs(closedWhen) < whenMs(foundWhen)) {
      complain('closedAt', 'cell.closed_before_found', `早于${headerOf('at')}`, 'earlier than the time found')
    }
    if (issues.length || !hazardId || !title || !town || !domain || !grade || !deadline)
      return { kind: 'bad', issues }

    // Found before it was closed: without a time found, the closing time stands for it.
    const foundAt = foundWhen ?? closedWhen
    const reported: HazardReported = {
      id: rowEventId(fileHash, r.row),
      type: 'hazard.reported',
      hazardId,
      town: town.code,
      domain: domain.id,
      ...(industry ? { industry } : {}),
      grade,
      title,
      deadline: deadlineText(deadline),
      ...(enterprise ? { enterprise } : {}),
      ...(source ? { source } : {}),
      ...(ledgerId?.number ? { number: ledgerId.number } : {}),
      ...(foundAt ? { at: new Date(whenMs(foundAt)).toISOString() } : {}),
    }
    const stepsAt = closedWhen ?? foundWhen
    const steps: HazardStatusChanged[] = statusPath(status)!.map((to, i) => ({
      id: rowEventId(fileHash, r.row, i + 1),
      type: 'hazard.status',
      hazardId,
      status: to as HazardStatusChanged['status'],
      ...(stepsAt ? { at: new Date(whenMs(stepsAt)).toISOString() } : {}),
    }))

    const events: AcceptedEvent[] = []
    for (const ev of [reported, ...steps] as LookoutEvent[]) {
      // A closing time standing in for the time found is no found time to hold the deadline
      // against (a hazard closed late is ordinary history): checked without it, then given it.
      const standIn = ev === reported && !foundWhen && ev.at !== undefined
      const { at: _standIn, ...withoutAt } = ev
      const checked = checkEvents(standIn ? withoutAt : ev, { region, now, maxFutureMs: MAX_FUTURE_MS })
      if (checked.ok) {
        events.push(...(standIn ? checked.events.map((e) => ({ ...e, at: ev.at! })) : checked.events))
        continue
      }
      for (const d of checked.details) {
        const field = d.path.split('/')[1] as ColumnKey
        const key: ColumnKey =
          field === 'at' && ev.type === 'hazard.status' && closedWhen ? 'closedAt' : field
        const before = d.code === 'deadline_before_found' ? [d.message, String(d.params.day)] : null
        issues.push({
          row: r.row,
          column: COLUMN_BY_KEY.has(key) ? headerOf(key) : '',
          code: before ? 'cell.deadline_before_found' : 'cell.not_an_event',
          reason: before ? `早于发现时间（${before[1]}）` : `不符合事件格式：${d.message}`,
          reasonEn: before
            ? `the deadline is before the time found (${before[1]})`
            : `${d.path} ${d.message}`,
        })
      }
    }
    if (issues.length) return { kind: 'bad', issues }
    // Every conversion the ingest needs (deadline and day in region time) is made here, so one that
    // fails is this row's refusal, not a failure half-way through the apply.
    const prepared: PreparedEvent[] = []
    for (const e of events) {
      try {
        prepared.push(prepareEvent(asLogged(e, by, region), region.timeZone))
      } catch {
        issues.push({
          row: r.row,
          column: headerOf(e.type === 'hazard.reported' ? 'deadline' : 'at'),
          code: 'cell.bad_date',
          reason: '日期无法换算为本地时间',
          reasonEn: 'a date here cannot be placed in region time',
        })
        return { kind: 'bad', issues }
      }
    }
    const closedAt = closedWhen ? new Date(whenMs(closedWhen)).toISOString() : undefined
    return {
      kind: 'ok',
      row: { row: r.row, hazardId, events: prepared, status, ...(closedAt ? { closedAt } : {}) },
    }
  }
}
