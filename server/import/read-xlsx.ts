import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import ExcelJS from 'exceljs'
import {
  LedgerFileError,
  plainCell,
  ROWS_PER_TURN,
  SheetCollector,
  type LedgerSheet,
  type ReadOptions,
} from './read.ts'

// An XLSX ledger, read with exceljs's streaming reader: rows as they are unzipped, never the whole
// workbook in memory. The ledger is the first worksheet with a header row in its first rows (a cover
// sheet or a blank one often comes first). A merged cell's text stands in its first cell only.

type SheetReader = ExcelJS.stream.xlsx.WorksheetReader & { name?: string }

const unreadable = () =>
  new LedgerFileError(
    400,
    'file.unreadable',
    '无法读取该 XLSX 文件（文件损坏或不是 Excel 表格）',
    'cannot read this XLSX file (damaged, or not a spreadsheet)',
  )

export async function readXlsxSheets(buf: Buffer, opts: ReadOptions): Promise<Omit<LedgerSheet, 'kind'>> {
  const input = Readable.from([buf])
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  })
  const sheetsSearched: string[] = []
  let first: SheetCollector | null = null
  let rowsRead = 0
  try {
    for await (const sheet of reader as AsyncIterable<SheetReader>) {
      const name = sheet.name ?? `Sheet${sheetsSearched.length + 1}`
      sheetsSearched.push(name)
      const collector = new SheetCollector(opts)
      first ??= collector
      for await (const row of sheet) {
        // row.values is 1-based and sparse: cell A is index 1.
        const values = row.values as (ExcelJS.CellValue | undefined)[]
        const cells = Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) =>
          plainCell(values[i + 1]),
        )
        if (++rowsRead % ROWS_PER_TURN === 0) await nextTurn()
        if (!collector.add({ row: row.number, cells })) break
      }
      if (collector.headerFound) return { sheet: name, sheetsSearched, rows: collector.rows }
    }
  } catch (err) {
    if (err instanceof LedgerFileError) throw err
    throw unreadable()
  } finally {
    input.destroy()
  }
  if (!first) {
    throw new LedgerFileError(
      400,
      'file.no_sheet',
      '该 XLSX 文件没有工作表',
      'this XLSX file has no worksheet',
    )
  }
  return { sheet: sheetsSearched[0], sheetsSearched, rows: first.rows }
}
