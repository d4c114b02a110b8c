import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN, TOWN2, fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import { eventually, listen, rawState, viewer } from '../helpers/viewers.ts'
import { summarizeTown } from '../../shared/town-view.ts'
import { accident, hazard, postOk, snapshot, status } from './fixtures.ts'
import type { WallState } from '../../shared/protocol.ts'

// A town's page shows its own trend and its own accidents of last year's same period: the ingest
// keeps those per-day totals per town too, the snapshot reads them, and the live feed carries them.

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

const NOW = '2026-03-10T18:00:00+08:00'

/** Hazards found in `town` on `day` (region time), `closed` of them closed the same day. */
function hazardsOn(town: string, day: string, found: number, closed: number) {
  const at = `${day}T09:00:00+08:00`
  const events = []
  for (let i = 0; i < found; i++) {
    const h = hazard({ town, at })
    events.push(h)
    if (i < closed) events.push(status(h.hazardId, 'closed', { at: `${day}T11:00:00+08:00` }))
  }
  return events
}

const asState = (snap: Record<string, unknown>) => ({ ...rawState(snap), asOf: 0, alarms: [] }) as WallState

test("each town's trend and last year's accidents come from its own daily totals, and sum to the city's", async () => {
  const clock = fakeClock(NOW)
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
  await postOk(app, {
    events: [
      ...hazardsOn(TOWN, '2026-03-10', 3, 1),
      ...hazardsOn(TOWN, '2026-03-02', 2, 2),
      ...hazardsOn(TOWN2, '2026-03-10', 1, 0),
      // Last year: two in the same period for TOWN, one for TOWN2; one after it (not counted).
      accident({ town: TOWN, deaths: 1, at: '2025-01-20T08:00:00+08:00' }),
      accident({ town: TOWN, deaths: 0, at: '2025-03-10T08:00:00+08:00' }),
      accident({ town: TOWN2, deaths: 2, at: '2025-01-20T09:00:00+08:00' }),
      accident({ town: TOWN2, deaths: 5, at: '2025-03-11T09:00:00+08:00' }),
    ],
  })
  const snap = await snapshot(app)
  const a = summarizeTown(asState(snap), region, TOWN)
  const b = summarizeTown(asState(snap), region, TOWN2)
  const at = (day: string) => snap.trend.days.indexOf(day)

  expect(a.trend.found[at('2026-03-10')]).toBe(3)
  expect(a.trend.closed[at('2026-03-10')]).toBe(1)
  expect(a.trend.found[at('2026-03-02')]).toBe(2)
  expect(a.trend.closed[at('2026-03-02')]).toBe(2)
  expect(b.trend.found[at('2026-03-10')]).toBe(1)
  expect(b.trend.found[at('2026-03-02')]).toBe(0)
  // Every town's trend adds up to the city's, day by day.
  const towns = region.towns.map((t) => summarizeTown(asState(snap), region, t.code).trend)
  for (const series of ['found', 'closed'] as const)
    expect(snap.trend[series]).toEqual(
      snap.trend.days.map((_, i) => towns.reduce((n, t) => n + t[series][i], 0)),
    )

  expect([a.kpis.accidentsLastYearToDate, a.kpis.accidentDeathsLastYearToDate]).toEqual([2, 1])
  expect([b.kpis.accidentsLastYearToDate, b.kpis.accidentDeathsLastYearToDate]).toEqual([1, 2])
  expect(snap.kpis.accidentsLastYearToDate).toBe(3)
  await app.close()
})

test('the live feed brings a town its daily totals as they change, equal to a fresh snapshot', async () => {
  const clock = fakeClock(NOW)
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
  const url = await listen(app)
  await postOk(app, { events: hazardsOn(TOWN, '2026-03-09', 1, 0) })
  const client = viewer(url)
  try {
    await eventually(() => client.status === 'live', 'the viewer to be live')
    await postOk(app, {
      events: [
        ...hazardsOn(TOWN, '2026-03-10', 2, 1),
        accident({ town: TOWN2, deaths: 1, at: '2025-02-01T08:00:00+08:00' }),
      ],
    })
    const want = (await snapshot(app)).seq
    await eventually(() => client.state?.seq === want, 'the viewer to reach the last seq')
    const live = client.state!
    expect(live.daily).toEqual((await snapshot(app)).daily)
    const a = summarizeTown(live, region, TOWN)
    expect(a.trend.found.slice(-2)).toEqual([1, 2])
    expect(a.trend.closed.slice(-2)).toEqual([0, 1])
    expect(summarizeTown(live, region, TOWN2).kpis.accidentDeathsLastYearToDate).toBe(1)
  } finally {
    client.stop()
    await app.close()
  }
})
