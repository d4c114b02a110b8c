import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { HAZARD_TRANSITIONS } from '../../shared/hazard.ts'
import { HazardStatus } from '../../shared/enums.ts'
import { hazard, inspection, kpis, logPage, post, postOk, snapshot, status } from './fixtures.ts'

// The hazard lifecycle (DOMAIN.md): legal moves apply, every other move is refused with 409 and a reason
// and changes nothing, also between events of one batch.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
const clock = fakeClock('2025-06-10T10:00:00+08:00')

beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})
beforeEach(async () => {
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
})
afterEach(async () => {
  await app.close()
})

type Target = (typeof HazardStatus.values)[number]
/** The legal path from `reported` to each status. */
const PATH_TO: Record<Target, Exclude<Target, 'reported'>[]> = {
  reported: [],
  rectifying: ['rectifying'],
  awaiting_acceptance: ['rectifying', 'awaiting_acceptance'],
  closed: ['closed'],
}

async function hazardIn(state: Target): Promise<string> {
  const h = hazard()
  await postOk(app, { events: [h, ...PATH_TO[state].map((s) => status(h.hazardId, s))] })
  return h.hazardId
}

const moves = HazardStatus.values.filter((s) => s !== 'reported')
const illegal = HazardStatus.values.flatMap((from) =>
  moves.filter((to) => !HAZARD_TRANSITIONS[from].includes(to)).map((to) => ({ from, to })),
)

describe('illegal moves are refused with 409 and change nothing', () => {
  test('the illegal list is what DOMAIN.md forbids', () => {
    expect(illegal.map(({ from, to }) => `${from}>${to}`).sort()).toEqual(
      [
        'reported>awaiting_acceptance',
        'rectifying>rectifying',
        'rectifying>closed',
        'awaiting_acceptance>awaiting_acceptance',
        'closed>rectifying',
        'closed>awaiting_acceptance',
        'closed>closed',
      ].sort(),
    )
  })

  test.each(illegal)('$from → $to', async ({ from, to }) => {
    const id = await hazardIn(from)
    const before = await snapshot(app)

    const single = await post(app, status(id, to))
    expect(single.statusCode).toBe(409)
    expect(single.json().details).toEqual([
      {
        path: '/status',
        message: `hazard ${id} cannot move from ${from} to ${to}`,
        code: 'illegal_move',
        params: { hazardId: id, from, to },
      },
    ])
    const inBatch = await post(app, { events: [inspection(), status(id, to)] })
    expect(inBatch.statusCode).toBe(409)
    expect(inBatch.json().details[0].path).toBe('/events/1/status')

    expect(await snapshot(app)).toEqual(before)
  })

  test('moving back to "reported" is not a status a client may send (400)', async () => {
    const id = await hazardIn('rectifying')
    const before = await snapshot(app)
    const res = await post(app, {
      id: 'ev-back-to-reported',
      type: 'hazard.status',
      hazardId: id,
      status: 'reported',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().details[0].path).toBe('/status')
    expect(await snapshot(app)).toEqual(before)
  })

  test('a status for an unknown hazard is refused (409, hazardId)', async () => {
    const res = await post(app, status('HZ-never-reported', 'rectifying'))
    expect(res.statusCode).toBe(409)
    expect(res.json().details).toEqual([
      {
        path: '/hazardId',
        message: 'unknown hazard HZ-never-reported',
        code: 'unknown_hazard',
        params: { hazardId: 'HZ-never-reported' },
      },
    ])
    expect((await snapshot(app)).seq).toBe(0)
  })

  test('reporting an existing hazard id again is refused (409) and does not reset it', async () => {
    const h = hazard({ grade: 'major' })
    await postOk(app, { events: [h, status(h.hazardId, 'rectifying')] })
    const before = await snapshot(app)
    const again = hazard({ hazardId: h.hazardId, grade: 'general' })
    const res = await post(app, again)
    expect(res.statusCode).toBe(409)
    expect(res.json().details).toEqual([
      {
        path: '/hazardId',
        message: `hazard ${h.hazardId} was already reported`,
        code: 'already_reported',
        params: { field: 'hazardId', id: h.hazardId },
      },
    ])
    // Also when both reports come in one batch.
    const twice = hazard()
    const batch = await post(app, { events: [twice, { ...twice, id: `${twice.id}-b` }] })
    expect(batch.statusCode).toBe(409)
    expect(batch.json().details[0].path).toBe('/events/1/hazardId')
    expect(await snapshot(app)).toEqual(before)
  })
})

describe('legal moves', () => {
  const funnel = async () => Object.fromEntries((await snapshot(app)).funnel.map((f) => [f.status, f.count]))

  test('the full lifecycle, with a failed acceptance, moves the gauges and counts one closure', async () => {
    const h = hazard({ grade: 'major' })
    await postOk(app, h)
    expect(await funnel()).toEqual({ reported: 1, rectifying: 0, awaiting_acceptance: 0, closed: 0 })
    for (const [to, expected] of [
      ['rectifying', { reported: 0, rectifying: 1, awaiting_acceptance: 0, closed: 0 }],
      ['awaiting_acceptance', { reported: 0, rectifying: 0, awaiting_acceptance: 1, closed: 0 }],
      // 验收不通过: back to rectifying
      ['rectifying', { reported: 0, rectifying: 1, awaiting_acceptance: 0, closed: 0 }],
      ['awaiting_acceptance', { reported: 0, rectifying: 0, awaiting_acceptance: 1, closed: 0 }],
      ['closed', { reported: 0, rectifying: 0, awaiting_acceptance: 0, closed: 1 }],
    ] as const) {
      await postOk(app, status(h.hazardId, to))
      expect(await funnel(), to).toEqual(expected)
    }
    const k = await kpis(app)
    expect(k).toMatchObject({
      hazardsFoundToday: 1,
      hazardsClosedToday: 1,
      hazardsOpen: 0,
      majorHazardsOpen: 0,
      rectificationRateYtd: 1,
      majorRectificationRateYtd: 1,
    })
    // A gauge that went back to 0 is gone, not kept as a 0 cell.
    expect(Object.values((await snapshot(app)).now)).not.toContain(0)
  })

  test('fixed on the spot: reported → closed', async () => {
    const h = hazard()
    await postOk(app, h)
    await postOk(app, status(h.hazardId, 'closed'))
    expect(await kpis(app)).toMatchObject({ hazardsOpen: 0, hazardsClosedToday: 1, rectificationRateYtd: 1 })
  })

  test('a new hazard can go reported → rectifying → awaiting → closed within one batch', async () => {
    const h = hazard()
    const batch = [
      h,
      status(h.hazardId, 'rectifying'),
      status(h.hazardId, 'awaiting_acceptance'),
      status(h.hazardId, 'closed'),
    ]
    const reply = await postOk(app, { events: batch })
    expect(reply.applied).toEqual(batch.map((e) => e.id))
    expect(await kpis(app)).toMatchObject({ hazardsFoundToday: 1, hazardsClosedToday: 1, hazardsOpen: 0 })
  })

  test('a batch with one illegal step applies nothing, not even its legal events', async () => {
    const h = hazard()
    const batch = [inspection(), h, status(h.hazardId, 'rectifying'), status(h.hazardId, 'closed')]
    const res = await post(app, { events: batch })
    expect(res.statusCode).toBe(409)
    expect(res.json().details).toEqual([
      {
        path: '/events/3/status',
        message: `hazard ${h.hazardId} cannot move from rectifying to closed`,
        code: 'illegal_move',
        params: { hazardId: h.hazardId, from: 'rectifying', to: 'closed' },
      },
    ])
    const s = await snapshot(app)
    expect(s.seq).toBe(0)
    expect(s.kpis).toMatchObject({ hazardsFoundToday: 0, inspectionsToday: 0 })
    expect((await logPage(app)).entries).toEqual([])
    // The hazard was not created: the refused batch left no trace, so its ids are still free.
    expect((await postOk(app, { events: batch.slice(0, 3) })).applied).toHaveLength(3)
  })
})
