import type ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import type { ImportIssueCode } from '../../shared/api/import.ts'
import { readCsvRows } from './read-csv.ts'
import { readXlsxSheets } from './read-xlsx.ts'

// Reads an uploaded ledger (XLSX, or CSV in UTF-8 or GB18030) into rows of plain cell values, with
// each row's number as the spreadsheet shows it. Rows are read as a stream: reading stops at the row
// limit, and gives the event loop back now and then, so a huge file is a quick 413 and never holds
// the node (its probes, its viewers) while it is read.

/** A cell as the checks see it: text trimmed (empty → null), numbers, booleans and dates as they are. */
export type CellValue = string | number | boolean | Date | null

export interface SheetRow {
  /** 1-based, as the spreadsheet shows it. */
  row: number
  cells: CellValue[]
}

export type FileKind = 'xlsx' | 'csv'

/** A file the import cannot read at all: answered with `status`, a stable code and a message in both languages. */
export class LedgerFileError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: ImportIssueCode,
    readonly reason: string,
    readonly reasonEn: string,
    /** The row the problem is in, when there is one (an unterminated quote). */
    readonly row: number | null = null,
  ) {
    super(reasonEn)
  }
}

const ZIP = [0x50, 0x4b, 0x03, 0x04]
const OLE = [0xd0, 0xcf, 0x11, 0xe0]
const UTF8_BOM = [0xef, 0xbb, 0xbf]
const startsWith = (buf: Buffer, magic: number[]) => magic.every((b, i) => buf[i] === b)
/** An OpenDocument file is a ZIP whose first entry, stored, is `mimetype` naming its kind. */
const ODF_MIMETYPE = 'mimetypeapplication/vnd.oasis.opendocument.'

/** What the file is, by its content (the name can lie: a CSV saved as .xls, say). */
export function sniffKind(buf: Buffer): FileKind {
  if (buf.length === 0) throw new LedgerFileError(400, 'file.empty', '文件是空的', 'the file is empty')
  if (startsWith(buf, ZIP)) {
    if (buf.subarray(30, 30 + ODF_MIMETYPE.length).toString('latin1') === ODF_MIMETYPE) {
      throw new LedgerFileError(
        415,
        'file.opendocument',
        '这是 OpenDocument 表格（.ods，WPS 或 LibreOffice 的默认格式），请用“另存为”保存为 Excel 工作簿（.xlsx）后再导入',
        'this is an OpenDocument spreadsheet (.ods): save it as an Excel workbook (.xlsx) and import that',
      )
    }
    return 'xlsx'
  }
  if (startsWith(buf, OLE)) {
    throw new LedgerFileError(
      415,
      'file.old_excel',
      '不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再导入',
      'old Excel (.xls) files are not supported: save as .xlsx or CSV',
    )
  }
  return 'csv'
}

/**
 * CSV text: UTF-8 with or without BOM; anything that is not valid UTF-8 is taken as GB18030
 * (a superset of GBK and GB2312, what Chinese Excel saves "CSV" as).
 */
export function decodeCsv(buf: Buffer): { text: string; encoding: 'utf-8' | 'gb18030' } {
  if (startsWith(buf, UTF8_BOM)) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' }
  } catch {
    return { text: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' }
  }
}

/** One exceljs cell value as a plain value: rich text joined, formulas by their result, links by their text. */
export function plainCell(value: ExcelJS.CellValue | undefined): CellValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value.trim() || null
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value
  if ('richText' in value) return plainCell(value.richText.map((r) => r.text).join(''))
  if ('formula' in value || 'sharedFormula' in value)
    return plainCell((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue)
  if ('hyperlink' in value) return plainCell(value.text as ExcelJS.CellValue)
  if ('error' in value) return value.error
  return null
}

export interface ReadOptions {
  /** Whether a row is the ledger's header row (looked for in the first `headerSearchRows` rows of a sheet). */
  isHeader: (cells: CellValue[]) => boolean
  headerSearchRows: number
  /** Most data rows (below the header); one more and reading stops with a 413. */
  maxRows: number
}

export interface LedgerSheet {
  kind: FileKind
  /** The worksheet the ledger was read from (XLSX only). */
  sheet: string | null
  /** The worksheets looked at for the header, in order (XLSX only). */
  sheetsSearched: string[]
  /** Rows holding anything: the header's sheet whole, or the first rows of the first sheet when none had one. */
  rows: SheetRow[]
}

/** Rows read between two turns given back to the event loop. */
export const ROWS_PER_TURN = 500

/**
 * Keeps one sheet's rows while it is read: the first few until the header is seen, then every row
 * up to the row limit. Says when the sheet has no header (reading it further is of no use).
 */
export class SheetCollector {
  readonly rows: SheetRow[] = []
  headerFound = false
  private dataRows = 0

  constructor(private readonly opts: ReadOptions) {}

  /** Takes one row; false once this sheet has shown it holds no header. */
  add(row: SheetRow): boolean {
    if (!row.cells.some((c) => c !== null)) return true
    if (this.headerFound) {
      if (++this.dataRows > this.opts.maxRows) {
        throw new LedgerFileError(
          413,
          'file.too_many_rows',
          `文件超过 ${this.opts.maxRows} 行数据，一次最多导入 ${this.opts.maxRows} 行，请分成几个文件`,
          `the file has more than ${this.opts.maxRows} data rows; at most ${this.opts.maxRows} per import`,
        )
      }
      this.rows.push(row)
      return true
    }
    this.rows.push(row)
    if (this.opts.isHeader(row.cells)) this.headerFound = true
    return this.headerFound || this.rows.length < this.opts.headerSearchRows
  }
}

/** The ledger's rows: of the CSV, or of the first worksheet of an XLSX that has the header row. */
export async function readLedger(buf: Buffer, opts: ReadOptions): Promise<LedgerSheet> {
  const kind = sniffKind(buf)
  if (kind === 'csv') {
    const rows = await readCsvRows(decodeCsv(buf).text, new SheetCollector(opts))
    return { kind, sheet: null, sheetsSearched: [], rows }
  }
  return { kind, ...(await readXlsxSheets(buf, opts)) }
}
