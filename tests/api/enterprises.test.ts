import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN, TOWN2, eid, fakeClock } from '../helpers/app.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import type { App } from '../../server/app.ts'
import type { Enterprise } from '../../shared/api/lists.ts'

// GET /api/enterprises: what the entry page's enterprise picker lists, from the index the ingest
// script keeps as enterprises register.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
const clock = fakeClock('2026-05-06T09:00:00+08:00')
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

const register = (enterpriseId: string, name: string, town: string, riskLevel = 'general') => ({
  id: eid(),
  type: 'enterprise.registered',
  enterpriseId,
  name,
  town,
  domain: 'production',
  industry: 'hazardous_chemicals',
  riskLevel,
})
const work = (enterpriseId: string, state: 'stopped' | 'resumed') => ({
  id: eid(),
  type: 'enterprise.work',
  enterpriseId,
  state,
  preCheckDone: true,
})
const post = async (payload: object, target = app) => {
  const res = await target.inject({ method: 'POST', url: '/api/events', payload })
  expect(res.statusCode, res.body).toBe(200)
}
const list = async (query = '', target = app) => {
  const res = await target.inject(`/api/enterprises${query}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json().enterprises as Enterprise[]
}
const ids = async (query = '') => (await list(query)).map((e) => e.enterpriseId)

describe('GET /api/enterprises', () => {
  test('lists registered enterprises by id with town, name, risk and work state; re-registering moves one without a duplicate', async () => {
    await post({
      events: [
        register('ENT-B', '泰兴华联化工有限公司', TOWN, 'major'),
        register('ENT-A', '泰兴永通船舶有限公司', TOWN2),
        register('ENT-C', 'Jiangsu Sunrise Pharma', TOWN),
        work('ENT-B', 'stopped'),
        work('ENT-C', 'stopped'),
        work('ENT-C', 'resumed'),
      ],
    })
    expect(await list()).toEqual([
      {
        enterpriseId: 'ENT-A',
        name: '泰兴永通船舶有限公司',
        town: TOWN2,
        domain: 'production',
        industry: 'hazardous_chemicals',
        riskLevel: 'general',
      },
      {
        enterpriseId: 'ENT-B',
        name: '泰兴华联化工有限公司',
        town: TOWN,
        domain: 'production',
        industry: 'hazardous_chemicals',
        riskLevel: 'major',
        work: 'stopped',
      },
      {
        enterpriseId: 'ENT-C',
        name: 'Jiangsu Sunrise Pharma',
        town: TOWN,
        domain: 'production',
        industry: 'hazardous_chemicals',
        riskLevel: 'general',
        work: 'resumed',
      },
    ])

    // Registered again in another town, under a new name: moved and renamed, listed once, still stopped.
    await post(register('ENT-B', '泰兴华联新材料有限公司', TOWN2, 'significant'))
    const after = await list()
    expect(after.map((e) => e.enterpriseId)).toEqual(['ENT-A', 'ENT-B', 'ENT-C'])
    expect(after[1]).toMatchObject({
      name: '泰兴华联新材料有限公司',
      town: TOWN2,
      riskLevel: 'significant',
      work: 'stopped',
    })
  })

  test('searches id and name (any case), filters by towns, and stops at limit', async () => {
    expect(await ids(`?q=${encodeURIComponent('华联')}`)).toEqual(['ENT-B'])
    expect(await ids(`?q=${encodeURIComponent('泰兴')}`)).toEqual(['ENT-A', 'ENT-B'])
    expect(await ids('?q=ent-c')).toEqual(['ENT-C'])
    expect(await ids('?q=SUNRISE')).toEqual(['ENT-C'])
    expect(await ids(`?q=${encodeURIComponent('不存在的企业')}`)).toEqual([])
    expect(await ids(`?towns=${TOWN}`)).toEqual(['ENT-C'])
    expect(await ids(`?towns=${TOWN2}`)).toEqual(['ENT-A', 'ENT-B'])
    expect(await ids(`?towns=${TOWN},${TOWN2}&q=ent`)).toEqual(['ENT-A', 'ENT-B', 'ENT-C'])
    expect(await ids(`?towns=${TOWN2}&q=${encodeURIComponent('永通')}`)).toEqual(['ENT-A'])
    expect(await ids('?limit=2')).toEqual(['ENT-A', 'ENT-B'])
  })

  test('filters by risk levels (a town page lists its major and significant ones); an unknown level is refused', async () => {
    expect(await ids('?risk=major')).toEqual([])
    expect(await ids('?risk=significant')).toEqual(['ENT-B'])
    expect(await ids(`?risk=major,significant,general&towns=${TOWN}`)).toEqual(['ENT-C'])
    expect(await ids('?risk=general,low')).toEqual(['ENT-A', 'ENT-C'])
    const bad = await app.inject('/api/enterprises?risk=red')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details.map((d: { path: string }) => d.path)).toEqual(['/querystring/risk'])
  })

  test('pages through an index larger than one read', async () => {
    const many = Array.from({ length: 1200 }, (_, i) =>
      register(`BULK-${String(i).padStart(4, '0')}`, `批量企业${i}`, i === 1150 ? TOWN2 : TOWN),
    )
    for (let i = 0; i < many.length; i += 400) await post({ events: many.slice(i, i + 400) })
    // Past the first page of 1,000 ids: the search and the town filter still find it.
    expect(await ids(`?q=${encodeURIComponent('批量企业1150')}`)).toEqual(['BULK-1150'])
    expect(await ids(`?towns=${TOWN2}&q=bulk`)).toEqual(['BULK-1150'])
    expect(await ids('?q=bulk&limit=500')).toHaveLength(500)
  })

  test('a bad query is refused with the field named', async () => {
    const res = await app.inject('/api/enterprises?towns=a;b&limit=0')
    expect(res.statusCode).toBe(400)
    expect(
      res
        .json()
        .details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['/querystring/limit', '/querystring/towns'])
    const long = await app.inject(`/api/enterprises?q=${'x'.repeat(101)}`)
    expect(long.statusCode).toBe(400)
    expect(long.json().details.map((d: { path: string }) => d.path)).toEqual(['/querystring/q'])
    const unknown = await app.inject('/api/enterprises?town=1')
    expect(unknown.statusCode).toBe(400)
  })
})

describe('with tokens', () => {
  let fixture: ReturnType<typeof tokensFixture>
  let secured: App
  beforeAll(async () => {
    fixture = tokensFixture()
    secured = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, clock })
  })
  afterAll(async () => {
    await secured?.close()
    fixture?.cleanup()
  })

  const get = (url: string, who?: keyof ReturnType<typeof tokensFixture>['tokens']) =>
    secured.inject({ url, headers: who ? fixture.tokens[who].header : {} })
  const towns = async (query: string, who: keyof ReturnType<typeof tokensFixture>['tokens']) => {
    const res = await get(`/api/enterprises${query}`, who)
    expect(res.statusCode, res.body).toBe(200)
    return new Set((res.json().enterprises as Enterprise[]).map((e) => e.town))
  }

  test('any role may list; a town-limited reporter sees only its towns', async () => {
    const res = await secured.inject({
      method: 'POST',
      url: '/api/events',
      headers: fixture.tokens.admin.header,
      payload: { events: [register('T-MINE', '本镇企业', TOWN), register('T-THEIRS', '他镇企业', TOWN2)] },
    })
    expect(res.statusCode, res.body).toBe(200)

    expect((await get('/api/enterprises')).statusCode).toBe(401)
    expect(await towns('', 'viewer')).toEqual(new Set([TOWN, TOWN2]))
    expect(await towns('', 'admin')).toEqual(new Set([TOWN, TOWN2]))
    expect(await towns('', 'townReporter')).toEqual(new Set([TOWN]))
    expect(await towns(`?towns=${TOWN2}`, 'townReporter')).toEqual(new Set())
    expect(await towns(`?towns=${TOWN},${TOWN2}`, 'townReporter')).toEqual(new Set([TOWN]))
  })
})
