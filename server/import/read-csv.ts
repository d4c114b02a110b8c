import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { parse } from '@fast-csv/parse'
import { LedgerFileError, ROWS_PER_TURN, type CellValue, type SheetCollector, type SheetRow } from './read.ts'

// A CSV ledger, parsed as a stream of records (fast-csv, the parser exceljs reads CSV with): a row
// per record, numbered as a spreadsheet shows it (a quoted line break stays inside its row). Every
// cell stays text (a parser that guessed would turn "0012" into 12); the checks decide what each is.
// (csv-parse was tried: with rows of differing lengths it builds an error per row, 50 times slower.)

/** Characters handed to the parser at a time. */
const CHUNK = 64 * 1024
function* chunksOf(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += CHUNK) yield text.slice(at, at + CHUNK)
}

function refusal(err: Error, row: number): LedgerFileError {
  if (/missing closing/i.test(err.message)) {
    return new LedgerFileError(
      400,
      'csv.unclosed_quote',
      `第 ${row} 行的引号（"）没有闭合，其后的内容无法分行，请检查该行`,
      `row ${row} opens a quote (") that is never closed: the rows after it cannot be told apart`,
      row,
    )
  }
  return new LedgerFileError(
    400,
    'csv.malformed',
    `第 ${row} 行不是有效的 CSV`,
    `row ${row} is not valid CSV`,
    row,
  )
}

/** The rows `collector` keeps of the CSV text. */
export async function readCsvRows(text: string, collector: SheetCollector): Promise<SheetRow[]> {
  const source = Readable.from(chunksOf(text))
  const parser = parse<string[], string[]>({ ignoreEmpty: false })
  source.pipe(parser)
  let row = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++
      const cells: CellValue[] = record.map((v) => v.trim() || null)
      if (!collector.add({ row, cells })) break
      if (row % ROWS_PER_TURN === 0) await nextTurn()
    }
  } catch (err) {
    if (err instanceof LedgerFileError) throw err
    // The parser's errors (an unclosed quote is found at the end) come after every row before them.
    throw refusal(err as Error, row + 1)
  } finally {
    source.destroy()
    parser.destroy()
  }
  return collector.rows
}
