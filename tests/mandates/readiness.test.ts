import { expect, test } from 'vitest'
import { TOWN, TOWN2, region } from '../helpers/app.ts'
import { mandatesOf } from '../../shared/mandates/defaults.ts'
import { drillSummary, resourceSummary } from '../../shared/mandates/readiness.ts'
import { post, postOk } from '../ingest/fixtures.ts'
import { drill, mandatesApp, resource, retire } from './fixtures.ts'

// Emergency readiness: resources (registered, retired) as gauges by kind and town; drills against
// the quarter's plan, the quarter judged in region time; town scoping; the rebuild check.

const env = mandatesApp()
const { clock } = env
const M = mandatesOf(region)
const TOWNS = region.towns.map((t) => t.code)

const state = (day = '2026-05-06') => env.app.store.readState(day, clock())

test('resources count by kind and town while in service; retired ones leave the gauges', async () => {
  const team = resource({ size: 30 })
  const depot = resource({
    kind: 'warehouse',
    name: '滨江镇应急物资储备库',
    town: TOWN2,
    domain: undefined,
    size: 1200,
  })
  await postOk(env.app, {
    events: [team, depot, resource({ kind: 'expert', name: '张工', size: undefined })],
  })
  let sum = resourceSummary((await state()).now)
  expect(sum.total).toBe(3)
  expect(sum.byKind.map((k) => [k.kind, k.count, k.size])).toEqual([
    ['rescue_team', 1, 30],
    ['warehouse', 1, 1200],
    ['expert', 1, 0],
    ['equipment', 0, 0],
  ])
  expect(sum.byTown).toEqual([
    { town: TOWN, total: 2, kinds: { rescue_team: 1, expert: 1 } },
    { town: TOWN2, total: 1, kinds: { warehouse: 1 } },
  ])
  await postOk(env.app, retire(team.resourceId))
  sum = resourceSummary((await state()).now)
  expect(sum.byKind[0]).toEqual({ kind: 'rescue_team', count: 0, size: 0 })
  expect(sum.total).toBe(2)
})

test('resource refusals: a bad kind 400, registered twice or retired twice 409, unknown 409', async () => {
  const bad = await post(env.app, { ...resource(), kind: 'helicopter' })
  expect(bad.statusCode).toBe(400)
  expect(bad.json().details[0]).toMatchObject({
    path: '/kind',
    message: expect.stringMatching(/must be one of/),
  })
  const r = resource()
  await postOk(env.app, r)
  const twice = await post(env.app, { ...resource(), resourceId: r.resourceId })
  expect(twice.statusCode).toBe(409)
  expect(twice.json().details).toEqual([
    {
      path: '/resourceId',
      message: `resourceId ${r.resourceId} was already registered`,
      code: 'resource_already_registered',
      params: { resourceId: r.resourceId },
    },
  ])
  await postOk(env.app, retire(r.resourceId))
  expect((await post(env.app, retire(r.resourceId))).json().details[0].message).toBe(
    `resource ${r.resourceId} was already retired`,
  )
  expect((await post(env.app, retire('RS-none'))).json().details[0].message).toBe('unknown resource RS-none')
})

test("drills count in the quarter of their region-time day, against each town's plan", async () => {
  clock.set('2026-07-01T09:00:00+08:00')
  await postOk(env.app, {
    events: [
      drill({ at: '2026-06-30T23:30:00+08:00' }), // Q2, though 15:30 UTC
      drill({ at: '2026-06-30T16:30:00Z' }), // 00:30 on 1 July in Taixing: Q3
      drill({ town: '321283EDZ', participants: 120, at: '2026-07-01T08:00:00+08:00' }),
    ],
  })
  const { year } = await state('2026-07-01')
  const q3 = drillSummary(year, '2026-07-01', TOWNS, M)
  expect(q3).toMatchObject({ quarter: 3, done: 2, participants: 160 })
  // The plan: 1 a quarter per town, the development zone 3, Binjiang and Huangqiao 2 (region file).
  expect(q3.planned).toBe(TOWNS.length + 2 + 1 + 1)
  expect(q3.byTown.find((t) => t.town === '321283EDZ')).toEqual({ town: '321283EDZ', done: 1, planned: 3 })
  expect(q3.byTown.find((t) => t.town === TOWN)).toEqual({ town: TOWN, done: 1, planned: 1 })
  expect(drillSummary(year, '2026-06-30', TOWNS, M)).toMatchObject({ quarter: 2, done: 1, participants: 40 })
  // A drill reported again under a new event id is refused, not counted twice.
  const d = drill()
  await postOk(env.app, d)
  const again = await post(env.app, { ...drill(), drillId: d.drillId })
  expect(again.statusCode).toBe(409)
  expect(again.json().details[0]).toEqual({
    path: '/drillId',
    message: `drillId ${d.drillId} was already reported`,
    code: 'already_reported',
    params: { field: 'drillId', id: d.drillId },
  })
})

test('the rebuild check replays resources and drills to the same keys', async () => {
  const r = resource()
  await postOk(env.app, {
    events: [r, resource({ kind: 'equipment', size: 6 }), drill(), drill({ town: TOWN2 })],
  })
  await postOk(env.app, retire(r.resourceId))
  for (const key of ['resources', 'drills']) expect(await env.client.exists(env.key(key))).toBe(1)
  const report = await env.rebuildCheck()
  expect(report.differences).toEqual([])
})

test("a town's reporter registers, retires and drills in its own town only", () =>
  env.withAuth(async (auth, tokens) => {
    const as = (payload: object, who: 'townReporter' | 'admin') =>
      auth.inject({ method: 'POST', url: '/api/events', payload, headers: tokens[who].header })
    const other = resource({ town: TOWN2 })
    expect((await as(other, 'admin')).statusCode).toBe(200)
    expect((await as(resource({ town: TOWN }), 'townReporter')).statusCode).toBe(200)
    expect((await as(drill({ town: TOWN }), 'townReporter')).statusCode).toBe(200)
    for (const body of [resource({ town: TOWN2 }), drill({ town: TOWN2 }), retire(other.resourceId)]) {
      const res = await as(body, 'townReporter')
      expect(res.statusCode, body.type).toBe(403)
    }
  }))
