import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, region, eid } from '../helpers/app.ts'
import { listen, viewer, eventually, rawState } from '../helpers/viewers.ts'
import { chokeProxy } from '../helpers/choke-proxy.ts'
import type { App } from '../../server/app.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
const apps: App[] = []
const proxies: Awaited<ReturnType<typeof chokeProxy>>[] = []
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  for (const p of proxies) await p.close()
  for (const a of apps) await a.close()
  await redis.cleanup()
})

const towns = region.towns.map((t) => t.code)
const domains = ['production', 'traffic', 'public', 'fire', 'social', 'natural']
let hazardNo = 0
/** A batch of hazards spread over every town, domain and grade: many distinct cells. */
const hazardBatch = (n: number) => ({
  events: Array.from({ length: n }, () => {
    const i = hazardNo++
    return {
      id: eid('hz'),
      type: 'hazard.reported',
      hazardId: `S${i}`,
      town: towns[i % towns.length],
      domain: domains[Math.floor(i / towns.length) % domains.length],
      grade: i % 2 ? 'major' : 'general',
      title: `隐患 ${i} ${'详'.repeat(150)}`,
      deadline: '2099-01-01',
    }
  }),
})

/** A viewer behind a proxy the test can choke, as a screen on a choking network. */
async function chokedViewer(url: string) {
  const proxy = await chokeProxy(url)
  proxies.push(proxy)
  const v = viewer(proxy.url)
  return { v, pause: proxy.choke, resume: proxy.release }
}

async function setup(hub: { highWaterBytes: number; slowCloseMs: number }) {
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), hub })
  apps.push(app)
  return { app, url: await listen(app) }
}

test('a viewer that stops reading costs bounded memory and converges once it reads again', async () => {
  const { app, url } = await setup({ highWaterBytes: 64 * 1024, slowCloseMs: 120_000 })
  const { v, pause, resume } = await chokedViewer(url)
  await eventually(() => v.status === 'live', 'viewer live')
  pause()
  for (let i = 0; i < 20; i++) {
    expect(
      (await app.inject({ method: 'POST', url: '/api/events', payload: hazardBatch(100) })).statusCode,
    ).toBe(200)
  }
  // Resync requests make the server owe snapshots; with the socket choked they must not pile up.
  for (let i = 0; i < 1500; i++) v.send({ type: 'resync' })
  await eventually(() => app.feedHub.stats().clients[0].buffered > 64 * 1024, 'socket backed up')
  await new Promise((r) => setTimeout(r, 300))
  const first = app.feedHub.stats().clients[0]
  for (let i = 0; i < 20; i++) {
    expect(
      (await app.inject({ method: 'POST', url: '/api/events', payload: hazardBatch(100) })).statusCode,
    ).toBe(200)
  }
  await new Promise((r) => setTimeout(r, 300))
  const later = app.feedHub.stats().clients[0]
  // Nothing more was queued on the choked socket while 2,000 more events arrived...
  expect(later.buffered).toBeLessThanOrEqual(first.buffered)
  // ...and what is held for it is one merged delta, no bigger than the set of cells there are.
  expect(later.heldCells).toBeLessThanOrEqual(towns.length * domains.length * 2 * 2 + 100)

  resume()
  const snapshot = (await app.inject('/api/snapshot')).json()
  expect(snapshot.seq).toBe(4000)
  await eventually(() => v.state?.seq === 4000, 'viewer caught up')
  expect(rawState(v.state as never)).toEqual(rawState(snapshot))
  v.stop()
})

test('a viewer backed up past the limit is closed with 4008, reconnects and converges', async () => {
  const { app, url } = await setup({ highWaterBytes: 16 * 1024, slowCloseMs: 500 })
  const { v, pause, resume } = await chokedViewer(url)
  await eventually(() => v.status === 'live', 'viewer live')
  pause()
  for (let i = 0; i < 10; i++)
    await app.inject({ method: 'POST', url: '/api/events', payload: hazardBatch(100) })
  for (let i = 0; i < 1500; i++) v.send({ type: 'resync' })
  await eventually(() => app.feedHub.stats().clients.length === 0, 'slow viewer dropped', 15_000)
  expect(await app.metrics.register.getSingleMetricAsString('lookout_ws_slow_client_drops_total')).toMatch(
    / 1$/m,
  )
  const reconnectsBefore = v.reconnects
  resume()
  await eventually(() => v.reconnects > reconnectsBefore && v.status === 'live', 'viewer reconnected')
  expect(v.lastClose?.code).toBe(4008)
  const snapshot = (await app.inject('/api/snapshot')).json()
  await eventually(() => v.state?.seq === snapshot.seq, 'viewer caught up')
  expect(rawState(v.state as never)).toEqual(rawState(snapshot))
  v.stop()
})
