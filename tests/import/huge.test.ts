import { afterAll, beforeAll, expect, test } from 'vitest'
import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import { listen } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'
import { IMPORT_LIMITS } from '../../server/import/columns.ts'
import { HEADERS, NOW, multipart, row } from './helpers.ts'

// A file far past the row limit is read only up to the limit: a quick 413 with its code, memory
// that grows by a bounded amount, and a node that answers its probes while the file is read.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let base: string
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock: fakeClock(NOW) })
  base = await listen(app)
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

/** Uploads over real HTTP while /healthz is asked again and again; what each answered, and peak RSS. */
async function uploadWhileProbing(file: Buffer, filename: string) {
  const { payload, headers } = await multipart(file, filename)
  const rssBefore = process.memoryUsage().rss
  let peakRss = rssBefore
  let healthAnswers = 0
  let finished = false
  const probing = (async () => {
    while (!finished) {
      const res = await fetch(`${base}/healthz`)
      if (res.ok && !finished) healthAnswers++
      await res.arrayBuffer()
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
    }
  })()
  const res = await fetch(`${base}/api/import`, { method: 'POST', body: new Uint8Array(payload), headers })
  const body = await res.json()
  finished = true
  await probing
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  return { status: res.status, body, healthAnswers, rssGrowthMb: (peakRss - rssBefore) / 1024 / 1024 }
}

test('a 20 MB CSV of ten million one-character rows is a 413 (file.too_many_rows); memory stays bounded; /healthz answers meanwhile', async () => {
  const header = Buffer.from(`${HEADERS.join(',')}\n`)
  const rows = Math.floor((IMPORT_LIMITS.maxBytes - header.length - 1024) / 2)
  expect(rows).toBeGreaterThan(10_000_000)
  const file = Buffer.concat([header, Buffer.alloc(rows * 2, 'x\n')])
  const got = await uploadWhileProbing(file, 'huge.csv')
  expect(got.status, JSON.stringify(got.body)).toBe(413)
  expect(got.body.issues[0]).toMatchObject({ code: 'file.too_many_rows' })
  expect(got.body.issues[0].reason).toContain(String(IMPORT_LIMITS.maxRows))
  // The file (20 MB) and its text are held; ten million rows of cells never are.
  expect(got.rssGrowthMb).toBeLessThan(400)
  expect(got.healthAnswers).toBeGreaterThan(0)
}, 120_000)

test('an XLSX of 60,000 rows (past the 50,000 limit) is a 413 (file.too_many_rows) read as a stream: memory bounded, /healthz answers meanwhile', async () => {
  const sink = new PassThrough()
  const chunks: Buffer[] = []
  sink.on('data', (c: Buffer) => chunks.push(c))
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false })
  const ws = wb.addWorksheet('台账')
  ws.addRow(HEADERS).commit()
  const r = row()
  const cells = HEADERS.map((h) => r[h] ?? null)
  for (let i = 0; i < 60_000; i++) ws.addRow([`X-${i}`, ...cells.slice(1)]).commit()
  ws.commit()
  await wb.commit()
  const file = Buffer.concat(chunks)
  const got = await uploadWhileProbing(file, 'huge.xlsx')
  expect(got.status, JSON.stringify(got.body)).toBe(413)
  expect(got.body.issues[0]).toMatchObject({ code: 'file.too_many_rows' })
  expect(got.rssGrowthMb).toBeLessThan(400)
  expect(got.healthAnswers).toBeGreaterThan(0)
}, 400_000)
