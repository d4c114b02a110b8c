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
import type { RegionIndex } from '../../shared/region.ts'
import {
  COLUMN_BY_KEY,
  EXAMPLE_HAZARD_ID,
  IMPORT_LIMITS,
  matchHeaders,
  type ColumnKey,
  type FoundColumn,
} from './columns.ts'
import { LedgerFileError, type CellValue, type SheetRow } from './read.ts'
import type { ImportIssue } from '../../shared/api/import.ts'
import {
  cellText,
  domainLookup,
  regionWhen,
  readGrade,
  readIndustry,
  readSource,
  readStatus,
  readWhen,
  townLookup,
  type Read,
  type When,
} from './values.ts'

// Turns a ledger's rows into hazard events and checks every row before anything is applied:
// each problem is reported with its row, its column's header and the reason.

/** The first 16 hex digits of the file's SHA-256 name its events; the whole hash names its progress. */
export function fileHashOf(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex')
}

/** Event ids stable across imports of the same file: a second import is all duplicates. */
export function rowEventId(fileHash: string, row: number, step = 0): string {
  return `imp-${fileHash.slice(0, 16)}-${row}${step ? `-${step}` : ''}`
}

/** The shortest legal run of status changes from `reported` to `target` (the lifecycle table decides). */
export function statusSteps(target: HazardStatus): HazardStatus[] {
  const paths = new Map<HazardStatus, HazardStatus[]>([['reported', []]])
  const queue: HazardStatus[] = ['reported']
  while (queue.length) {
    const from = queue.shift()!
    for (const to of HAZARD_TRANSITIONS[from]) {
      if (paths.has(to)) continue
      paths.set(to, [...paths.get(from)!, to])
      queue.push(to)
    }
  }
  return paths.get(target)!
}

/** A ledger row that passed every check, with the events it becomes (applied together). */
export interface LedgerRow {
  row: number
  hazardId: string
  events: AcceptedEvent[]
}

export interface LedgerCheck {
  rows: LedgerRow[]
  issues: ImportIssue[]
  warnings: ImportIssue[]
  /** Data rows read (blank rows not counted). */
  total: number
  /** Each column's header as the file writes it (for reports made after the check). */
  headers: Partial<Record<ColumnKey, string>>
}

export interface LedgerContext {
  region: RegionIndex
  fileHash: string
  now: number
  /** Told how many rows are checked, now and then (awaited: it also lets other requests run). */
  onProgress?: (done: number, total: number) => Promise<void>
}

const MAX_FUTURE_MS = 10 * 60_000

/** Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA. */
function columnLetter(index: number): string {
  let n = index + 1
  let letters = ''
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
    n = Math.floor((n - 1) / 26)
  }
  return letters
}

/** The header row: the first of the top rows that names at least three known columns. */
function findHeader(rows: SheetRow[]) {
  for (const r of rows.slice(0, IMPORT_LIMITS.headerSearchRows)) {
    const match = matchHeaders(r.cells.map(cellText))
    if (match.found.size >= 3) return { headerRow: r.row, headerCells: r.cells, match }
  }
  return null
}

export async function checkLedger(sheetRows: SheetRow[], ctx: LedgerContext): Promise<LedgerCheck> {
  const issues: ImportIssue[] = []
  const warnings: ImportIssue[] = []
  const header = findHeader(sheetRows)
  if (!header) {
    const names = [...COLUMN_BY_KEY.values()]
      .filter((c) => c.required)
      .map((c) => `「${c.header}」`)
      .join('')
    issues.push({
      row: null,
      column: '',
      reason: `找不到表头行：前 ${IMPORT_LIMITS.headerSearchRows} 行中没有一行含有 ${names} 等列名`,
      reasonEn: `no header row: none of the first ${IMPORT_LIMITS.headerSearchRows} rows names the ledger's columns`,
    })
    return { rows: [], issues, warnings, total: 0, headers: {} }
  }
  const { headerRow, headerCells, match } = header
  for (const c of match.missing) {
    issues.push({
      row: headerRow,
      column: c.header,
      reason: `缺少必填列「${c.header}」`,
      reasonEn: `the required column "${c.header}" is missing`,
    })
  }
  for (const u of match.unused) {
    warnings.push(
      u.sameAs
        ? {
            row: headerRow,
            column: u.header,
            reason: `与「${u.sameAs}」列含义相同，已忽略`,
            reasonEn: `means the same as "${u.sameAs}": not used`,
          }
        : {
            row: headerRow,
            column: u.header,
            reason: '未识别的列，已忽略',
            reasonEn: 'unknown column: not used',
          },
    )
  }
  const headers = Object.fromEntries([...match.found].map(([key, f]) => [key, f.header]))
  if (issues.length) return { rows: [], issues, warnings, total: 0, headers }

  const dataRows = sheetRows.filter((r) => r.row > headerRow)
  if (dataRows.length > IMPORT_LIMITS.maxRows) {
    throw new LedgerFileError(
      413,
      `文件有 ${dataRows.length} 行数据，一次最多导入 ${IMPORT_LIMITS.maxRows} 行，请分成几个文件`,
      `the file has ${dataRows.length} data rows; at most ${IMPORT_LIMITS.maxRows} per import`,
    )
  }
  const unheaded = new Set<number>()
  for (const r of dataRows)
    r.cells.forEach((c, i) => c !== null && !cellText(headerCells[i] ?? null) && unheaded.add(i))
  for (const i of [...unheaded].sort((a, b) => a - b)) {
    warnings.push({
      row: headerRow,
      column: `${columnLetter(i)} 列`,
      reason: '该列有数据但没有表头，已忽略',
      reasonEn: 'this column holds data but has no header: not used',
    })
  }

  await ctx.onProgress?.(0, dataRows.length)
  const readRow = rowReader(match.found, ctx)
  const rows: LedgerRow[] = []
  const firstRowOf = new Map<string, number>()
  let done = 0
  for (const r of dataRows) {
    const result = readRow(r)
    if (result.kind === 'example') {
      warnings.push({
        row: r.row,
        column: result.column,
        reason: '模板示例行，未导入',
        reasonEn: "the template's example row: not imported",
      })
    } else if (result.kind === 'bad') {
      issues.push(...result.issues)
    } else {
      const first = firstRowOf.get(result.row.hazardId)
      if (first !== undefined) {
        issues.push({
          row: r.row,
          column: match.found.get('hazardId')!.header,
          value: result.row.hazardId,
          reason: `隐患编号与第 ${first} 行重复`,
          reasonEn: `the same 隐患编号 as row ${first}`,
        })
      } else {
        firstRowOf.set(result.row.hazardId, r.row)
        rows.push(result.row)
      }
    }
    done++
    if (ctx.onProgress && done % 500 === 0) await ctx.onProgress(done, dataRows.length)
  }
  if (!issues.length && !rows.length) {
    issues.push({ row: null, column: '', reason: '没有可导入的数据行', reasonEn: 'no data rows to import' })
  }
  return { rows, issues, warnings, total: dataRows.length, headers }
}

type RowResult =
  | { kind: 'ok'; row: LedgerRow }
  | { kind: 'bad'; issues: ImportIssue[] }
  | { kind: 'example'; column: string }

/** Reads one data row: every cell checked, then the events it becomes checked as the API would. */
function rowReader(found: Map<ColumnKey, FoundColumn>, ctx: LedgerContext) {
  const { region, fileHash, now } = ctx
  const { ms: whenMs, deadline: deadlineText } = regionWhen(region.region.timeZone)
  const readTown = townLookup(region)
  const readDomain = domainLookup(region)
  const headerOf = (key: ColumnKey) => found.get(key)?.header ?? COLUMN_BY_KEY.get(key)!.header

  return (r: SheetRow): RowResult => {
    const issues: ImportIssue[] = []
    const cell = (key: ColumnKey): CellValue => {
      const at = found.get(key)
      return at ? (r.cells[at.index] ?? null) : null
    }
    const complain = (key: ColumnKey, reason: string, reasonEn: string) => {
      const text = cellText(cell(key))
      issues.push({ row: r.row, column: headerOf(key), ...(text ? { value: text } : {}), reason, reasonEn })
    }
    /** The column's value: required ones complain when empty, optional ones give undefined. */
    function read<T>(key: ColumnKey, reader: (c: CellValue) => Read<T>): T | undefined {
      const c = cell(key)
      if (c === null) {
        if (COLUMN_BY_KEY.get(key)!.required) complain(key, '必填，不能为空', 'required, must not be empty')
        return undefined
      }
      const result = reader(c)
      if (result.ok) return result.value
      complain(key, result.reason, result.reasonEn)
      return undefined
    }
    const text =
      (max: number) =>
      (c: CellValue): Read<string> => {
        const s = cellText(c)
        return s.length <= max
          ? { ok: true, value: s }
          : {
              ok: false,
              reason: `超过 ${max} 字（现有 ${s.length} 字）`,
              reasonEn: `longer than ${max} characters (${s.length})`,
            }
      }
    const idPattern = new RegExp(LIMITS.idPattern)
    const readId = (c: CellValue): Read<string> => {
      const s = cellText(c)
      if (s.length <= LIMITS.entityIdMax && idPattern.test(s)) return { ok: true, value: s }
      return {
        ok: false,
        reason: `只能由字母、数字和 _ - : . 组成，最长 ${LIMITS.entityIdMax} 位`,
        reasonEn: `must be 1–${LIMITS.entityIdMax} characters of A-Z a-z 0-9 _ - : .`,
      }
    }
    const notFuture =
      (key: ColumnKey) =>
      (c: CellValue): Read<When> => {
        const when = readWhen(c)
        if (when.ok && whenMs(when.value) > now + MAX_FUTURE_MS) {
          return {
            ok: false,
            reason: '不能晚于现在',
            reasonEn: `${key === 'at' ? 'the time found' : 'the closing time'} is in the future`,
          }
        }
        return when
      }

    const hazardId = read('hazardId', readId)
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
        `整改状态为待整改时不应填写${headerOf('closedAt')}`,
        'given for a hazard still reported (待整改)',
      )
    } else if (foundWhen && closedWhen && whenMs(closedWhen) < whenMs(foundWhen)) {
      complain('closedAt', `早于${headerOf('at')}`, 'earlier than the time found')
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
      ...(foundAt ? { at: new Date(whenMs(foundAt)).toISOString() } : {}),
    }
    const stepsAt = closedWhen ?? foundWhen
    const steps: HazardStatusChanged[] = statusSteps(status).map((to, i) => ({
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
          reason: before ? `早于发现时间（${before[1]}）` : `不符合事件格式：${d.message}`,
          reasonEn: before
            ? `the deadline is before the time found (${before[1]})`
            : `${d.path} ${d.message}`,
        })
      }
    }
    if (issues.length) return { kind: 'bad', issues }
    return { kind: 'ok', row: { row: r.row, hazardId, events } }
  }
}
