import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN, eid } from '../helpers/app.ts'
import { listen, viewer, eventually, rawState } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let url: string
const viewers: FeedClient[] = []
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), hub: { digestMs: 200 } })
  url = await listen(app)
})
afterAll(async () => {
  for (const v of viewers) v.stop()
  await app.close()
  await redis.cleanup()
})

const post = (n: number) =>
  app.inject({
    method: 'POST',
    url: '/api/events',
    payload: {
      events: Array.from({ length: n }, () => ({
        id: eid(),
        type: 'inspection.completed',
        inspectionId: eid('I'),
        town: TOWN,
        domain: 'traffic',
        hazardsFound: 2,
      })),
    },
  })

async function expectConverged(v: FeedClient) {
  const snapshot = (await app.inject('/api/snapshot')).json()
  await eventually(
    () => v.state?.seq === snapshot.seq && v.status === 'live',
    `viewer at seq ${snapshot.seq}`,
  )
  expect(rawState(v.state as never)).toEqual(rawState(snapshot))
}

test('a viewer that misses a delta sees the gap at the next one and resyncs', async () => {
  let dropped = 0
  const v = viewer(url, { dropMessage: (m) => m.type === 'delta' && dropped++ === 0 })
  viewers.push(v)
  await eventually(() => v.status === 'live', 'viewer live')
  await post(1)
  await eventually(() => dropped > 0, 'first delta dropped')
  await new Promise((r) => setTimeout(r, 150)) // a flush apart: the next delta comes separately
  await post(1)
  await expectConverged(v)
  expect(v.resyncs).toBe(1)
})

test('a viewer that misses the last delta before a quiet spell learns it from the digest and resyncs', async () => {
  let dropped = 0
  const v = viewer(url, { dropMessage: (m) => m.type === 'delta' && dropped++ === 0 })
  viewers.push(v)
  await eventually(() => v.status === 'live', 'viewer live')
  await post(3)
  await expectConverged(v)
  expect(v.resyncs).toBe(1)
})

test('a viewer whose state went wrong at the right seq is caught by the digest and repaired', async () => {
  const v = viewer(url)
  viewers.push(v)
  await eventually(() => v.status === 'live', 'viewer live')
  await post(2)
  await expectConverged(v)
  // Corrupt one number, as a bug in a delta would.
  const key = Object.keys(v.state!.today)[0]
  v.state!.today[key] += 7
  await eventually(() => v.resyncs === 1, 'digest mismatch noticed')
  await expectConverged(v)
})
