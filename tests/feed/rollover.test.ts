import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, fakeClock, TOWN, eid } from '../helpers/app.ts'
import { listen, viewer, eventually } from '../helpers/viewers.ts'
import { computeKpis } from '../../shared/summary.ts'
import type { App } from '../../server/app.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let v: FeedClient
const clock = fakeClock('2026-03-10T23:59:58+08:00')
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
})
afterAll(async () => {
  v?.stop()
  await app.close()
  await redis.cleanup()
})

const hazard = (at: string) => ({
  id: eid(),
  type: 'hazard.reported',
  hazardId: eid('H'),
  town: TOWN,
  domain: 'fire',
  grade: 'general',
  title: '消防通道堆放杂物',
  deadline: '2026-03-20',
  at,
})

test('at midnight in Asia/Shanghai every viewer gets a fresh snapshot for the new day', async () => {
  v = viewer(await listen(app))
  await eventually(() => v.status === 'live', 'viewer live')
  expect(v.state!.day).toBe('2026-03-10')
  await app.inject({ method: 'POST', url: '/api/events', payload: hazard('2026-03-10T23:59:59+08:00') })
  await eventually(() => computeKpis(v.state!).hazardsFoundToday === 1, 'found today = 1')

  clock.set('2026-03-11T00:00:01+08:00')
  await eventually(() => v.state!.day === '2026-03-11', 'viewer on the new day', 5_000)
  const kpis = computeKpis(v.state!)
  expect(kpis.hazardsFoundToday).toBe(0) // a new day starts at zero...
  expect(kpis.hazardsFoundYtd).toBe(1) // ...the year goes on
  expect(kpis.hazardsOpen).toBe(1)

  await app.inject({ method: 'POST', url: '/api/events', payload: hazard('2026-03-11T00:00:01+08:00') })
  await eventually(() => computeKpis(v.state!).hazardsFoundToday === 1, 'found today = 1 on the new day')
  expect(computeKpis(v.state!).hazardsFoundYtd).toBe(2)
})
