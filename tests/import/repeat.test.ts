import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import { fileHashOf } from '../../server/import/ledger.ts'
import { HEADERS, NOW, importOk, progressOf, row, snapshot, upload, utf8Csv, xlsxFile } from './helpers.ts'
import { hazard, postOk } from '../ingest/fixtures.ts'

// Importing the same file again counts once (its event ids come from the file and the row); a ledger
// of hazards already closed counts them as found and closed; an import cut off by a Redis outage is
// completed by importing the same file again, without counting anything twice.

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

const newApp = (config = {}) =>
  testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock: fakeClock(NOW), config })

test('the same file imported twice counts once: the second time every row is unchanged', async () => {
  const app = await newApp()
  const file = await xlsxFile([row(), row({ 隐患等级: '重大' }), row({ 整改状态: '已销号' })])
  const first = await importOk(app, file, 'ledger.xlsx')
  expect(first).toMatchObject({ rows: 3, rowsApplied: 3, events: 4, applied: 4, duplicates: 0 })
  const before = await snapshot(app)

  const second = await importOk(app, file, 'a copy.xlsx')
  expect(second).toMatchObject({
    rows: 3,
    new: 0,
    updated: 0,
    unchanged: 3,
    refused: 0,
    rowsApplied: 0,
    events: 0,
    applied: 0,
    duplicates: 0,
    seq: first.seq,
  })
  const after = await snapshot(app)
  expect(after.seq).toBe(before.seq)
  expect(after.kpis).toEqual(before.kpis)
  expect(after.kpis).toMatchObject({ hazardsFoundYtd: 3, hazardsOpen: 2, hazardsClosedYtd: 1 })
  await app.close()
})

test('a ledger of hazards already rectified: found and closed both count; open ones sit in their status', async () => {
  const app = await newApp()
  const file = utf8Csv(
    [
      row({ 整改状态: '已销号', 隐患等级: '重大', 发现时间: '2025-05-20', 销号时间: '2025-06-10 09:00' }),
      row({ 整改状态: '已销号', 发现时间: '2025-05-21' }),
      row({ 整改状态: '待验收' }),
      row({ 整改状态: '整改中' }),
      row({ 整改状态: '待整改' }),
      row({ 整改状态: null }),
    ],
    [...HEADERS, '销号时间'],
  )
  const done = await importOk(app, file)
  // 6 reports; closed: 1 step each (fixed on the spot is legal), 待验收: 2 steps, 整改中: 1 step.
  expect(done).toMatchObject({ rows: 6, events: 11, applied: 11 })

  const s = await snapshot(app)
  expect(s.kpis).toMatchObject({
    hazardsFoundYtd: 6,
    hazardsClosedYtd: 2,
    hazardsClosedToday: 1, // the one closed this morning
    hazardsOpen: 4,
    majorHazardsOpen: 0,
    rectificationRateYtd: 2 / 6,
    majorRectificationRateYtd: 1,
  })
  expect(Object.fromEntries(s.funnel.map((f) => [f.status, f.count]))).toEqual({
    reported: 2,
    rectifying: 1,
    awaiting_acceptance: 1,
    closed: 2,
  })
  await app.close()
})

test('a closing time earlier than the time found, or given for a hazard still 待整改, is a bad row', async () => {
  const app = await newApp()
  const res = await upload(
    app,
    utf8Csv(
      [
        row({ 整改状态: '已销号', 发现时间: '2025-06-01', 销号时间: '2025-05-01' }),
        row({ 整改状态: '待整改', 发现时间: '2025-06-01', 销号时间: '2025-06-02' }),
      ],
      [...HEADERS, '销号时间'],
    ),
  )
  expect(res.statusCode).toBe(400)
  expect(
    res
      .json()
      .issues.map((i: { row: number; column: string; reason: string }) => [i.row, i.column, i.reason]),
  ).toEqual([
    [2, '销号时间', '早于发现时间'],
    [3, '销号时间', '整改状态为待整改时不应填写销号时间'],
  ])
  await app.close()
})

test('a 隐患编号 reported by someone else while the file is being applied: 409 naming its row and how much was applied before', async () => {
  const app = await newApp({ batchLimit: 10 })
  const total = 2000
  const file = utf8Csv(Array.from({ length: total }, (_, i) => row({ 隐患编号: `RACE-${i}` })))
  const hash = fileHashOf(file)
  const importing = upload(app, file)
  for (;;) {
    const p = await progressOf(app, hash)
    if (p?.phase === 'applying' && p.done > 0) break
    if (p?.phase === 'done') throw new Error('the import finished before the other report could be made')
  }
  // The entry page reports the file's last hazard first.
  await postOk(app, hazard({ hazardId: `RACE-${total - 1}` }))
  const res = await importing
  expect(res.statusCode, res.body).toBe(409)
  const body = res.json()
  expect(body.issues).toEqual([
    expect.objectContaining({
      row: total + 1,
      column: '隐患编号',
      reason: `隐患编号 RACE-${total - 1} 在导入期间已由其他来源上报`,
      reasonEn: `hazard RACE-${total - 1} was already reported`,
    }),
  ])
  // Whole batches before the one holding that row stay applied, and the answer says how many.
  expect(body.applied).toBe(total - 10)
  expect((await snapshot(app)).kpis.hazardsFoundYtd).toBe(total - 10 + 1)
  expect(await progressOf(app, hash)).toMatchObject({ phase: 'failed' })
  await app.close()
}, 120_000)

test('an import cut off by a Redis outage leaves whole batches applied; importing the same file again completes it, counting each row once', async () => {
  const app = await newApp({ batchLimit: 25 })
  const total = 5000
  const file = utf8Csv(Array.from({ length: total }, (_, i) => row({ 隐患编号: `OUT-${i}` })))
  const hash = fileHashOf(file)

  const cut = upload(app, file)
  // Wait until some batches are applied, then take Redis away mid-import.
  for (;;) {
    const p = await progressOf(app, hash)
    if (p?.phase === 'applying' && p.done > 0) break
    if (p?.phase === 'done') throw new Error('the import finished before Redis could be stopped')
  }
  await redis.kill()
  const res = await cut
  expect(res.statusCode, res.body).toBe(503)
  // The answer says exactly what was applied: the file's first rows, up to one row.
  const stopped = res.json()
  expect(stopped.error).toMatch(/import the same file again/)

  await redis.restart()
  for (let i = 0; (await app.inject('/readyz')).statusCode !== 200; i++) {
    if (i > 200) throw new Error('Redis did not come back')
    await new Promise((r) => setTimeout(r, 50))
  }
  const partial = (await snapshot(app)).kpis.hazardsFoundYtd
  expect(partial).toBeGreaterThan(0)
  expect(partial).toBeLessThan(total)
  expect(partial % 25).toBe(0) // whole batches only
  // Rows up to appliedThroughRow are in for certain; the batch in flight when Redis went may be in too.
  const sure = stopped.rowsApplied
  expect(stopped).toMatchObject({ applied: sure, appliedThroughRow: sure === 0 ? null : sure + 1 })
  if (stopped.unsureThroughRow === null) {
    // Redis went between two batches (the progress write after one failed): nothing is in doubt.
    expect(partial).toBe(sure)
  } else {
    expect(stopped.unsureThroughRow).toBe(sure + 1 + 25)
    expect([sure, sure + 25]).toContain(partial)
  }

  const again = await importOk(app, file)
  expect(again).toMatchObject({
    rows: total,
    new: total - partial,
    unchanged: partial,
    rowsApplied: total - partial,
    events: total - partial,
    duplicates: 0,
    applied: total - partial,
  })
  expect((await snapshot(app)).kpis).toMatchObject({ hazardsFoundYtd: total, hazardsOpen: total })
  await app.close()
}, 120_000)
