import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { Value } from 'typebox/value'
import ExcelJS from 'exceljs'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { ImportRefused } from '../../shared/api/import.ts'
import { HEADERS, NOW, multipart, row, snapshot, upload, utf8Csv } from './helpers.ts'

// Uploads a careless integrator or an attacker sends: every one is a 4xx whose body passes the
// route's own reply schema, names what is wrong, and applies nothing.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})
beforeEach(async () => {
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock: fakeClock(NOW) })
})
afterEach(async () => {
  await app.close()
})

async function expectRefused(
  res: { statusCode: number; body: string; json: () => unknown },
  status: number,
): Promise<ImportRefused> {
  expect(res.statusCode, res.body).toBe(status)
  const body = res.json()
  expect(Value.Check(ImportRefused, body), res.body).toBe(true)
  expect((await snapshot(app)).seq).toBe(0)
  return body as ImportRefused
}

const post = (payload: Buffer | string, contentType: string) =>
  app.inject({ method: 'POST', url: '/api/import', payload, headers: { 'content-type': contentType } })

test('a multipart body whose boundary is not the one announced is a 400 that passes its schema', async () => {
  const { payload } = await multipart(utf8Csv([row()]), 'ledger.csv')
  const body = await expectRefused(await post(payload, 'multipart/form-data; boundary=not-the-boundary'), 400)
  expect(body.issues[0].code).toBe('upload.malformed')
})

test('a multipart content type without a boundary is a 400 that passes its schema', async () => {
  const { payload } = await multipart(utf8Csv([row()]), 'ledger.csv')
  const body = await expectRefused(await post(payload, 'multipart/form-data'), 400)
  expect(body.issues[0].code).toBe('upload.malformed')
})

test('a truncated multipart body is a 400 that passes its schema', async () => {
  const { payload, headers } = await multipart(utf8Csv([row(), row()]), 'ledger.csv')
  const body = await expectRefused(
    await post(payload.subarray(0, payload.length - 30), headers['content-type']),
    400,
  )
  expect(body.issues[0].code).toBe('upload.malformed')
})

test('a body that is not multipart is a 415 that passes its schema', async () => {
  const body = await expectRefused(await post(utf8Csv([row()]), 'text/csv'), 415)
  expect(body.issues[0].code).toBe('upload.not_multipart')
  await expectRefused(await post('{"a":1}', 'application/json'), 415)
})

test('too many fields before the file is a 413 that passes its schema', async () => {
  const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'x']))
  const { payload, headers } = await multipart(utf8Csv([row()]), 'ledger.csv', fields)
  const body = await expectRefused(await post(payload, headers['content-type']), 413)
  expect(body.issues[0].code).toBe('upload.too_many_parts')
})

test('two files is a 413 that passes its schema', async () => {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(utf8Csv([row()]))]), 'a.csv')
  form.append('file2', new Blob([new Uint8Array(utf8Csv([row()]))]), 'b.csv')
  const request = new Request('http://upload.test/', { method: 'POST', body: form })
  const payload = Buffer.from(await request.arrayBuffer())
  const res = await post(payload, request.headers.get('content-type')!)
  // The first file is the ledger; a second one is refused rather than silently dropped.
  const body = await expectRefused(res, 413)
  expect(body.issues[0].code).toBe('upload.too_many_parts')
})

test('a CSV with an unterminated quote is a 400 naming the row', async () => {
  const text = `${HEADERS.join(',')}\r\nA-1,"消防通道堵塞,黄桥镇,消防安全,九小场所,一般,2025-07-01,,,,\r\nA-2,x,黄桥镇\r\n`
  const res = await upload(app, Buffer.from(text))
  const body = await expectRefused(res, 400)
  expect(body.issues[0]).toMatchObject({ row: 2, code: 'csv.unclosed_quote' })
  expect(body.issues[0].reason).toMatch(/第 2 行/)
})

test('an XLSX date cell of 1e20 is a 400 naming its row and column', async () => {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('台账')
  ws.addRow(HEADERS)
  const r = row()
  ws.addRow(HEADERS.map((h) => (h === '整改期限' ? 1e20 : (r[h] ?? null))))
  ws.getCell('G2').numFmt = 'yyyy-mm-dd'
  const file = Buffer.from(await wb.xlsx.writeBuffer())
  const body = await expectRefused(await upload(app, file, 'ledger.xlsx'), 400)
  expect(body.issues[0]).toMatchObject({ row: 2, column: '整改期限', code: 'cell.bad_date' })
})

test('a deadline of 9999-12-31 on the last of 600 rows is refused in the check: row, column, reason; nothing applied', async () => {
  const rows = Array.from({ length: 600 }, (_, i) =>
    row({ 隐患编号: `R-${i}`, ...(i === 599 ? { 整改期限: '9999-12-31' } : {}) }),
  )
  const body = await expectRefused(await upload(app, utf8Csv(rows)), 400)
  expect(body.issues).toEqual([
    expect.objectContaining({
      row: 601,
      column: '整改期限',
      value: '9999-12-31',
      code: 'cell.date_out_of_range',
    }),
  ])
  expect(body.issues[0].reason).toMatch(/1970.*2999/)
})
