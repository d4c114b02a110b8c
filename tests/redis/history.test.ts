import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { Redis } from 'ioredis'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN, eid } from '../helpers/app.ts'
import { listen, viewer, eventually, rawState } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'
import { logOptions } from '../../server/log.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

// The wall never lies: when Redis's history changes under a node (a failover that lost writes, a
// restore of an older backup, an emptied Redis), the node notices, marks its viewers degraded and
// reloads. These pin it on one Redis; tests/redis/sentinel.test.ts and cluster.test.ts do it for real.

let redis: Awaited<ReturnType<typeof privateRedis>>
const apps: App[] = []
const viewers: FeedClient[] = []
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  for (const v of viewers) v.stop()
  for (const a of apps) await a.close()
  await redis.cleanup()
})

const inspection = (found: number) => ({
  id: eid('hist'),
  type: 'inspection.completed',
  inspectionId: eid('HI'),
  town: TOWN,
  domain: 'fire',
  hazardsFound: found,
})

async function node(keyVariant: string) {
  const log: { msg: string }[] = []
  const app = await testApp({
    redisUrl: redis.url,
    keyVariant,
    hub: { digestMs: 200 },
    logger: logOptions('info', { write: (line: string) => void log.push(JSON.parse(line)) }),
  })
  apps.push(app)
  return { app, log }
}

const post = async (app: App, found: number) =>
  expect(
    (await app.inject({ method: 'POST', url: '/api/events', payload: inspection(found) })).statusCode,
  ).toBe(200)

/** Deletes a key space's keys, as a failover to a replica that never had them would. */
async function forget(space: string) {
  const admin = new Redis(redis.url)
  const keys = await admin.keys(`lk:{*}:${space}:*`)
  if (keys.length) await admin.del(...keys)
  admin.disconnect()
}

test('hub-drops-publishes-at-or-below-its-seq: Redis loses writes and numbers new ones again; the wall reloads instead of adding them to numbers that no longer exist', async () => {
  const space = freshSpace()
  const { app, log } = await node(space)
  const writer = (await node(space)).app // another node of the deployment, writing after the "failover"
  const url = await listen(app)
  const v = viewer(url)
  viewers.push(v)
  await eventually(() => v.status === 'live', 'viewer live')
  for (let i = 0; i < 10; i++) await post(app, 1)
  await eventually(() => v.state?.seq === 10, 'viewer at seq 10')

  // The history the node showed is gone; twelve other events are numbered 1..12 in its place.
  await forget(space)
  for (let i = 0; i < 12; i++) await post(writer, 3)

  const fresh = async () => (await writer.inject('/api/snapshot')).json()
  await eventually(
    async () =>
      v.status === 'live' &&
      v.state?.seq === 12 &&
      isDeepStrictEqual(rawState(v.state as never), rawState(await fresh())),
    'the viewer equal to a fresh snapshot',
  )
  expect((await fresh()).kpis.inspectionsToday).toBe(12)
  expect(log.some((l) => l.msg.startsWith('Redis history changed under this node'))).toBe(true)
})

test('an emptied Redis (its subscription untouched) is noticed without any new write: the wall shows what Redis holds', async () => {
  const space = freshSpace()
  const { app, log } = await node(space)
  const url = await listen(app)
  const v = viewer(url)
  viewers.push(v)
  await eventually(() => v.status === 'live', 'viewer live')
  for (let i = 0; i < 5; i++) await post(app, 2)
  await eventually(() => v.state?.seq === 5, 'viewer at seq 5')
  await forget(space)
  await eventually(() => v.state?.seq === 0 && v.status === 'live', 'viewer back at seq 0, live')
  expect(log.some((l) => l.msg.startsWith('Redis history changed under this node'))).toBe(true)
  expect(rawState(v.state as never)).toEqual(rawState((await app.inject('/api/snapshot')).json()))
})

test('a batch that raises an alarm is the history the node shows: no false "history changed" (the alarms field of its log entry is not an event)', async () => {
  const space = freshSpace()
  const { app, log } = await node(space)
  const url = await listen(app)
  const v = viewer(url)
  viewers.push(v)
  await eventually(() => v.status === 'live', 'viewer live')
  const accident = {
    id: eid('hist'),
    type: 'accident.reported',
    accidentId: eid('HA'),
    town: TOWN,
    domain: 'production',
    deaths: 0,
    seriousInjuries: 1,
    directLossYuan: 1000,
    title: '机械伤害',
  }
  const res = await app.inject({ method: 'POST', url: '/api/events', payload: accident })
  expect(res.statusCode, res.body).toBe(200)
  await eventually(() => v.state?.seq === 1 && v.state.alarms.length === 1, 'viewer at seq 1 with the alarm')
  // The node checks Redis's history with every digest (200 ms here): give it several.
  await new Promise((r) => setTimeout(r, 1500))
  expect(log.filter((l) => l.msg.startsWith('Redis history changed')).map((l) => l.msg)).toEqual([])
  expect(v.status).toBe('live')
})
