import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { inspection, logPage, postOk } from '../ingest/fixtures.ts'

// Issue 16.10: a page of the log once read `limit` stored entries, each a whole batch of up to 500
// events, to return `limit` events: GET /api/events?limit=1000 moved up to 500,000 events from Redis.
// A page now moves only the events it returns; measured as the bytes Redis sent, not as a time.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let probe: Redis
const BATCHES = 12
const BATCH = 500
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
  probe = new Redis(redis.url)
  for (let b = 0; b < BATCHES; b++) {
    await postOk(app, { events: Array.from({ length: BATCH }, () => inspection()) })
  }
}, 60_000)
afterAll(async () => {
  probe.disconnect()
  await app.close()
  await redis.cleanup()
})

/** Bytes Redis has sent to all its clients so far. */
async function bytesSent(): Promise<number> {
  return Number(/total_net_output_bytes:(\d+)/.exec(await probe.info('stats'))![1])
}

test.each([
  [0, 10],
  [0, 1],
  [250, 1],
  [499, 2],
  [BATCH * 3 + 17, 100],
  [0, 1000],
])('a page after seq %i of %i events reads about what it returns', async (after, limit) => {
  const before = await bytesSent()
  const page = await logPage(app, after, limit)
  const sent = (await bytesSent()) - before
  // Every event it asked for, in order, with the right seq.
  expect(page.entries.map((e) => e.seq)).toEqual(Array.from({ length: limit }, (_, i) => after + i + 1))
  const returned = JSON.stringify(page.entries.map((e) => e.event)).length
  // The events returned, their seqs, the INFO replies: within a few KB.
  expect(sent, `${sent} bytes read to return ${returned}`).toBeLessThan(returned * 1.2 + 8_000)
})

test('the last page stops at the end of the log', async () => {
  const end = BATCHES * BATCH
  const page = await logPage(app, end - 3, 1000)
  expect(page.entries.map((e) => e.seq)).toEqual([end - 2, end - 1, end])
  expect(page.next).toBeNull()
  expect((await logPage(app, end, 10)).entries).toEqual([])
})
