import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN2, fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import type { RegionIndex } from '../../shared/region.ts'
import { hazard, logPage, postOk, snapshot, status } from './fixtures.ts'

// Overdue is derived, not a status: deadline passed and not yet awaiting acceptance or closed. Due
// soon (临期) is the step before: deadline at most the region's dueSoonDays (3 for Taixing) away.
// The tick moves hazards in and the status moves take them out (DOMAIN.md, DESIGN.md "Time").

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

/** An app whose own timer stays quiet, so each test decides when the tick runs. */
async function appAt(start: string, keyVariant = freshSpace(), regionIndex?: RegionIndex) {
  const clock = fakeClock(start)
  const app = await testApp({
    redisUrl: redis.url,
    keyVariant,
    clock,
    config: { tickMs: 60_000 },
    region: regionIndex,
  })
  const tickAt = async (at: string) => {
    clock.set(at)
    return app.store.tick(clock())
  }
  return { app, clock, tickAt }
}

async function overdue(app: App) {
  const s = await snapshot(app)
  return { count: s.kpis.hazardsOverdue, major: s.kpis.majorHazardsOverdue, list: s.overdue }
}

const dueSoon = async (app: App) => (await snapshot(app)).kpis.hazardsDueSoon

/** The open-hazards list's flags for one hazard, as the entry page's picker gets them. */
async function listed(app: App, hazardId: string) {
  const res = await app.inject(`/api/hazards?q=${hazardId}`)
  expect(res.statusCode, res.body).toBe(200)
  const h = (res.json().hazards as { hazardId: string; overdue: boolean; dueSoon: boolean }[]).find(
    (x) => x.hazardId === hazardId,
  )
  return h && { overdue: h.overdue, dueSoon: h.dueSoon }
}

describe('the tick', () => {
  test('a date deadline D is not overdue at D 23:59:59.999 Shanghai and is overdue just after D+1 00:00', async () => {
    const { app, tickAt } = await appAt('2025-03-08T09:00:00+08:00')
    const h = hazard({ grade: 'major', deadline: '2025-03-10', title: '储罐区可燃气体报警器失效' })
    await postOk(app, h)

    // Within its 3 due-soon days from the start: the first tick moves it into due soon.
    expect(await tickAt('2025-03-10T23:59:00+08:00')).toBe(1)
    expect(await tickAt('2025-03-10T23:59:59.999+08:00')).toBe(0)
    expect((await overdue(app)).count).toBe(0)
    expect(await dueSoon(app)).toBe(1)

    expect(await tickAt('2025-03-11T00:00:00.001+08:00')).toBe(1)
    const o = await overdue(app)
    expect(o.count).toBe(1)
    expect(await dueSoon(app)).toBe(0)
    expect(o.major).toBe(1)
    expect(o.list).toEqual([
      {
        hazardId: h.hazardId,
        title: h.title,
        town: h.town,
        domain: h.domain,
        grade: 'major',
        status: 'reported',
        deadline: Date.parse('2025-03-11T00:00:00+08:00'),
      },
    ])
    // Still overdue at the next tick, counted once.
    expect(await tickAt('2025-03-12T00:00:00+08:00')).toBe(0)
    expect((await overdue(app)).count).toBe(1)
    await app.close()
  })

  test('overdue-at-the-exact-deadline-instant: a date-time deadline is overdue only once it has passed', async () => {
    const { app, tickAt } = await appAt('2025-03-10T09:00:00+08:00')
    await postOk(app, hazard({ deadline: '2025-03-10T12:00:00+08:00' }))
    expect(await tickAt('2025-03-10T12:00:00.000+08:00')).toBe(1) // due soon, not late yet
    expect(await overdue(app)).toMatchObject({ count: 0 })
    expect(await tickAt('2025-03-10T12:00:00.001+08:00')).toBe(1)
    expect(await overdue(app)).toMatchObject({ count: 1 })
    await app.close()
  })

  test('a hazard reported with its deadline already passed becomes overdue at the next tick', async () => {
    const { app, tickAt } = await appAt('2025-03-20T09:00:00+08:00')
    await postOk(app, hazard({ deadline: '2025-03-01' }))
    expect((await overdue(app)).count).toBe(0)
    expect(await tickAt('2025-03-20T09:00:01+08:00')).toBe(1)
    expect((await overdue(app)).count).toBe(1)
    // Straight to overdue: it never counts as due soon.
    expect(await dueSoon(app)).toBe(0)
    await app.close()
  })

  test('the overdue list is oldest deadline first', async () => {
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00')
    const late = hazard({ deadline: '2025-03-05' })
    const later = hazard({ deadline: '2025-03-07', town: TOWN2 })
    const latest = hazard({ deadline: '2025-03-06T18:00:00+08:00' })
    await postOk(app, { events: [later, late, latest] })
    await tickAt('2025-03-10T00:00:00+08:00')
    expect((await overdue(app)).list.map((o) => o.hazardId)).toEqual([
      late.hazardId,
      latest.hazardId,
      later.hazardId,
    ])
    const byTown = (await snapshot(app)).byTown
    expect(byTown[0]).toMatchObject({ overdue: 2, open: 2 })
    await app.close()
  })
})

describe('leaving and re-entering overdue', () => {
  test('rectifying keeps it overdue; awaiting acceptance and closed take it out; a failed acceptance brings it back', async () => {
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00')
    const h = hazard({ deadline: '2025-03-05' })
    await postOk(app, h)
    await tickAt('2025-03-06T08:00:00+08:00')
    expect((await overdue(app)).count).toBe(1)

    await postOk(app, status(h.hazardId, 'rectifying'))
    let o = await overdue(app)
    expect(o.count).toBe(1)
    expect(o.list[0].status).toBe('rectifying')

    await postOk(app, status(h.hazardId, 'awaiting_acceptance'))
    expect(await overdue(app)).toEqual({ count: 0, major: 0, list: [] })
    // The deadline does not run while it awaits acceptance: later ticks leave it alone.
    expect(await tickAt('2025-03-07T08:00:00+08:00')).toBe(0)
    expect((await overdue(app)).count).toBe(0)

    // 验收不通过: back to rectifying, deadline long passed → overdue again at the tick.
    await postOk(app, status(h.hazardId, 'rectifying'))
    expect(await tickAt('2025-03-07T08:00:01+08:00')).toBe(1)
    o = await overdue(app)
    expect(o.count).toBe(1)
    expect(o.list[0].status).toBe('rectifying')

    await postOk(app, { events: [status(h.hazardId, 'awaiting_acceptance'), status(h.hazardId, 'closed')] })
    expect(await overdue(app)).toEqual({ count: 0, major: 0, list: [] })
    expect(await tickAt('2025-04-01T00:00:00+08:00')).toBe(0)
    expect((await snapshot(app)).kpis).toMatchObject({
      hazardsOpen: 0,
      hazardsOverdue: 0,
      hazardsClosedYtd: 1,
    })
    await app.close()
  })

  test('closed on the spot while overdue leaves overdue', async () => {
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00')
    const h = hazard({ deadline: '2025-03-02' })
    await postOk(app, h)
    await tickAt('2025-03-03T09:00:00+08:00')
    await postOk(app, status(h.hazardId, 'closed'))
    expect(await overdue(app)).toEqual({ count: 0, major: 0, list: [] })
    await app.close()
  })

  test('a failed acceptance before the deadline does not make it overdue early', async () => {
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00')
    const h = hazard({ deadline: '2025-03-20' })
    await postOk(app, {
      events: [h, status(h.hazardId, 'rectifying'), status(h.hazardId, 'awaiting_acceptance')],
    })
    await postOk(app, status(h.hazardId, 'rectifying'))
    expect(await tickAt('2025-03-10T09:00:00+08:00')).toBe(0)
    expect((await overdue(app)).count).toBe(0)
    expect(await tickAt('2025-03-21T00:00:01+08:00')).toBe(1)
    await app.close()
  })
})

test('two nodes ticking at once move each hazard once', async () => {
  const space = freshSpace()
  const a = await appAt('2025-03-01T09:00:00+08:00', space)
  const b = await appAt('2025-03-01T09:00:00+08:00', space)
  const hazards = Array.from({ length: 5 }, () => hazard({ deadline: '2025-03-02' }))
  await postOk(a.app, { events: hazards })

  const at = '2025-03-04T09:00:00+08:00'
  const moved = await Promise.all([a.tickAt(at), b.tickAt(at), a.tickAt(at), b.tickAt(at)])
  expect(moved.reduce((x, y) => x + y, 0)).toBe(5)
  for (const node of [a.app, b.app]) expect((await overdue(node)).count).toBe(5)

  const ticks = (await logPage(a.app)).entries.filter((e) => e.event.type === 'overdue.tick')
  expect(ticks.flatMap((e) => e.event.hazardIds as string[]).sort()).toEqual(
    hazards.map((h) => h.hazardId).sort(),
  )
  await Promise.all([a.app.close(), b.app.close()])
})

describe('due soon (临期)', () => {
  test('a hazard counts as due soon from dueSoonDays before its deadline until it is overdue', async () => {
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00')
    // Deadline 2025-03-10: late after 03-10 ends, so due soon from 03-08 00:00 (3 days before).
    const h = hazard({ grade: 'major', deadline: '2025-03-10' })
    const far = hazard({ deadline: '2025-04-30', town: TOWN2 })
    await postOk(app, { events: [h, far] })
    expect(await tickAt('2025-03-07T23:59:59.999+08:00')).toBe(0)
    expect(await dueSoon(app)).toBe(0)
    expect(await listed(app, h.hazardId)).toEqual({ overdue: false, dueSoon: false })

    expect(await tickAt('2025-03-08T00:00:00+08:00')).toBe(1)
    expect(await dueSoon(app)).toBe(1)
    expect(await listed(app, h.hazardId)).toEqual({ overdue: false, dueSoon: true })
    expect(await listed(app, far.hazardId)).toEqual({ overdue: false, dueSoon: false })
    // Counted once, whatever the ticks in between.
    expect(await tickAt('2025-03-09T12:00:00+08:00')).toBe(0)
    expect(await dueSoon(app)).toBe(1)

    expect(await tickAt('2025-03-11T00:00:00.001+08:00')).toBe(1)
    expect(await dueSoon(app)).toBe(0)
    expect(await overdue(app)).toMatchObject({ count: 1, major: 1 })
    expect(await listed(app, h.hazardId)).toEqual({ overdue: true, dueSoon: false })
    await app.close()
  })

  test('awaiting acceptance and closed leave due soon; a failed acceptance comes back at the next tick', async () => {
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00')
    const h = hazard({ deadline: '2025-03-03' })
    const fixed = hazard({ deadline: '2025-03-02' })
    await postOk(app, { events: [h, fixed] })
    expect(await tickAt('2025-03-01T09:00:01+08:00')).toBe(2)
    expect(await dueSoon(app)).toBe(2)

    // Rectifying keeps the deadline running; closed on the spot stops it.
    await postOk(app, { events: [status(h.hazardId, 'rectifying'), status(fixed.hazardId, 'closed')] })
    expect(await dueSoon(app)).toBe(1)
    await postOk(app, status(h.hazardId, 'awaiting_acceptance'))
    expect(await dueSoon(app)).toBe(0)
    expect(await tickAt('2025-03-02T09:00:00+08:00')).toBe(0)

    await postOk(app, status(h.hazardId, 'rectifying'))
    expect(await dueSoon(app)).toBe(0)
    expect(await tickAt('2025-03-02T09:00:01+08:00')).toBe(1)
    expect(await dueSoon(app)).toBe(1)
    expect((await snapshot(app)).kpis).toMatchObject({ hazardsOpen: 1, hazardsOverdue: 0, hazardsDueSoon: 1 })
    await app.close()
  })

  test('two nodes ticking at once make each hazard due soon once', async () => {
    const space = freshSpace()
    const a = await appAt('2025-03-01T09:00:00+08:00', space)
    const b = await appAt('2025-03-01T09:00:00+08:00', space)
    await postOk(a.app, { events: Array.from({ length: 5 }, () => hazard({ deadline: '2025-03-03' })) })
    const at = '2025-03-01T10:00:00+08:00'
    const moved = await Promise.all([a.tickAt(at), b.tickAt(at), a.tickAt(at), b.tickAt(at)])
    expect(moved.reduce((x, y) => x + y, 0)).toBe(5)
    for (const node of [a.app, b.app]) expect(await dueSoon(node)).toBe(5)
    await Promise.all([a.app.close(), b.app.close()])
  })

  test("the region's dueSoonDays sets how early a hazard counts as due soon", async () => {
    const week = { ...region, thresholds: { dueSoonDays: 7 } }
    const { app, tickAt } = await appAt('2025-03-01T09:00:00+08:00', freshSpace(), week)
    await postOk(app, hazard({ deadline: '2025-03-10' }))
    expect(await tickAt('2025-03-03T23:59:59+08:00')).toBe(0)
    expect(await tickAt('2025-03-04T00:00:00+08:00')).toBe(1)
    expect(await dueSoon(app)).toBe(1)
    await app.close()
  })
})
