import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN, TOWN2, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { enterprise, post, postOk, snapshot, work } from './fixtures.ts'

// Enterprises: the four-colour risk distribution and stopping/resuming work (停工复工).

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})
beforeEach(async () => {
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
})
afterEach(async () => {
  await app.close()
})

const townRisk = (s: Awaited<ReturnType<typeof snapshot>>, town: string) => {
  const { town: _, ...levels } = s.risk.byTown.find((r) => r.town === town)!
  return levels
}

test('registering again with another risk level moves the enterprise between gauges', async () => {
  const e = enterprise({ riskLevel: 'major' })
  await postOk(app, e)
  let s = await snapshot(app)
  expect(s.risk.total).toEqual({ major: 1, significant: 0, general: 0, low: 0 })
  expect(s.kpis).toMatchObject({ enterprisesRegistered: 1, redRiskEnterprises: 1 })

  await postOk(app, { ...e, id: `${e.id}-2`, riskLevel: 'significant' })
  s = await snapshot(app)
  expect(s.risk.total).toEqual({ major: 0, significant: 1, general: 0, low: 0 })
  expect(s.kpis).toMatchObject({ enterprisesRegistered: 1, redRiskEnterprises: 0 })

  // Moving town moves it on the per-town distribution too.
  await postOk(app, { ...e, id: `${e.id}-3`, riskLevel: 'low', town: TOWN2 })
  s = await snapshot(app)
  expect(townRisk(s, TOWN)).toEqual({ major: 0, significant: 0, general: 0, low: 0 })
  expect(townRisk(s, TOWN2)).toEqual({ major: 0, significant: 0, general: 0, low: 1 })
  expect(s.kpis.enterprisesRegistered).toBe(1)
})

test('work for an unregistered enterprise is refused (409) and changes nothing', async () => {
  const res = await post(app, work('EN-unknown', 'resumed'))
  expect(res.statusCode).toBe(409)
  expect(res.json().details).toEqual([
    {
      path: '/enterpriseId',
      message: 'enterprise EN-unknown is not registered',
      code: 'unregistered_enterprise',
      params: { enterpriseId: 'EN-unknown' },
    },
  ])
  expect((await snapshot(app)).seq).toBe(0)
})

test('registering and resuming in one batch works', async () => {
  const e = enterprise()
  await postOk(app, { events: [e, work(e.enterpriseId, 'resumed', true)] })
  expect((await snapshot(app)).kpis).toMatchObject({ enterprisesResumed: 1, enterprisesStopped: 0 })
})

test('stopped, resumed without the pre-check, resumed again with it', async () => {
  const e = enterprise()
  const other = enterprise({ town: TOWN2 })
  await postOk(app, { events: [e, other, work(other.enterpriseId, 'stopped')] })

  await postOk(app, work(e.enterpriseId, 'stopped'))
  expect((await snapshot(app)).kpis).toMatchObject({ enterprisesStopped: 2, enterprisesResumed: 0 })

  await postOk(app, work(e.enterpriseId, 'resumed', false))
  expect((await snapshot(app)).kpis).toMatchObject({
    enterprisesStopped: 1,
    enterprisesResumed: 1,
    enterprisesResumedWithoutCheck: 1,
  })

  // The check done afterwards, reported as a resumption with the check: no longer counted as without.
  await postOk(app, work(e.enterpriseId, 'resumed', true))
  expect((await snapshot(app)).kpis).toMatchObject({
    enterprisesStopped: 1,
    enterprisesResumed: 1,
    enterprisesResumedWithoutCheck: 0,
  })
})

test('re-registering a resumed enterprise in another town keeps it resumed and moves its work gauges', async () => {
  const e = enterprise({ town: TOWN })
  await postOk(app, { events: [e, work(e.enterpriseId, 'resumed', false)] })
  await postOk(app, { ...e, id: `${e.id}-moved`, town: TOWN2 })
  const s = await snapshot(app)
  expect(s.kpis).toMatchObject({
    enterprisesResumed: 1,
    enterprisesResumedWithoutCheck: 1,
    enterprisesRegistered: 1,
  })
  const resumedTowns = Object.keys(s.now)
    .filter((k) => k.startsWith('ent.resumed|'))
    .map((k) => k.split('|')[1])
  expect(resumedTowns).toEqual([TOWN2])
})
