import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import { fileHashOf } from '../../server/import/ledger.ts'
import type { ImportProgress } from '../../shared/api/import.ts'
import { NOW, importOk, progressOf, row, snapshot, upload, utf8Csv, xlsxFile } from './helpers.ts'

// A 10,000-row ledger imports whole, and while it runs its progress can be read from any server
// node (it lives in Redis), moving forward until it says done.

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

test('a 10,000-row XLSX imports, and its progress is readable on another node while it runs', async () => {
  const space = freshSpace()
  const clock = fakeClock(NOW)
  const [a, b] = [
    await testApp({ redisUrl: redis.url, keyVariant: space, clock }),
    await testApp({ redisUrl: redis.url, keyVariant: space, clock }),
  ]
  const towns = region.towns
  const total = 10_000
  const rows = Array.from({ length: total }, (_, i) =>
    row({
      隐患编号: `BIG-${i}`,
      所属镇街: towns[i % towns.length].name,
      隐患等级: i % 7 === 0 ? '重大' : '一般',
      整改状态: i % 10 === 0 ? '已销号' : '待整改',
    }),
  )
  const file = await xlsxFile(rows)
  const hash = fileHashOf(file)

  const seen: ImportProgress[] = []
  let finished = false
  const importing = importOk(a, file, 'big.xlsx').finally(() => (finished = true))
  while (!finished) {
    const p = await progressOf(b, hash)
    if (p) seen.push(p)
    await new Promise((r) => setTimeout(r, 10))
  }
  const done = await importing
  expect(done).toMatchObject({
    rows: total,
    events: total + total / 10,
    applied: total + total / 10,
    duplicates: 0,
  })

  // Seen midway: applying with some rows done and some still to do, and never going backwards.
  const applying = seen.filter((p) => p.phase === 'applying')
  expect(
    applying.some((p) => p.done > 0 && p.done < total),
    JSON.stringify(seen.slice(-5)),
  ).toBe(true)
  for (const p of applying) expect(p.total).toBe(total)
  const dones = applying.map((p) => p.done)
  expect(dones).toEqual([...dones].sort((x, y) => x - y))
  expect(await progressOf(b, hash)).toEqual({ fileHash: hash, phase: 'done', done: total, total })

  const s = await snapshot(b)
  expect(s.kpis).toMatchObject({
    hazardsFoundYtd: total,
    hazardsClosedYtd: total / 10,
    hazardsOpen: total - total / 10,
  })
  const perTown = Math.floor(total / towns.length)
  for (const t of s.byTown)
    expect(t.foundYtd === perTown || t.foundYtd === perTown + 1, `${t.town}: ${t.foundYtd}`).toBe(true)
  expect(s.byTown.reduce((sum, t) => sum + t.foundYtd, 0)).toBe(total)
  await Promise.all([a.close(), b.close()])
}, 180_000)

test('an import that is not known answers 404; a malformed hash 400', async () => {
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
  expect((await app.inject(`/api/import/progress/${'0'.repeat(64)}`)).statusCode).toBe(404)
  expect((await app.inject('/api/import/progress/not-a-hash')).statusCode).toBe(400)
  await app.close()
})

test('the hash a browser sends ahead of the file names the progress; a hash that does not match the bytes is dropped', async () => {
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock: fakeClock(NOW) })
  const file = utf8Csv([row(), row()])
  const hash = fileHashOf(file)
  const wrong = 'f'.repeat(64)
  const res = await upload(app, file, 'ledger.csv', { sha256: wrong })
  expect(res.statusCode, res.body).toBe(200)
  expect(res.json().fileHash).toBe(hash)
  expect(await progressOf(app, wrong)).toBeNull()
  expect(await progressOf(app, hash)).toMatchObject({ phase: 'done', done: 2, total: 2 })
  await app.close()
})
