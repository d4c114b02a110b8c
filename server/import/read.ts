import { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'

// Reads an uploaded ledger (XLSX, or CSV in UTF-8 or GB18030) into rows of plain cell values, with
// each row's number as the spreadsheet shows it. exceljs parses both formats; nothing is hand-parsed.

/** A cell as the checks see it: text trimmed (empty → null), numbers, booleans and dates as they are. */
export type CellValue = string | number | boolean | Date | null

export interface SheetRow {
  /** 1-based, as the spreadsheet shows it. */
  row: number
  cells: CellValue[]
}

export type FileKind = 'xlsx' | 'csv'

/** A file the import cannot read at all: answered with `status` and a message in both languages. */
export class LedgerFileError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly reason: string,
    readonly reasonEn: string,
  ) {
    super(reasonEn)
  }
}

const ZIP = [0x50, 0x4b, 0x03, 0x04]
const OLE = [0xd0, 0xcf, 0x11, 0xe0]
const UTF8_BOM = [0xef, 0xbb, 0xbf]
const startsWith = (buf: Buffer, magic: number[]) => magic.every((b, i) => buf[i] === b)

/** What the file is, by its content (the name can lie: a CSV saved as .xls, say). */
export function sniffKind(buf: Buffer): FileKind {
  if (buf.length === 0) throw new LedgerFileError(400, '文件是空的', 'the file is empty')
  if (startsWith(buf, ZIP)) return 'xlsx'
  if (startsWith(buf, OLE)) {
    throw new LedgerFileError(
      415,
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

function rowsOf(sheet: ExcelJS.Worksheet): SheetRow[] {
  const rows: SheetRow[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // row.values is 1-based and sparse: cell A is index 1.
    const values = row.values as (ExcelJS.CellValue | undefined)[]
    const cells: CellValue[] = []
    for (let i = 1; i < values.length; i++) cells.push(plainCell(values[i]))
    if (cells.some((c) => c !== null)) rows.push({ row: rowNumber, cells })
  })
  return rows
}

async function readXlsx(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer)
  } catch {
    throw new LedgerFileError(
      400,
      '无法读取该 XLSX 文件（文件损坏或不是 Excel 表格）',
      'cannot read this XLSX file (damaged, or not a spreadsheet)',
    )
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new LedgerFileError(400, '该 XLSX 文件没有工作表', 'this XLSX file has no worksheet')
  return sheet
}

async function readCsv(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const { text } = decodeCsv(buf)
  const workbook = new ExcelJS.Workbook()
  // Every cell stays text (exceljs would turn "0012" into 12 and guess at dates); the checks decide.
  return workbook.csv.read(Readable.from([text]), {
    map: (value: unknown) => value,
    parserOptions: { ignoreEmpty: false },
  })
}

/** The rows of the ledger that hold anything (the first worksheet of an XLSX). */
export async function readLedger(buf: Buffer): Promise<{ kind: FileKind; rows: SheetRow[] }> {
  const kind = sniffKind(buf)
  const sheet = kind === 'xlsx' ? await readXlsx(buf) : await readCsv(buf)
  return { kind, rows: rowsOf(sheet) }
}
