import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import type { ErrorDetail } from '../../shared/api/errors.ts'
import { EVENT_TYPES } from '../../shared/events.ts'
import {
  accident,
  enterprise,
  hazard,
  inspection,
  logPage,
  post,
  postOk,
  snapshot,
  status,
  work,
} from './fixtures.ts'

// A request that fails validation changes nothing and gets a 4xx naming the field and the reason
// (DESIGN.md guarantee 2). The whole batch is checked before any of it is applied.

let redis: Awaited<ReturnType<typeof privateRedis>>
const clock = fakeClock('2025-06-10T10:00:00+08:00')
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

async function appWith(config = {}): Promise<App> {
  return testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock, config })
}

/** Expects `body` refused with `code` and nothing applied (seq 0, empty log, no numbers). */
async function refused(app: App, body: unknown, code = 400) {
  const res = await post(app, body)
  expect(res.statusCode, res.body).toBe(code)
  const s = await snapshot(app)
  expect(s.seq).toBe(0)
  expect(s.now).toEqual({})
  expect(s.today).toEqual({})
  expect((await logPage(app)).entries).toEqual([])
  return res.json() as { error: string; details?: ErrorDetail[] }
}

// Each row: what is wrong, the event, the field named, the message, and the stable code.
const badEvents: [string, () => object, string, RegExp, string][] = [
  [
    'missing required field',
    () => ({ ...hazard(), title: undefined }),
    'title',
    /required|string/,
    'required',
  ],
  ['empty title', () => hazard({ title: '' }), 'title', /fewer than 1/, 'too_short'],
  [
    'unknown grade (regression: enum errors said "must be equal to constant" once per allowed value)',
    () => hazard({ grade: 'huge' as 'major' }),
    'grade',
    /^must be one of major, general$/,
    'one_of',
  ],
  [
    'unknown status (same enum regression)',
    () => status('HZ-1', 'done' as 'closed'),
    'status',
    /^must be one of rectifying, awaiting_acceptance, closed$/,
    'one_of',
  ],
  ['unknown town', () => hazard({ town: '321283999' }), 'town', /unknown town "321283999"/, 'unknown_town'],
  ['unknown domain', () => inspection({ domain: 'sea' }), 'domain', /unknown domain "sea"/, 'unknown_domain'],
  [
    'industry of another domain',
    () => hazard({ domain: 'fire', industry: 'construction' }),
    'industry',
    /not an industry of domain fire/,
    'industry_not_of_domain',
  ],
  [
    'unknown field',
    () => ({ ...enterprise(), colour: 'red' }),
    'colour',
    /is not a known field/,
    'not_known_field',
  ],
  ['id too short', () => inspection({ id: 'ev-1' }), 'id', /fewer than 8/, 'too_short'],
  ['id with a space', () => inspection({ id: 'ev with space' }), 'id', /A-Z a-z 0-9 _ - : \./, 'id_chars'],
  [
    'entity id with a slash (regression: the message claimed 8–64 characters for a 1–64 id)',
    () => hazard({ hazardId: 'HZ/1' }),
    'hazardId',
    /^must be 1–64 characters of A-Z a-z 0-9 _ - : \.$/,
    'id_chars',
  ],
  ['negative count', () => inspection({ hazardsFound: -1 }), 'hazardsFound', />= 0/, 'too_small'],
  ['fractional count', () => accident({ deaths: 1.5 }), 'deaths', /integer/, 'wrong_type'],
  [
    'accident grade disagreeing',
    () => accident({ deaths: 3, grade: 'general' }),
    'grade',
    /Decree 493 grades them "significant"/,
    'grade_disagrees',
  ],
  ['deadline not a date', () => hazard({ deadline: 'next week' }), 'deadline', /ISO date/, 'date'],
  [
    'deadline not a real day (regression: 2025-02-30 was accepted and read as 2 March)',
    () => hazard({ deadline: '2025-02-30' }),
    'deadline',
    /not a real date/,
    'not_real_date',
  ],
  [
    'deadline before the hazard was found (a wrong year would top the overdue list)',
    () => hazard({ at: '2025-06-10T09:00:00+08:00', deadline: '2020-06-10' }),
    'deadline',
    /^is before the hazard was reported \(2025-06-10\)$/,
    'deadline_before_found',
  ],
  [
    'deadline before the stated found time',
    () => hazard({ at: '2025-06-09T10:00:00+08:00', deadline: '2025-06-08' }),
    'deadline',
    /^is before the hazard was reported \(2025-06-09\)$/,
    'deadline_before_found',
  ],
  ['at without offset', () => inspection({ at: '2025-06-10T09:00:00' }), 'at', /with offset/, 'date_time'],
  [
    'at in the future',
    () => inspection({ at: '2025-06-11T10:00:00+08:00' }),
    'at',
    /in the future/,
    'future',
  ],
  [
    'preCheckDone not boolean',
    () => ({ ...work('EN-1', 'resumed'), preCheckDone: 'yes' }),
    'preCheckDone',
    /boolean/,
    'wrong_type',
  ],
]

describe('a batch with one bad event is refused whole (400)', () => {
  test.each(badEvents)('%s', async (_name, bad, field, message, code) => {
    const app = await appWith()
    const body = await refused(app, { events: [hazard(), inspection(), bad()] })
    expect(body.error).toBe('invalid event')
    expect(body.details).toContainEqual({
      path: `/events/2/${field}`,
      message: expect.stringMatching(message),
      code,
      params: expect.any(Object),
    })
    expect(body.details!.every((d) => d.path.startsWith(`/events/2/`))).toBe(true)
    await app.close()
  })

  test('a single bad event (no batch) names the field at the top level', async () => {
    const app = await appWith()
    const body = await refused(app, hazard({ town: 'nowhere' }))
    expect(body.details).toEqual([
      { path: '/town', message: 'unknown town "nowhere"', code: 'unknown_town', params: { town: 'nowhere' } },
    ])
    await app.close()
  })

  test('every bad event of a batch is listed', async () => {
    const app = await appWith()
    const body = await refused(app, {
      events: [hazard({ town: 'x1' }), inspection(), accident({ domain: 'y2' })],
    })
    expect(body.details).toEqual([
      { path: '/events/0/town', message: 'unknown town "x1"', code: 'unknown_town', params: { town: 'x1' } },
      {
        path: '/events/2/domain',
        message: 'unknown domain "y2"',
        code: 'unknown_domain',
        params: { domain: 'y2' },
      },
    ])
    await app.close()
  })

  test('an unknown event type', async () => {
    const app = await appWith()
    const body = await refused(app, { events: [{ id: 'ev-unknown-type', type: 'hazard.deleted' }] })
    expect(body.details![0].path).toBe('/events/0/type')
    expect(body.details![0].message).toMatch(/must be one of hazard.reported/)
    expect(body.details![0]).toMatchObject({ code: 'one_of', params: { allowed: EVENT_TYPES } })
    await app.close()
  })
})

describe('request shape', () => {
  test('more than the batch limit is refused (400); the limit itself is accepted', async () => {
    const app = await appWith({ batchLimit: 5 })
    const body = await refused(app, { events: Array.from({ length: 6 }, () => inspection()) })
    expect(body.details).toEqual([
      { path: '/events', message: 'must hold at most 5 events', code: 'batch_too_large', params: { max: 5 } },
    ])
    expect(
      (await postOk(app, { events: Array.from({ length: 5 }, () => inspection()) })).applied,
    ).toHaveLength(5)
    await app.close()
  })

  test('the default batch limit is 500', async () => {
    const app = await appWith({ bodyLimit: 4 * 1024 * 1024 })
    const body = await refused(app, { events: Array.from({ length: 501 }, () => inspection()) })
    expect(body.details).toEqual([
      {
        path: '/events',
        message: 'must hold at most 500 events',
        code: 'batch_too_large',
        params: { max: 500 },
      },
    ])
    await app.close()
  })

  test('a body over the body limit is refused with 413', async () => {
    const app = await appWith({ bodyLimit: 2048 })
    const events = Array.from({ length: 20 }, () => hazard())
    expect(JSON.stringify({ events }).length).toBeGreaterThan(2048)
    const body = await refused(app, { events }, 413)
    expect(body.error).toMatch(/too large/)
    await app.close()
  })

  test('malformed JSON is refused with 400', async () => {
    const app = await appWith()
    const res = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: { 'content-type': 'application/json' },
      payload: '{"events": [{"id": "ev-12345678",',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatch(/JSON/i)
    expect((await snapshot(app)).seq).toBe(0)
    await app.close()
  })

  test.each([
    ['an empty batch', { events: [] }, '/events', 'must not be empty', 'empty'],
    ['events not an array', { events: {} }, '/events', 'must be an array', 'not_array'],
    [
      'an unknown top-level field',
      { events: [inspection()], token: 'x' },
      '/token',
      'is not a known field',
      'not_known_field',
    ],
    ['an array body', [inspection()], '/', 'must be an object', 'not_object'],
  ])('%s is refused with 400', async (_name, payload, path, message, code) => {
    const app = await appWith()
    const body = await refused(app, payload)
    expect(body.details).toEqual([{ path, message, code, params: {} }])
    await app.close()
  })
})

test('the largest batch BATCH_LIMIT allows (3,000) is applied whole and logged event by event', async () => {
  const app = await appWith({ batchLimit: 3000, bodyLimit: 8 * 1024 * 1024 })
  const h = hazard()
  const events = [h, status(h.hazardId, 'rectifying'), ...Array.from({ length: 2998 }, () => inspection())]
  const body = await postOk(app, { events })
  expect(body.applied).toHaveLength(3000)
  const log = await logPage(app, body.seq - 3000, 1000)
  expect(log.entries.map((e) => e.event.id)).toEqual(events.slice(0, 1000).map((e) => e.id))
  expect((await snapshot(app)).kpis.inspectionsToday).toBe(2998)
  await app.close()
})
