import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from './helpers/redis.ts'
import { testApp, freshSpace, TOWN, eid } from './helpers/app.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => { redis = await privateRedis() })
afterAll(async () => { await redis.cleanup() })

test('smoke', async () => {
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
  const res = await app.inject({ method: 'POST', url: '/api/events', payload: { id: eid(), type: 'hazard.reported', hazardId: 'H1', town: TOWN, domain: 'fire', grade: 'major', title: 'x', deadline: '2030-01-01' } })
  console.log(res.statusCode, res.body)
  const snap = await app.inject('/api/snapshot')
  console.log(JSON.stringify(snap.json().kpis), snap.json().now)
  await app.close()
})
