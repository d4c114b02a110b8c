import { createHash } from 'node:crypto'
import type { AcceptedEvent } from '../../shared/events.ts'
import type { HazardStatus } from '../../shared/enums.ts'
import type { RegionIndex } from '../../shared/region.ts'
import type { PreparedEvent } from '../ingest/prepare.ts'
import { COLUMN_BY_KEY, IMPORT_LIMITS, matchHeaders, type ColumnKey } from './columns.ts'
import { readLedger, type CellValue, type LedgerSheet, type SheetRow } from './read.ts'
import { footerKind } from './footer.ts'
import { rowReader } from './row.ts'
import type { ImportIssue } from '../../shared/api/import.ts'
import { cellText } from './values.ts'

// Turns a ledger's rows into hazard events and checks every row before anything is applied:
// each problem is reported with its row, its column's header and the reason.

/** The first 16 hex digits of the file's SHA-256 name its events; the whole hash names its progress. */
export function fileHashOf(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex')
}

/** A ledger row that passed every check, with the events it becomes (applied together). */
export interface LedgerRow {
  row: number
  hazardId: string
  /** The report, then the status changes from 待整改 to the row's status, as the ingest script takes them. */
  events: PreparedEvent[]
  /** The row's 整改状态 (待整改 when empty). */
  status: HazardStatus
  /** The row's 销号时间: when its status changes happened, if it says. */
  closedAt?: string
}

/** A row's event as accepted (for the applied/duplicate lists and logs). */
export type RowEvent = AcceptedEvent

export interface LedgerCheck {
  rows: LedgerRow[]
  issues: ImportIssue[]
  warnings: ImportIssue[]
  /** Data rows read (blank rows not counted). */
  total: number
  /** Each column's header as the file writes it (for reports made after the check). */
  headers: Partial<Record<ColumnKey, string>>
  /** The worksheet read (XLSX). */
  sheet: string | null
}

export interface LedgerContext {
  region: RegionIndex
  fileHash: string
  now: number
  /** The importing token's name, logged with each event as `by` (as POST /api/events does). */
  by?: string
  /** Told how many rows are checked, now and then (awaited: it also lets other requests run). */
  onProgress?: (done: number, total: number) => Promise<void>
}

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

/** Whether a row is the header row: it names at least three known columns. */
export const isHeaderRow = (cells: CellValue[]): boolean => matchHeaders(cells.map(cellText)).found.size >= 3

/** The header row: the first of the top rows that names at least three known columns. */
function findHeader(rows: SheetRow[]) {
  for (const r of rows.slice(0, IMPORT_LIMITS.headerSearchRows)) {
    const match = matchHeaders(r.cells.map(cellText))
    if (match.found.size >= 3) return { headerRow: r.row, headerCells: r.cells, match }
  }
  return null
}

/** Reads the file (stopping at the row limit) and checks every row; throws LedgerFileError. */
export async function readAndCheck(buf: Buffer, ctx: LedgerContext): Promise<LedgerCheck> {
  const sheet = await readLedger(buf, {
    isHeader: isHeaderRow,
    headerSearchRows: IMPORT_LIMITS.headerSearchRows,
    maxRows: IMPORT_LIMITS.maxRows,
  })
  return checkLedger(sheet, ctx)
}

export async function checkLedger(sheet: LedgerSheet, ctx: LedgerContext): Promise<LedgerCheck> {
  const issues: ImportIssue[] = []
  const warnings: ImportIssue[] = []
  const sheetRows = sheet.rows
  const header = findHeader(sheetRows)
  if (!header) {
    const where = sheet.sheetsSearched.length
      ? `工作表${sheet.sheetsSearched.map((n) => `「${n}」`).join('')}的`
      : ''
    const whereEn = sheet.sheetsSearched.length ? ` of the worksheets ${sheet.sheetsSearched.join(', ')}` : ''
    const names = [...COLUMN_BY_KEY.values()]
      .filter((c) => c.required)
      .map((c) => `「${c.header}」`)
      .join('')
    issues.push({
      row: null,
      column: '',
      code: 'header.not_found',
      reason: `找不到表头行：${where}前 ${IMPORT_LIMITS.headerSearchRows} 行中没有一行含有 ${names} 等列名`,
      reasonEn: `no header row: none of the first ${IMPORT_LIMITS.headerSearchRows} rows${whereEn} names the ledger's columns`,
    })
    return { rows: [], issues, warnings, total: 0, headers: {}, sheet: sheet.sheet }
  }
  const { headerRow, headerCells, match } = header
  for (const c of match.missing) {
    issues.push({
      row: headerRow,
      column: c.header,
      code: 'header.missing_column',
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
            code: 'header.same_column',
            reason: `与「${u.sameAs}」列含义相同，已忽略`,
            reasonEn: `means the same as "${u.sameAs}": not used`,
          }
        : {
            row: headerRow,
            column: u.header,
            code: 'header.unknown_column',
            reason: '未识别的列，已忽略',
            reasonEn: 'unknown column: not used',
          },
    )
  }
  const headers = Object.fromEntries([...match.found].map(([key, f]) => [key, f.header]))
  if (issues.length) return { rows: [], issues, warnings, total: 0, headers, sheet: sheet.sheet }

  const dataRows: SheetRow[] = []
  for (const r of sheetRows.filter((r) => r.row > headerRow)) {
    const footer = footerKind(r.cells)
    if (!footer) {
      dataRows.push(r)
      continue
    }
    const [reason, reasonEn] =
      footer === 'total'
        ? ['合计行，未导入', 'a total row: not imported']
        : ['签名或落款行，未导入', 'a signature footer: not imported']
    warnings.push({ row: r.row, column: '', code: 'row.footer', reason, reasonEn })
  }
  const unheaded = new Set<number>()
  for (const r of dataRows)
    r.cells.forEach((c, i) => c !== null && !cellText(headerCells[i] ?? null) && unheaded.add(i))
  for (const i of [...unheaded].sort((a, b) => a - b)) {
    warnings.push({
      row: headerRow,
      column: `${columnLetter(i)} 列`,
      code: 'header.data_without_header',
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
        code: 'row.example',
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
          code: 'row.duplicate_id',
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
    issues.push({
      row: null,
      column: '',
      code: 'ledger.no_rows',
      reason: '没有可导入的数据行',
      reasonEn: 'no data rows to import',
    })
  }
  return { rows, issues, warnings, total: dataRows.length, headers, sheet: sheet.sheet }
}
