import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { hazard, inspection, kpis, logPage, post } from './fixtures.ts'

// Redis down: the server says so (503, readyz) instead of losing or doubling events;
// the client's retry with the same ids after Redis returns is applied once.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting until ${what}`)
}

test('POST-right-after-Redis-dies-answered-500: POST while Redis is down → 503 even before the connection notices; readyz → 503; the retry after restart is applied once', async () => {
  const before = [hazard()]
  const res0 = await post(app, { events: before })
  expect(res0.statusCode).toBe(200)

  await redis.kill()
  const batch = [hazard({ grade: 'major' }), inspection()]
  const down = await post(app, { events: batch })
  expect(down.statusCode).toBe(503)
  expect(down.headers['retry-after']).toBe('1')
  expect(down.json().error).toMatch(/retry with the same event ids/)
  const notReady = await app.inject('/readyz')
  expect(notReady.statusCode).toBe(503)
  expect(notReady.json()).toEqual({ ok: false, error: 'Redis does not answer' })
  expect((await app.inject('/healthz')).statusCode).toBe(200)
  const read = await app.inject('/api/snapshot')
  expect(read.statusCode).toBe(503)
  expect(read.json().error).toBe('storage unavailable: retry shortly') // a read has no event ids

  await redis.restart()
  await until(async () => (await app.inject('/readyz')).statusCode === 200, 'readyz answers again')

  const retry = await post(app, { events: batch })
  expect(retry.statusCode, retry.body).toBe(200)
  expect(retry.json()).toEqual({ applied: batch.map((e) => e.id), duplicates: [], seq: 3 })
  const again = await post(app, { events: [...before, ...batch] })
  expect(again.json()).toEqual({ applied: [], duplicates: [...before, ...batch].map((e) => e.id), seq: 3 })

  expect(await kpis(app)).toMatchObject({ hazardsOpen: 2, majorHazardsOpen: 1, inspectionsToday: 1 })
  expect((await logPage(app)).entries.map((e) => e.event.id)).toEqual([...before, ...batch].map((e) => e.id))
})

test('an applied batch whose reply was lost is a duplicate on retry, after a crash too (AOF)', async () => {
  const batch = [inspection(), inspection()]
  expect((await post(app, { events: batch })).statusCode).toBe(200)
  // The client never saw the reply; Redis crashes before it retries.
  await redis.kill()
  await redis.restart()
  await until(async () => (await app.inject('/readyz')).statusCode === 200, 'readyz answers again')
  const retry = await post(app, { events: batch })
  expect(retry.json().duplicates).toEqual(batch.map((e) => e.id))
  expect((await kpis(app)).inspectionsToday).toBe(3)
})
