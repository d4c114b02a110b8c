import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { expect } from 'vitest'
import type { App } from '../../server/app.ts'
import type { ImportDone, ImportProgress, ImportRefused } from '../../shared/api/import.ts'
import type { Snapshot } from '../../shared/summary.ts'

// Ledgers as users make them (CSV in UTF-8 or GBK, XLSX), and the requests that upload them.

/** The headers of a typical ledger, in the order the rows below give their cells. */
export const HEADERS = [
  '隐患编号',
  '隐患描述',
  '所属镇街',
  '领域',
  '行业',
  '隐患等级',
  '整改期限',
  '企业名称',
  '隐患来源',
  '发现时间',
  '整改状态',
]

export type LedgerRow = Record<string, string | Date | number | null>

let serial = 0
/** A good ledger row; a test changes only the cells that matter to it. */
export function row(over: LedgerRow = {}): LedgerRow {
  serial++
  return {
    隐患编号: `TX-${process.pid}-${serial}`,
    隐患描述: `消防通道堵塞 ${serial}`,
    所属镇街: '黄桥镇',
    领域: '消防安全',
    行业: '九小场所',
    隐患等级: '一般',
    整改期限: '2025-07-01',
    企业名称: '泰兴市某商贸有限公司',
    隐患来源: '日常检查',
    发现时间: '2025-06-09 10:30',
    整改状态: '待整改',
    ...over,
  }
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** CSV text (CRLF, as Excel writes it) of the headers and rows. */
export function csvText(rows: LedgerRow[], headers = HEADERS): string {
  const cell = (v: LedgerRow[string]) =>
    v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v)
  return (
    [headers, ...rows.map((r) => headers.map((h) => cell(r[h])))]
      .map((cells) => cells.map(quote).join(','))
      .join('\r\n') + '\r\n'
  )
}

export const utf8Csv = (rows: LedgerRow[], headers = HEADERS, bom = true) =>
  Buffer.concat([
    bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
    Buffer.from(csvText(rows, headers), 'utf8'),
  ])

/** What Chinese Excel's "CSV (逗号分隔)" saves: GB18030/GBK bytes. */
export const gbCsv = (rows: LedgerRow[], headers = HEADERS) => iconv.encode(csvText(rows, headers), 'gb18030')

/** An XLSX workbook with the ledger on its first sheet (date cells where a row gives Dates). */
export async function xlsxFile(
  rows: LedgerRow[],
  headers = HEADERS,
  opts: { titleRow?: string } = {},
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('台账')
  if (opts.titleRow) ws.addRow([opts.titleRow])
  ws.addRow(headers)
  for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? null))
  wb.addWorksheet('其他').addRow(['这张表不应被读取'])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** A multipart upload of one file (after any text fields), as a browser's FormData sends it. */
export async function multipart(file: Buffer, filename: string, fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('file', new Blob([new Uint8Array(file)]), filename)
  const request = new Request('http://upload.test/', { method: 'POST', body: form })
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  }
}

export async function upload(
  app: App,
  file: Buffer,
  filename = 'ledger.csv',
  fields: Record<string, string> = {},
) {
  const { payload, headers } = await multipart(file, filename, fields)
  return app.inject({ method: 'POST', url: '/api/import', payload, headers })
}

export async function importOk(app: App, file: Buffer, filename?: string): Promise<ImportDone> {
  const res = await upload(app, file, filename)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function importRefused(
  app: App,
  file: Buffer,
  status: number,
  filename?: string,
): Promise<ImportRefused> {
  const res = await upload(app, file, filename)
  expect(res.statusCode, res.body).toBe(status)
  return res.json()
}

export async function progressOf(app: App, fileHash: string): Promise<ImportProgress | null> {
  const res = await app.inject(`/api/import/progress/${fileHash}`)
  if (res.statusCode === 404) return null
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function snapshot(app: App): Promise<Snapshot> {
  const res = await app.inject('/api/snapshot')
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** The wall's per-town row for a town code. */
export async function townRow(app: App, code: string) {
  const row = (await snapshot(app)).byTown.find((t) => t.town === code)
  expect(row, `town ${code} on the wall`).toBeDefined()
  return row!
}

/** Mid-morning in Taixing, 10 June 2025: the rows' dates are in the past, their deadlines ahead. */
export const NOW = '2025-06-10T02:00:00Z'
