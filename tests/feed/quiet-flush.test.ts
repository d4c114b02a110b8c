import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, region, eid } from '../helpers/app.ts'
import { listen, viewer, eventually } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

// At a command center's usual rate — an event a second or less — a change must reach the screens at
// once, not wait for the next flush tick; and going at once must not let flushes come closer than
// flushMs apart. A long flushMs makes both visible without measuring speed.

const FLUSH_MS = 4_000
let redis: Awaited<ReturnType<typeof privateRedis>>
let node: App
let url: string
const viewers: FeedClient[] = []

beforeAll(async () => {
  redis = await privateRedis()
  node = await testApp({
    redisUrl: redis.url,
    keyVariant: freshSpace(),
    hub: { flushMs: FLUSH_MS, digestMs: 60_000 },
  })
  url = await listen(node)
})
afterAll(async () => {
  for (const v of viewers) v.stop()
  await node?.close()
  await redis?.cleanup()
})

const inspection = (i: number) => ({
  id: eid('insp'),
  type: 'inspection.completed',
  inspectionId: `Q${i}`,
  town: region.towns[0].code,
  domain: 'fire',
  hazardsFound: 0,
})

async function post(i: number): Promise<number> {
  const res = await node.inject({ method: 'POST', url: '/api/events', payload: inspection(i) })
  expect(res.statusCode).toBe(200)
  return (res.json() as { seq: number }).seq
}

test('a change after a quiet spell goes out at once; one right behind it waits for the next flush', async () => {
  const v = viewer(url)
  viewers.push(v)
  await eventually(() => v.status === 'live', 'the viewer live')
  // A change, to learn when the flush ticks come (they run every FLUSH_MS from the last one)...
  const zero = await post(0)
  await eventually(() => v.state!.seq >= zero, 'the first change on the screen', FLUSH_MS * 2)
  // ...then quiet until just after the next tick: without going at once, a change now would wait
  // almost a whole FLUSH_MS for the tick after.
  await new Promise((r) => setTimeout(r, FLUSH_MS + 300))

  const postedAt = Date.now()
  const first = await post(1)
  await eventually(() => v.state!.seq >= first, 'the change after the quiet spell on the screen', FLUSH_MS)
  const firstAt = Date.now()
  expect(firstAt - postedAt).toBeLessThan(FLUSH_MS / 2)

  // Straight after it: the flush rate still holds, this one goes with the next tick.
  const second = await post(2)
  await eventually(() => v.state!.seq >= second, 'the change right behind it on the screen', FLUSH_MS * 2)
  expect(Date.now() - firstAt).toBeGreaterThan(FLUSH_MS / 2)
}, 30_000)
