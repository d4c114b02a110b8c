import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildApp, type App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { eid, fakeClock, freshSpace, region, testConfig, TOWN, TOWN2 } from '../helpers/app.ts'
import { enterprise, hazard, inspection, status, work } from '../ingest/fixtures.ts'
import { authApp, tokensFixture } from './setup.ts'
import { prepareEvent } from '../../server/ingest/prepare.ts'
import { logOptions } from '../../server/log.ts'

// Each role's allowed and refused actions over HTTP, with auth on and a real Redis.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let app: App
const clock = fakeClock('2026-05-06T09:00:00+08:00')
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  // No deadline tick during the tests: one moving an overdue hazard would add a seq between two reads.
  app = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, clock, config: { tickMs: 60_000 } })
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

type Who = keyof ReturnType<typeof tokensFixture>['tokens'] | 'nobody'
const as = (who: Who) => (who === 'nobody' ? {} : fixture.tokens[who].header)
const get = (url: string, who: Who) => app.inject({ method: 'GET', url, headers: as(who) })
const post = (payload: object, who: Who) =>
  app.inject({ method: 'POST', url: '/api/events', payload, headers: as(who) })
const seq = async () => (await get('/api/snapshot', 'admin')).json().seq as number

const READS = ['/api/snapshot', '/api/regions', '/api/events', '/api/hazards', '/api/enterprises', '/metrics']

describe('reads', () => {
  test('health checks are public; every read needs a token, and any role may read', async () => {
    for (const url of ['/healthz', '/readyz']) expect((await get(url, 'nobody')).statusCode, url).toBe(200)
    for (const url of READS) {
      const refused = await get(url, 'nobody')
      expect(refused.statusCode, url).toBe(401)
      expect(refused.json().error, url).toMatch(/token is required.*Authorization: Bearer/)
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer/)
      expect((await app.inject({ method: 'HEAD', url })).statusCode, `HEAD ${url}`).toBe(401)
      for (const who of ['viewer', 'reporter', 'townReporter', 'admin'] as const) {
        expect((await get(url, who)).statusCode, `${who} ${url}`).toBe(200)
      }
    }
  })

  test('a wrong token, or a header that is not Bearer, is refused with 401 saying so', async () => {
    const wrong = await app.inject({
      url: '/api/snapshot',
      headers: { authorization: `Bearer lk_${'x'.repeat(43)}` },
    })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error).toMatch(/not recognised/)
    const basic = await app.inject({
      url: '/api/snapshot',
      headers: { authorization: `Basic ${fixture.tokens.admin.token}` },
    })
    expect(basic.statusCode).toBe(401)
    expect(basic.json().error).toMatch(/must be "Bearer <token>"/)
  })
})

describe('writes', () => {
  test('a viewer may not push events (403 naming the role needed); reporters and admins may', async () => {
    const before = await seq()
    const refused = await post(inspection(), 'viewer')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error).toMatch(/is a viewer: POST \/api\/events needs reporter/)
    expect(refused.json().reason).toBe('role') // the entry page keeps the report for a reporter's token
    expect((await post(inspection(), 'nobody')).statusCode).toBe(401)
    expect(await seq()).toBe(before)
    expect((await post(inspection({ town: TOWN2 }), 'reporter')).statusCode).toBe(200)
    expect((await post(inspection({ town: TOWN2 }), 'admin')).statusCode).toBe(200)
    expect(await seq()).toBe(before + 2)
  })

  test('the log records which token pushed each event, and a client cannot claim one', async () => {
    const ev = inspection()
    expect((await post(ev, 'townReporter')).statusCode).toBe(200)
    const log = (await get('/api/events?limit=1000', 'viewer')).json().entries as {
      event: { id: string; by?: string }
    }[]
    expect(log.find((e) => e.event.id === ev.id)?.event.by).toBe('济川街道安监办')

    const forged = await post({ ...inspection(), by: '市长' }, 'admin')
    expect(forged.statusCode).toBe(400)
    expect(forged.json().details).toContainEqual({
      path: '/by',
      message: 'is not a known field',
      code: 'not_known_field',
      params: {},
    })
  })
})

describe('the server log', () => {
  test('says who pushed which events, and who was refused and why', async () => {
    const lines: string[] = []
    const logged = await authApp({
      redisUrl: redis.url,
      tokensFile: fixture.path,
      clock,
      logger: logOptions('info', { write: (line: string) => void lines.push(line) }),
    })
    const send = (payload: object, who: Who) =>
      logged.inject({ method: 'POST', url: '/api/events', payload, headers: as(who) })
    const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    try {
      const ev = inspection()
      expect((await send(ev, 'townReporter')).statusCode).toBe(200)
      expect((await send(ev, 'townReporter')).statusCode).toBe(200)
      expect((await send({ ...inspection(), hazardsFound: -1 }, 'townReporter')).statusCode).toBe(400)
      expect((await send(inspection({ town: TOWN2 }), 'townReporter')).statusCode).toBe(403)
      const batch = Array.from({ length: 12 }, () => inspection())
      expect((await send({ events: batch }, 'admin')).statusCode).toBe(200)

      const said = entries().filter((e) => typeof e.msg === 'string' && e.msg.startsWith('events '))
      expect(said).toMatchObject([
        { msg: 'events applied', by: '济川街道安监办', applied: 1, duplicates: 0, ids: [ev.id] },
        { msg: 'events applied', by: '济川街道安监办', applied: 0, duplicates: 1, ids: [] },
        { msg: 'events refused: invalid', by: '济川街道安监办', details: [{ path: '/hazardsFound' }] },
        { msg: 'events refused: not their town', by: '济川街道安监办', details: [{ path: '/town' }] },
        // A batch: how many, and the first ids, not all of them.
        { msg: 'events applied', by: '系统管理员', applied: 12, ids: batch.slice(0, 10).map((e) => e.id) },
      ])
      expect(lines.join('')).not.toContain(fixture.tokens.townReporter.token)
    } finally {
      await logged.close()
    }
  })
})

describe('a reporter limited to its towns', () => {
  test('an event for another town, even a status change of its hazard inside a good batch, refuses the whole batch', async () => {
    const mine = hazard({ town: TOWN })
    const theirs = hazard({ town: TOWN2 })
    expect((await post({ events: [mine, theirs] }, 'admin')).statusCode).toBe(200)
    const before = (await get('/api/snapshot', 'admin')).json()

    const batch = [
      inspection({ town: TOWN }),
      status(mine.hazardId, 'rectifying'),
      status(theirs.hazardId, 'rectifying'),
      hazard({ town: TOWN }),
    ]
    const refused = await post({ events: batch }, 'townReporter')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().details).toEqual([
      {
        path: '/events/2/hazardId',
        message: `event ${batch[2].id} changes hazard ${theirs.hazardId} of town ${TOWN2} (黄桥镇): this token may only write for ${TOWN}`,
        code: 'foreign_town',
        params: {
          eventId: batch[2].id,
          action: 'changes_hazard',
          entityId: theirs.hazardId,
          town: TOWN2,
          townName: '黄桥镇',
          allowed: [TOWN],
        },
      },
    ])
    // Nothing applied: the same seq, the same numbers, the hazard still where it was.
    expect((await get('/api/snapshot', 'admin')).json()).toEqual(before)
    const open = (await get('/api/hazards', 'admin')).json().hazards as { hazardId: string; status: string }[]
    expect(open.find((h) => h.hazardId === mine.hazardId)?.status).toBe('reported')

    // Without the foreign event the same batch goes through.
    expect((await post({ events: [batch[0], batch[1], batch[3]] }, 'townReporter')).statusCode).toBe(200)
    expect((await get('/api/snapshot', 'admin')).json().seq).toBe(before.seq + 3)
  })

  test('an event of another town applied before a rule refused it, resent, is still refused as not its town', async () => {
    // (Applied straight to the store, as an earlier build with looser rules did.)
    const old = { ...hazard({ town: TOWN2, deadline: '2026-05-01' }), at: '2026-05-05T09:00:00+08:00' }
    expect(await app.store.ingest([prepareEvent(old, 'Asia/Shanghai')], clock())).toMatchObject({ ok: true })
    expect((await post(old, 'admin')).json()).toMatchObject({ applied: [], duplicates: [old.id] })
    const refused = await post(old, 'townReporter')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error).toBe('not your town')
  })

  test('an event naming another town is refused with its path and town', async () => {
    const ev = inspection({ town: TOWN2 })
    const refused = await post(ev, 'townReporter')
    expect(refused.statusCode).toBe(403)
    expect(refused.json().details).toEqual([
      {
        path: '/town',
        message: `event ${ev.id} is for town ${TOWN2} (黄桥镇): this token may only write for ${TOWN}`,
        code: 'foreign_town',
        params: { eventId: ev.id, action: 'is_for', town: TOWN2, townName: '黄桥镇', allowed: [TOWN] },
      },
    ])
  })

  test("another town's enterprise may be neither updated nor moved", async () => {
    const theirs = enterprise({ town: TOWN2 })
    expect((await post(theirs, 'admin')).statusCode).toBe(200)
    const before = await seq()
    const resume = await post(work(theirs.enterpriseId, 'resumed'), 'townReporter')
    expect(resume.statusCode).toBe(403)
    expect(resume.json().details[0]).toMatchObject({
      path: '/enterpriseId',
      message: expect.stringMatching(`changes enterprise ${theirs.enterpriseId} of town ${TOWN2}`),
    })
    const move = await post(enterprise({ enterpriseId: theirs.enterpriseId, town: TOWN }), 'townReporter')
    expect(move.statusCode).toBe(403)
    expect(move.json().details[0].message).toMatch(`moves enterprise ${theirs.enterpriseId} of town ${TOWN2}`)
    expect(await seq()).toBe(before)
  })

  test('a hazard or enterprise reported earlier in the same batch is judged by the town it was reported for', async () => {
    const h = hazard({ town: TOWN })
    const e = enterprise({ town: TOWN })
    const ok = await post(
      { events: [h, status(h.hazardId, 'rectifying'), e, work(e.enterpriseId, 'stopped')] },
      'townReporter',
    )
    expect(ok.statusCode).toBe(200)
    expect(ok.json().applied).toHaveLength(4)
  })

  test('GET /api/regions says who asked, so pages offer only what the token may do', async () => {
    expect((await get('/api/regions', 'townReporter')).json().caller).toEqual({
      name: '济川街道安监办',
      role: 'reporter',
      towns: [TOWN],
    })
    expect((await get('/api/regions', 'admin')).json().caller).toEqual({
      name: '系统管理员',
      role: 'admin',
      towns: null,
    })
    expect((await get('/api/regions', 'viewer')).json().caller).toMatchObject({ role: 'viewer', towns: null })
  })

  test('its hazard list holds only its towns', async () => {
    await post({ events: [hazard({ town: TOWN }), hazard({ town: TOWN2 })] }, 'admin')
    const towns = async (query: string, who: Who) =>
      new Set(
        ((await get(`/api/hazards${query}`, who)).json().hazards as { town: string }[]).map((h) => h.town),
      )
    expect(await towns('', 'admin')).toEqual(new Set([TOWN, TOWN2]))
    expect(await towns('', 'townReporter')).toEqual(new Set([TOWN]))
    expect(await towns(`?towns=${TOWN2}`, 'townReporter')).toEqual(new Set())
    expect(await towns(`?towns=${TOWN},${TOWN2}`, 'townReporter')).toEqual(new Set([TOWN]))
  })
})

describe('tokens change without a restart', () => {
  test('a revoked token stops working at its next request', async () => {
    const t = fixture.add({ name: '临时大屏', role: 'viewer' })
    expect((await app.inject({ url: '/api/snapshot', headers: t.header })).statusCode).toBe(200)
    fixture.revoke(t.record.id)
    const refused = await app.inject({ url: '/api/snapshot', headers: t.header })
    expect(refused.statusCode).toBe(401)
    expect(refused.json().error).toMatch(/not recognised \(unknown or revoked\)/)
  })

  test('an expired token is refused, saying when it expired', async () => {
    const t = fixture.add({ name: '过期的令牌', role: 'admin', expiresAt: '2020-01-01T00:00:00.000Z' })
    const refused = await app.inject({ url: '/api/snapshot', headers: t.header })
    expect(refused.statusCode).toBe(401)
    expect(refused.json().error).toBe(`token ${t.record.id} expired at 2020-01-01T00:00:00.000Z`)
  })
})

describe('admin-only routes', () => {
  let custom: App
  afterAll(async () => {
    await custom?.close()
  })

  test("requireRole('admin') guards a route (as POST /api/import uses it), and a data route the policy does not name is for admins only", async () => {
    custom = await buildApp({
      config: testConfig({ auth: 'tokens', tokensFile: fixture.path }),
      region,
      redis: { kind: 'single', url: redis.url },
      keyVariant: freshSpace(),
    })
    custom.post('/api/import-like', { onRequest: custom.requireRole('admin') }, async (req) => ({
      by: req.caller?.name,
    }))
    custom.get('/api/unlisted', async () => ({ ok: true }))
    await custom.ready()
    for (const url of ['/api/import-like', '/api/unlisted']) {
      const method = url === '/api/import-like' ? 'POST' : 'GET'
      for (const who of ['viewer', 'reporter'] as const) {
        const res = await custom.inject({ method, url, headers: fixture.tokens[who].header })
        expect(res.statusCode, `${who} ${url}`).toBe(403)
        expect(res.json().error).toMatch(`needs admin`)
      }
      expect((await custom.inject({ method, url })).statusCode).toBe(401)
      expect((await custom.inject({ method, url, headers: fixture.tokens.admin.header })).statusCode).toBe(
        200,
      )
    }
    expect(
      (
        await custom.inject({ method: 'POST', url: '/api/import-like', headers: fixture.tokens.admin.header })
      ).json(),
    ).toEqual({ by: '系统管理员' })
  })
})

test('with auth off, nothing asks for a token (the demo)', async () => {
  const open = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, config: { auth: 'off' } })
  try {
    expect((await open.inject('/api/snapshot')).statusCode).toBe(200)
    const ev = { ...inspection(), id: eid() }
    expect((await open.inject({ method: 'POST', url: '/api/events', payload: ev })).statusCode).toBe(200)
    const log = (await open.inject('/api/events')).json().entries as { event: { by?: string } }[]
    expect(log[0].event.by).toBeUndefined()
  } finally {
    await open.close()
  }
})
