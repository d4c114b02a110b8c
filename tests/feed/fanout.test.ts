import WebSocket from 'ws'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, region, eid } from '../helpers/app.ts'
import { listen, viewer, eventually, rawState } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

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

const towns = region.towns.map((t) => t.code)
const domains = ['production', 'traffic', 'public', 'fire', 'social', 'natural']

function mixedEvent(i: number) {
  const town = towns[i % towns.length]
  const domain = domains[i % domains.length]
  if (i % 3 === 0)
    return {
      id: eid('insp'),
      type: 'inspection.completed',
      inspectionId: `I${i}`,
      town,
      domain,
      hazardsFound: i % 4,
    }
  return {
    id: eid('hz'),
    type: 'hazard.reported',
    hazardId: `H${i}`,
    town,
    domain,
    grade: i % 7 === 0 ? 'major' : 'general',
    title: `隐患 ${i}`,
    deadline: '2099-01-01',
  }
}

test('an event posted to either of two nodes reaches all 50 viewers on both, and every viewer ends equal to the snapshot', async () => {
  const space = freshSpace()
  const nodeA = await testApp({ redisUrl: redis.url, keyVariant: space })
  const nodeB = await testApp({ redisUrl: redis.url, keyVariant: space })
  apps.push(nodeA, nodeB)
  const [urlA, urlB] = [await listen(nodeA), await listen(nodeB)]
  for (let i = 0; i < 50; i++) viewers.push(viewer(i % 2 ? urlA : urlB))
  await eventually(() => viewers.every((v) => v.status === 'live'), 'all viewers live')

  // 1,000 events in bursts of 100 (as batches and as single posts), alternating nodes.
  let n = 0
  for (let burst = 0; burst < 10; burst++) {
    const node = burst % 2 ? nodeA : nodeB
    if (burst % 3 === 0) {
      const posts = Array.from({ length: 100 }, () =>
        node.inject({ method: 'POST', url: '/api/events', payload: mixedEvent(n++) }),
      )
      for (const r of await Promise.all(posts)) expect(r.statusCode).toBe(200)
    } else {
      const events = Array.from({ length: 100 }, () => mixedEvent(n++))
      const r = await node.inject({ method: 'POST', url: '/api/events', payload: { events } })
      expect(r.statusCode).toBe(200)
    }
  }
  const snapshot = (await nodeA.inject('/api/snapshot')).json()
  expect(snapshot.seq).toBe(1000)
  await eventually(() => viewers.every((v) => v.state?.seq === 1000), 'every viewer at seq 1000')
  const expected = rawState(snapshot)
  for (const v of viewers) expect(rawState(v.state as never)).toEqual(expected)
  // The headline number a leader sees, derived on the client, is the server's.
  expect(snapshot.kpis.inspectionsToday).toBe(334)
})

test('deltas carry the headline numbers that changed only for a viewer that asked for them (?kpis=1)', async () => {
  const space = freshSpace()
  const node = await testApp({ redisUrl: redis.url, keyVariant: space })
  apps.push(node)
  const url = (await listen(node)).replace(/^http/, 'ws')
  /** A raw viewer: the deltas it receives, and its socket. */
  async function rawViewer(kpis: boolean) {
    const deltas: Record<string, unknown>[] = []
    const ws = new WebSocket(`${url}/ws${kpis ? '?kpis=1' : ''}`)
    ws.on('message', (data) => {
      const m = JSON.parse(String(data))
      if (m.type === 'delta') deltas.push(m)
    })
    await new Promise((resolve) => ws.once('message', resolve)) // the snapshot
    return { deltas, ws }
  }
  const postBatch = async (from: number, n: number) => {
    const events = Array.from({ length: n }, (_, i) => mixedEvent(from + i))
    expect((await node.inject({ method: 'POST', url: '/api/events', payload: { events } })).statusCode).toBe(
      200,
    )
  }
  const plain = await rawViewer(false)
  const asking = await rawViewer(true)

  await postBatch(0, 30)
  await eventually(() => [plain, asking].every((v) => v.deltas.some((d) => d.seq === 30)), 'both at seq 30')
  expect(plain.deltas.every((d) => !('kpis' in d))).toBe(true)
  // Each delta names the headline numbers that changed, with their new values.
  const changed = Object.assign({}, ...asking.deltas.map((d) => d.kpis))
  expect(changed.inspectionsToday).toBe(10)
  expect(changed.hazardsFoundToday).toBe(20)
  asking.ws.close()

  // Changes made while nobody asks are not tracked; the next viewer who asks gets every number.
  await postBatch(30, 30)
  await eventually(() => plain.deltas.some((d) => d.seq === 60), 'plain viewer at seq 60')
  const later = await rawViewer(true)
  await postBatch(60, 1)
  await eventually(() => later.deltas.some((d) => d.seq === 61), 'new viewer at seq 61')
  const snapshot = (await node.inject('/api/snapshot')).json()
  expect(later.deltas[0].kpis).toEqual(snapshot.kpis)
  for (const v of [plain, later]) v.ws.close()
})

test('a viewer that reaches a hub already stopped (its upgrade raced the server closing) is closed at once', async () => {
  const node = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
  const hub = node.feedHub
  await hub.stop()
  const closed: number[] = []
  const socket = {
    readyState: 1,
    bufferedAmount: 0,
    on() {},
    ping() {},
    terminate() {},
    send() {},
    close: (code: number) => void closed.push(code),
  }
  hub.attach(socket as never)
  expect(closed).toEqual([1001])
  await node.close() // and the close does not wait for it
})

test('changes made while a delta is still going out to many screens follow as soon as it is out, not at the next flush', async () => {
  // No timer flush during the test: the test flushes by hand, as the timer would.
  const node = await testApp({
    redisUrl: redis.url,
    keyVariant: freshSpace(),
    hub: { flushMs: 60_000, digestMs: 60_000 },
  })
  apps.push(node)
  await listen(node)
  const hub = node.feedHub
  // 600 screens whose sockets each take 1 ms to write a delta: a fan-out lasts ~600 ms and lets
  // requests in between its slices, as one to thousands of real screens does on a busy node.
  const sends: { seq: number; at: number }[][] = []
  for (let i = 0; i < 600; i++) {
    const mine: { seq: number; at: number }[] = []
    sends.push(mine)
    const socket = {
      readyState: 1,
      bufferedAmount: 0,
      on() {},
      ping() {},
      close() {},
      terminate() {},
      send(data: Buffer | string) {
        const m = /^\{"type":"delta","from":\d+,"seq":(\d+)/.exec(String(data))
        if (!m) return
        const until = Date.now() + 1
        while (Date.now() < until);
        mine.push({ seq: Number(m[1]), at: Date.now() })
      },
    }
    hub.attach(socket as never)
  }
  /** The seq of the changes that reached the hub and wait for a flush. */
  const pendingSeq = () => (hub as unknown as { pending: { seq: number } | null }).pending?.seq
  const post = async (i: number) =>
    expect(
      (await node.inject({ method: 'POST', url: '/api/events', payload: mixedEvent(i) })).statusCode,
    ).toBe(200)

  // The first change comes after a quiet spell: it goes out at once (pacing.ts), no flush needed.
  await post(1)
  await eventually(() => sends[0].length === 1, 'the first change going out')
  await post(2)
  await eventually(() => pendingSeq() === 2, 'the second change at the hub')
  expect(sends[599]).toHaveLength(0) // the first delta is still going out
  hub.flush() // comes due now: it must not be lost, nor wait for the next one
  await eventually(() => sends[599].length === 2, 'the second delta out to every screen', 15_000)

  expect(sends[0].map((s) => s.seq)).toEqual([1, 2])
  const firstOut = sends[599][0].at // the last screen had the first delta
  expect(sends[0][1].at - firstOut).toBeLessThan(100)
})
