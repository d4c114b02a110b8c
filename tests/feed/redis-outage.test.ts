import { afterAll, beforeAll, expect, test } from 'vitest'
import { Redis } from 'ioredis'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN } from '../helpers/app.ts'
import { listen, viewer, eventually, rawState } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'
import { logOptions } from '../../server/log.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
const viewers: FeedClient[] = []
const log: { msg: string }[] = []
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({
    redisUrl: redis.url,
    keyVariant: freshSpace(),
    hub: { digestMs: 300 },
    logger: logOptions('info', {
      write: (line: string) => void log.push(JSON.parse(line) as { msg: string }),
    }),
  })
})
afterAll(async () => {
  for (const v of viewers) v.stop()
  await app.close()
  await redis.cleanup()
})

const inspection = (i: number) => ({
  id: `outage-insp-${i}`,
  type: 'inspection.completed',
  inspectionId: `OI${i}`,
  town: TOWN,
  domain: 'fire',
  hazardsFound: 1,
})

test('Redis stopped mid-stream: viewers are told degraded, posts get 503, and after a restart everything converges with nothing lost or doubled', async () => {
  const url = await listen(app)
  viewers.push(viewer(url), viewer(url))
  await eventually(() => viewers.every((v) => v.status === 'live'), 'viewers live')

  for (let i = 0; i < 50; i++) {
    expect(
      (await app.inject({ method: 'POST', url: '/api/events', payload: inspection(i) })).statusCode,
    ).toBe(200)
  }
  await redis.kill() // as a crash: only what AOF fsynced survives (every accepted write, with fsync always)

  await eventually(() => viewers.every((v) => v.status === 'degraded'), 'viewers degraded')
  const lastUpdate = viewers.map((v) => v.lastUpdate)
  const during = [50, 51, 52].map(inspection)
  const refused = await app.inject({ method: 'POST', url: '/api/events', payload: { events: during } })
  expect(refused.statusCode).toBe(503)
  expect(refused.json().error).toMatch(/retry/)
  expect((await app.inject('/readyz')).statusCode).toBe(503)
  await new Promise((r) => setTimeout(r, 600))
  // While degraded the data age grows: nothing claims the numbers are current.
  expect(viewers.map((v) => v.lastUpdate)).toEqual(lastUpdate)

  await redis.restart()
  await eventually(async () => (await app.inject('/readyz')).statusCode === 200, 'node ready again')
  // The client retries the refused batch with the same ids; a second retry is a duplicate.
  const retried = await app.inject({ method: 'POST', url: '/api/events', payload: { events: during } })
  expect(retried.statusCode).toBe(200)
  const again = await app.inject({ method: 'POST', url: '/api/events', payload: { events: during } })
  expect(again.json().duplicates).toHaveLength(3)

  const snapshot = (await app.inject('/api/snapshot')).json()
  expect(snapshot.kpis.inspectionsToday).toBe(53)
  expect(snapshot.seq).toBe(53)
  await eventually(
    () => viewers.every((v) => v.status === 'live' && v.state?.seq === 53),
    'viewers live at seq 53',
    15_000,
  )
  for (const v of viewers) expect(rawState(v.state as never)).toEqual(rawState(snapshot))
  // Recovered without a page reload: the same client objects, no reconnect needed.
  for (const v of viewers) expect(v.reconnects).toBe(0)
  // The log tells the operator when the outage began and when it ended.
  const said = log.map((l) => l.msg)
  expect(said.indexOf('feed degraded')).toBeGreaterThan(-1)
  expect(said.lastIndexOf('feed live')).toBeGreaterThan(said.indexOf('feed degraded'))
})

test('Redis that comes back holding fewer events than it had (restarted without its data) is logged as an error', async () => {
  const before = (await app.inject('/api/snapshot')).json().seq as number
  expect(before).toBeGreaterThan(0)
  // What a Redis that kept nothing on disk looks like after a restart: empty, and the node's
  // subscription dropped (here by flushing it and killing the subscription).
  const admin = new Redis(redis.url)
  await admin.flushall()
  await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
  admin.disconnect()
  await eventually(
    () => log.some((l) => l.msg.startsWith('Redis went back in time')),
    'the loss logged',
    15_000,
  )
  expect(log.find((l) => l.msg.startsWith('Redis went back in time'))).toMatchObject({
    level: 50,
    was: before,
    now: 0,
  })
})
