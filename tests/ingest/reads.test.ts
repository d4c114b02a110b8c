import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import {
  accident,
  enterprise,
  hazard,
  inspection,
  logPage,
  postOk,
  snapshot,
  status,
  work,
} from './fixtures.ts'

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
    for (let after = 0; ;) {
      const page = await logPage(app, after, limit)
      seqs.push(page.entries.map((e) => e.seq))
      if (page.next === null) return seqs
      after = page.next
    }
  }
  expect(await pages(3)).toEqual([[1, 2, 3], [4, 5, 6], [7]])
  // Pages need not end where a request's batch ends.
  expect(await pages(2)).toEqual([[1, 2], [3, 4], [5, 6], [7]])
  expect(await pages(5)).toEqual([
    [1, 2, 3, 4, 5],
    [6, 7],
  ])

  const all = await logPage(app)
  expect(all.next).toBeNull()
  // Each entry is the event as accepted: `at` filled in by the server.
  expect(all.entries.map((e) => e.event)).toEqual(
    events.map((e) => ({ ...e, at: '2025-05-05T02:00:00.000Z' })),
  )
  expect((await logPage(app, 7)).entries).toEqual([])
})

test('the ticker says of each event what the wall shows: who, where, what, and the hazard or enterprise it concerns', async () => {
  const h = hazard({ enterprise: '某建筑公司', title: '配电箱未接地', grade: 'major' })
  const e = enterprise({ name: '泰兴某化工厂', riskLevel: 'major' })
  await postOk(app, {
    events: [
      h,
      status(h.hazardId, 'rectifying'),
      inspection({ enterprise: '泰兴某机械厂', hazardsFound: 3 }),
      inspection({ hazardsFound: 0 }),
      accident({ deaths: 1, seriousInjuries: 2, title: '车辆侧翻' }),
      e,
      work(e.enterpriseId, 'resumed', false),
    ],
  })
  const at = '2025-05-05T02:00:00.000Z'
  const where = { town: h.town }
  const ticker = (await snapshot(app)).ticker.slice(0, 7).reverse()
  const first = ticker[0].seq
  expect(ticker).toEqual([
    {
      seq: first,
      at,
      type: 'hazard.reported',
      hazardId: h.hazardId,
      ...where,
      domain: 'production',
      grade: 'major',
      title: '配电箱未接地',
    },
    // A status change names the hazard as it was reported.
    {
      seq: first + 1,
      at,
      type: 'hazard.status',
      hazardId: h.hazardId,
      status: 'rectifying',
      ...where,
      domain: 'production',
      grade: 'major',
      title: '配电箱未接地',
    },
    {
      seq: first + 2,
      at,
      type: 'inspection.completed',
      ...where,
      domain: 'fire',
      hazardsFound: 3,
      name: '泰兴某机械厂',
    },
    { seq: first + 3, at, type: 'inspection.completed', ...where, domain: 'fire', hazardsFound: 0 },
    // An accident carries the grade worked out from its casualties and loss.
    {
      seq: first + 4,
      at,
      type: 'accident.reported',
      ...where,
      domain: 'traffic',
      deaths: 1,
      seriousInjuries: 2,
      title: '车辆侧翻',
      grade: 'general',
    },
    {
      seq: first + 5,
      at,
      type: 'enterprise.registered',
      ...where,
      domain: 'production',
      name: '泰兴某化工厂',
      riskLevel: 'major',
    },
    // A work change names the enterprise as registered.
    {
      seq: first + 6,
      at,
      type: 'enterprise.work',
      state: 'resumed',
      preCheckDone: false,
      ...where,
      domain: 'production',
      name: '泰兴某化工厂',
    },
  ])
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
  expect(body.city).toMatchObject({ code: '321283', name: '泰兴市', nameEn: 'Taixing' })
  expect(body.towns).toHaveLength(region.towns.length)
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

test('an event from more than a day before it is applied (a ledger of history) counts everywhere but takes no ticker line', async () => {
  const before = (await snapshot(app)).ticker.map((f) => f.seq)
  const old = hazard({ at: '2025-05-03T01:59:59.000Z', deadline: '2025-05-20' }) // a day and a second before
  const recent = hazard({ at: '2025-05-04T02:00:00.000Z', deadline: '2025-05-20' }) // exactly a day
  const found = (await snapshot(app)).kpis.hazardsFoundYtd
  const reply = await postOk(app, { events: [old, recent] })
  const s = await snapshot(app)
  expect(s.kpis.hazardsFoundYtd).toBe(found + 2)
  expect(s.ticker.filter((f) => !before.includes(f.seq)).map((f) => f.hazardId)).toEqual([recent.hazardId])
  // A batch of history alone leaves the ticker as it was.
  await postOk(app, { events: [hazard({ at: '2025-04-01T00:00:00.000Z', deadline: '2025-05-20' })] })
  expect((await snapshot(app)).ticker[0].seq).toBe(reply.seq)
})
