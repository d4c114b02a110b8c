import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { hazard, inspection, logPage, postOk, status } from './fixtures.ts'

// The read side: the log for audit and replay, the region for forms and labels, health probes.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({
    redisUrl: redis.url,
    keyVariant: freshSpace(),
    clock: fakeClock('2025-05-05T10:00:00+08:00'),
  })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

test('GET /api/events pages through the log oldest first with after, limit and next', async () => {
  const h = hazard()
  const events = [
    h,
    inspection(),
    status(h.hazardId, 'rectifying'),
    inspection(),
    inspection(),
    inspection(),
    inspection(),
  ]
  await postOk(app, { events: events.slice(0, 3) })
  await postOk(app, { events: events.slice(3) })

  const pages = async (limit: number) => {
    const seqs = []
    for (let after = 0; ; ) {
      const page = await logPage(app, after, limit)
      seqs.push(page.entries.map((e) => e.seq))
      if (page.next === null) return seqs
      after = page.next
    }
  }
  expect(await pages(3)).toEqual([[1, 2, 3], [4, 5, 6], [7]])
  // Pages need not end where a request's batch ends.
  expect(await pages(2)).toEqual([[1, 2], [3, 4], [5, 6], [7]])
  expect(await pages(5)).toEqual([[1, 2, 3, 4, 5], [6, 7]])

  const all = await logPage(app)
  expect(all.next).toBeNull()
  // Each entry is the event as accepted: `at` filled in by the server.
  expect(all.entries.map((e) => e.event)).toEqual(
    events.map((e) => ({ ...e, at: '2025-05-05T02:00:00.000Z' })),
  )
  expect((await logPage(app, 7)).entries).toEqual([])
})

test.each([
  ['limit over 1000', 'limit=1001'],
  ['limit 0', 'limit=0'],
  ['negative after', 'after=-1'],
  ['after not a number', 'after=abc'],
  ['an unknown parameter', 'type=hazard.reported'],
])('GET /api/events refuses %s (400)', async (_name, query) => {
  const res = await app.inject(`/api/events?${query}`)
  expect(res.statusCode).toBe(400)
  expect(res.json().details[0].path).toMatch(/^\/querystring/)
})

test('GET /api/regions lists towns and domains with their industries', async () => {
  const res = await app.inject('/api/regions')
  expect(res.statusCode).toBe(200)
  const body = res.json()
  expect(body.region).toMatchObject({ code: '321283', name: '泰兴市', nameEn: 'Taixing' })
  expect(body.towns).toHaveLength(region.region.towns.length)
  expect(body.towns).toContainEqual(
    expect.objectContaining({ code: '321283100', name: '黄桥镇', nameEn: 'Huangqiao' }),
  )
  for (const t of body.towns)
    expect(t).toEqual(
      expect.objectContaining({
        code: expect.any(String),
        name: expect.any(String),
        nameEn: expect.any(String),
      }),
    )
  expect(body.domains.map((d: { id: string }) => d.id)).toEqual([
    'production',
    'traffic',
    'public',
    'fire',
    'social',
    'natural',
  ])
  const production = body.domains.find((d: { id: string }) => d.id === 'production')
  expect(production).toMatchObject({ name: '生产安全', nameEn: 'Production' })
  expect(production.industries).toContainEqual({
    id: 'hazardous_chemicals',
    name: '危险化学品',
    nameEn: 'Hazardous chemicals',
  })
})

test('GET /healthz and /readyz answer while Redis is up', async () => {
  expect((await app.inject('/healthz')).json()).toEqual({ ok: true })
  const ready = await app.inject('/readyz')
  expect(ready.statusCode).toBe(200)
  expect(ready.json()).toEqual({ ok: true })
})
