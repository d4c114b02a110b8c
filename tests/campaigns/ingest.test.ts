import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN, TOWN2, fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { regionPrefix } from '../../server/store/keys.ts'
import { rebuildCheck } from '../../server/store/rebuild.ts'
import { defineScripts } from '../../server/store/store.ts'
import { indexRegion } from '../../shared/region.ts'
import { enterprise, hazard, logPage, post, postOk, snapshot, status, work } from '../ingest/fixtures.ts'
import { eventStream } from '../ingest/stream.ts'
import { importOk, row, utf8Csv } from '../import/helpers.ts'
import { CAMPAIGNS, campaignRegion } from './fixtures.ts'

// The campaigns counted from the events as they arrive (server/store/lua/campaigns.lua): the sweep's
// hazards (its source, its days) and their closures, each enterprise's last move in the season, the
// enterprises resumed without the check by id; and the rebuild check, also after the dates change.

let redis: Awaited<ReturnType<typeof privateRedis>>
let client: Redis
let app: App
let space: string
const clock = fakeClock('2026-02-10T10:00:00+08:00')

beforeAll(async () => {
  redis = await privateRedis()
  client = new Redis(redis.url)
  defineScripts(client)
})
afterAll(async () => {
  client.disconnect()
  await redis.cleanup()
})
beforeEach(async () => {
  clock.set('2026-02-10T10:00:00+08:00')
  space = freshSpace()
  app = await testApp({ redisUrl: redis.url, keyVariant: space, clock, region: campaignRegion })
})
afterEach(async () => {
  await app.close()
})

const at = (iso: string) => new Date(iso).toISOString()
const sweepHazard = (town: string, when: string, more = {}) =>
  hazard({ town, source: 'pre_holiday_sweep', at: at(when), deadline: '2026-04-30', ...more })
const campaigns = async () => (await snapshot(app)).campaigns
const check = (region = campaignRegion) =>
  rebuildCheck({
    redis: client,
    region,
    dedupeSeconds: 30 * 86_400,
    livePrefix: regionPrefix(region.city.code, space),
    rebuildPrefix: regionPrefix(region.city.code, `${space}rb`),
  })

describe('the pre-holiday sweep', () => {
  test('the sweep panel counts only its source and window: found, closed since, by town', async () => {
    const inA = [
      sweepHazard(TOWN, '2026-01-27T00:10:00+08:00'),
      sweepHazard(TOWN, '2026-02-09T15:00:00+08:00'),
    ]
    const inB = sweepHazard(TOWN2, '2026-02-03T09:00:00+08:00')
    const before = sweepHazard(TOWN, '2026-01-26T23:50:00+08:00') // the evening before it starts
    const routine = hazard({ town: TOWN, source: 'routine', at: at('2026-02-02T09:00:00+08:00') })
    const unsourced = hazard({ town: TOWN2, at: at('2026-02-02T09:00:00+08:00') })
    await postOk(app, { events: [...inA, inB, before, routine, unsourced] })
    await postOk(app, {
      events: [inA[0], before, routine].map((h) =>
        status(h.hazardId, 'closed', { at: at('2026-02-10T09:00:00+08:00') }),
      ),
    })

    const sweep = (await campaigns()).sweep!
    expect(sweep).toMatchObject({ id: '2026-spring', start: '2026-01-27', end: '2026-02-15', running: true })
    expect(sweep).toMatchObject({ found: 3, closed: 1, rate: 1 / 3 })
    // Most found and not yet closed first; of two as many, the one that found more.
    expect(sweep.byTown.slice(0, 2)).toEqual([
      { town: TOWN, found: 2, closed: 1, rate: 0.5 },
      { town: TOWN2, found: 1, closed: 0, rate: 0 },
    ])
    expect(sweep.byTown).toHaveLength(campaignRegion.towns.length)
    expect(sweep.byTown.slice(2).every((t) => t.found === 0 && t.rate === null)).toBe(true)
  })

  test('a hazard found in the sweep counts closed when closed after it ended; one found a day after it does not count', async () => {
    clock.set('2026-02-15T21:00:00+08:00')
    const h = sweepHazard(TOWN, '2026-02-15T20:00:00+08:00')
    await postOk(app, h)
    clock.set('2026-02-20T10:00:00+08:00')
    const late = sweepHazard(TOWN, '2026-02-16T09:00:00+08:00')
    await postOk(app, {
      events: [late, status(h.hazardId, 'rectifying'), status(h.hazardId, 'awaiting_acceptance')],
    })
    await postOk(app, status(h.hazardId, 'closed'))
    const sweep = (await campaigns()).sweep!
    expect(sweep).toMatchObject({ running: false, found: 1, closed: 1, rate: 1 })
  })

  test('a hazard reported and closed in one batch counts both ways; the logged report names its sweep', async () => {
    const h = sweepHazard(TOWN, '2026-02-10T08:00:00+08:00')
    await postOk(app, { events: [h, status(h.hazardId, 'closed', { at: at('2026-02-10T08:30:00+08:00') })] })
    expect(await campaigns()).toMatchObject({ sweep: { found: 1, closed: 1 } })
    const logged = (await logPage(app)).entries.map((e) => e.event)
    expect(logged[0]).toMatchObject({ hazardId: h.hazardId, campaign: '2026-spring' })
    expect(logged[1]).not.toHaveProperty('campaign')
  })

  test("a ledger's sweep hazards count in the sweep by the day they were found", async () => {
    const sweepRow = (over: Record<string, string>) =>
      row({ 隐患来源: '节前大排查', 整改期限: '2026-03-31', 发现时间: '2026-02-05 10:00', ...over })
    await importOk(
      app,
      utf8Csv([
        sweepRow({}),
        sweepRow({ 整改状态: '已销号' }),
        sweepRow({ 发现时间: '2026-01-20 10:00' }), // before the sweep
        sweepRow({ 隐患来源: '日常检查' }),
      ]),
    )
    const sweep = (await campaigns()).sweep!
    expect(sweep).toMatchObject({ found: 2, closed: 1 })
    expect(sweep.byTown[0]).toEqual({ town: TOWN2, found: 2, closed: 1, rate: 0.5 })
  })

  test('a client cannot say which campaign an event counts in', async () => {
    const res = await post(app, { ...hazard({ source: 'pre_holiday_sweep' }), campaign: '2026-national' })
    expect(res.statusCode).toBe(400)
    expect(res.json().details).toEqual([
      expect.objectContaining({ path: '/campaign', code: 'not_known_field' }),
    ])
  })
})

describe('the stop/resume season', () => {
  test('each enterprise counts once, by its last move in the season; those resumed without the check are listed by id', async () => {
    const [a, b, c, d] = [
      enterprise(),
      enterprise(),
      enterprise({ town: TOWN2 }),
      enterprise({ town: TOWN2 }),
    ]
    await postOk(app, { events: [a, b, c, d].map((e) => ({ ...e, at: at('2026-01-10T09:00:00+08:00') })) })
    const on = (day: string) => ({ at: at(`${day}T09:00:00+08:00`) })
    await postOk(app, {
      events: [
        work(a.enterpriseId, 'stopped', false, on('2026-01-20')), // before the season: not counted
        work(b.enterpriseId, 'stopped', false, on('2026-02-01')),
        work(b.enterpriseId, 'resumed', false, on('2026-02-08')), // without the check
        work(c.enterpriseId, 'stopped', false, on('2026-02-02')),
        work(c.enterpriseId, 'resumed', false, on('2026-02-09')), // without the check...
        work(d.enterpriseId, 'stopped', false, on('2026-02-03')),
      ],
    })
    const season = async () => (await campaigns()).season!
    expect(await season()).toMatchObject({
      id: '2026-spring',
      running: true,
      stopped: 1,
      resumed: 2,
      withoutCheck: 2,
      rate: 2 / 3,
      withoutCheckList: [
        { enterpriseId: b.enterpriseId, town: TOWN },
        { enterpriseId: c.enterpriseId, town: TOWN2 },
      ],
    })
    expect((await season()).byTown.slice(0, 2)).toEqual([
      { town: TOWN2, stopped: 1, resumed: 1, withoutCheck: 1, rate: 0.5 },
      { town: TOWN, stopped: 0, resumed: 1, withoutCheck: 1, rate: 1 },
    ])
    // ...checked afterwards and resumed again with it: no longer without the check.
    await postOk(app, work(c.enterpriseId, 'resumed', true, on('2026-02-10')))
    expect(await season()).toMatchObject({
      stopped: 1,
      resumed: 2,
      withoutCheck: 1,
      withoutCheckList: [{ enterpriseId: b.enterpriseId, town: TOWN }],
    })
    // The all-time gauges go on counting A, which stopped before the season.
    expect((await snapshot(app)).kpis).toMatchObject({ enterprisesStopped: 2, enterprisesResumed: 2 })
  })

  test("outside every season the last season's figures show, with its dates, as they ended", async () => {
    const e = enterprise()
    await postOk(app, { events: [e, work(e.enterpriseId, 'stopped', false)] })
    clock.set('2026-06-01T10:00:00+08:00')
    await postOk(app, work(e.enterpriseId, 'resumed', false)) // in June: in no season
    const app2 = await testApp({ redisUrl: redis.url, keyVariant: space, clock, region: campaignRegion })
    expect((await snapshot(app2)).campaigns).toMatchObject({
      sweep: null,
      season: {
        id: '2026-spring',
        start: '2026-01-27',
        end: '2026-03-17',
        running: false,
        stopped: 1,
        resumed: 0,
      },
    })
    await app2.close()
  })
})

test(
  'the rebuild check replays the campaigns as counted, also after their dates change in the region file',
  { timeout: 120_000 },
  async () => {
    const s = eventStream(20260205, clock())
    let sent = 0
    while (sent < 1500) {
      s.advance(s.rand.int(0, 90 * 60_000))
      clock.set(s.now())
      const batch = Array.from({ length: s.rand.int(1, 30) }, () => s.next())
      await postOk(app, { events: batch })
      sent += batch.length
      if (s.rand.chance(0.2)) await app.store.tick(clock())
    }
    const snap = await snapshot(app)
    // The stream ran across the sweep's end into the season: both counted.
    expect(snap.campaigns.sweep).toMatchObject({ found: expect.toSatisfy((n: number) => n > 20) })
    expect(snap.campaigns.sweep!.closed).toBeGreaterThan(0)
    expect(snap.campaigns.season!.resumed + snap.campaigns.season!.stopped).toBeGreaterThan(10)
    expect(snap.campaigns.season!.withoutCheck).toBeGreaterThan(0)
    await app.close()

    expect((await check()).differences).toEqual([])
    const moved = indexRegion({
      ...campaignRegion,
      campaigns: {
        sweeps: CAMPAIGNS.sweeps.map((c) => ({ ...c, start: '2026-02-05' })),
        seasons: [],
      },
    })
    expect((await check(moved)).differences).toEqual([])
    app = await testApp({ redisUrl: redis.url, keyVariant: space, clock, region: campaignRegion })
  },
)
