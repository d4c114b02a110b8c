import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN2, fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { prepareEvent } from '../../server/ingest/prepare.ts'
import {
  accident,
  enterprise,
  hazard,
  inspection,
  kpis,
  logPage,
  post,
  postOk,
  snapshot,
  status,
  work,
} from './fixtures.ts'

// Exactly once (DESIGN.md guarantee 1): a retry, a concurrent duplicate, a duplicate reaching another
// server node of the same deployment: each event counts once.

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

/** Two server nodes of one deployment: same Redis, same key space. */
async function twoNodes(): Promise<[App, App]> {
  const space = freshSpace()
  return [
    await testApp({ redisUrl: redis.url, keyVariant: space }),
    await testApp({ redisUrl: redis.url, keyVariant: space }),
  ]
}

describe('duplicates count once', () => {
  test('20 concurrent posts of one batch through two nodes: every event applied once', async () => {
    const [a, b] = await twoNodes()
    const ent = enterprise({ riskLevel: 'major' })
    const batch = [
      hazard({ grade: 'major' }),
      hazard({ town: TOWN2 }),
      hazard(),
      inspection({ hazardsFound: 3 }),
      accident({ deaths: 1 }),
      ent,
      work(ent.enterpriseId, 'resumed', false),
    ]
    const ids = batch.map((e) => e.id)

    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(i % 2 ? a : b, { events: batch })),
    )
    for (const r of replies) expect(r.statusCode, r.body).toBe(200)
    const bodies = replies.map((r) => r.json() as { applied: string[]; duplicates: string[]; seq: number })

    // Each id is applied by exactly one request in total and is a duplicate in every other.
    for (const id of ids) {
      expect(bodies.filter((body) => body.applied.includes(id))).toHaveLength(1)
      expect(bodies.filter((body) => body.duplicates.includes(id))).toHaveLength(19)
    }
    for (const body of bodies) expect([...body.applied, ...body.duplicates].sort()).toEqual([...ids].sort())

    for (const node of [a, b]) {
      const k = await kpis(node)
      expect(k.hazardsFoundToday).toBe(3)
      expect(k.hazardsOpen).toBe(3)
      expect(k.majorHazardsOpen).toBe(1)
      expect(k.inspectionsToday).toBe(1)
      expect(k.accidentsYtd).toBe(1)
      expect(k.accidentDeathsYtd).toBe(1)
      expect(k.redRiskEnterprises).toBe(1)
      expect(k.enterprisesResumed).toBe(1)
      expect(k.enterprisesResumedWithoutCheck).toBe(1)
    }
    const log = await logPage(a)
    expect(log.entries.map((e) => e.event.id).sort()).toEqual([...ids].sort())
    expect(log.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])
    await Promise.all([a.close(), b.close()])
  })

  test('a retry later is answered "duplicate" and changes nothing, on either node', async () => {
    const [a, b] = await twoNodes()
    const ev = hazard()
    const first = await postOk(a, ev)
    expect(first).toEqual({ applied: [ev.id], duplicates: [], seq: 1 })
    const before = await kpis(a)

    for (const node of [a, b, a]) {
      expect(await postOk(node, ev)).toEqual({ applied: [], duplicates: [ev.id], seq: 1 })
    }
    expect(await kpis(b)).toEqual(before)
    expect((await logPage(b)).entries).toHaveLength(1)
    await Promise.all([a.close(), b.close()])
  })

  test('an id is remembered for DEDUPE_DAYS whenever it came, then forgotten', async () => {
    const space = freshSpace()
    const day = 86_400_000
    // Dedupe memory is kept per period of DEDUPE_DAYS: start just before a period ends.
    const start = Math.ceil(Date.parse('2026-03-01T00:00:00Z') / (2 * day)) * 2 * day - 60_000
    const clock = fakeClock(start)
    const node = await testApp({ redisUrl: redis.url, keyVariant: space, clock, config: { dedupeDays: 2 } })
    const e = enterprise()
    await postOk(node, e)
    // (A stop has no id of its own that would be refused when resent: only dedupe answers it.)
    const ev = work(e.enterpriseId, 'stopped', false)
    expect((await postOk(node, ev)).applied).toEqual([ev.id])
    // Across the period boundary and until DEDUPE_DAYS are up, a resend is a duplicate.
    for (const after of [2 * 60_000, day, 2 * day - 120_000]) {
      clock.set(start + after)
      expect(await postOk(node, ev), `${after} ms later`).toMatchObject({ applied: [], duplicates: [ev.id] })
    }
    // Long after, it is forgotten: the same id counts again (an offline device's very late resend).
    clock.set(start + 4 * day)
    expect((await postOk(node, ev)).applied).toEqual([ev.id])
    await node.close()
  })

  test('a node whose clock runs ahead into the next dedupe period: the other node still finds its ids', async () => {
    const space = freshSpace()
    const day = 86_400_000
    const boundary = Math.ceil(Date.parse('2026-03-01T00:00:00Z') / (2 * day)) * 2 * day
    const config = { dedupeDays: 2 }
    const ahead = await testApp({
      redisUrl: redis.url,
      keyVariant: space,
      clock: fakeClock(boundary + 30_000),
      config,
    })
    const behind = await testApp({
      redisUrl: redis.url,
      keyVariant: space,
      clock: fakeClock(boundary - 30_000),
      config,
    })
    const e = enterprise()
    await postOk(behind, e)
    const ev = work(e.enterpriseId, 'stopped', false)
    expect((await postOk(ahead, ev)).applied).toEqual([ev.id])
    expect(await postOk(behind, ev)).toMatchObject({ applied: [], duplicates: [ev.id] })
    await Promise.all([ahead.close(), behind.close()])
  })

  test('the same id twice in one batch counts once', async () => {
    const [a, b] = await twoNodes()
    const ev = inspection()
    const other = inspection()
    expect(await postOk(a, { events: [ev, other, ev] })).toEqual({
      applied: [ev.id, other.id],
      duplicates: [ev.id],
      seq: 2,
    })
    expect((await kpis(b)).inspectionsToday).toBe(2)
    await Promise.all([a.close(), b.close()])
  })

  test('a resent batch with new events among old ones applies only the new ones', async () => {
    const [a, b] = await twoNodes()
    const h = hazard()
    const first = [h, status(h.hazardId, 'rectifying')]
    await postOk(a, { events: first })
    const later = status(h.hazardId, 'awaiting_acceptance')
    // The duplicate status move is not checked again (it would now be illegal): it is only a duplicate.
    expect(await postOk(b, { events: [...first, later] })).toEqual({
      applied: [later.id],
      duplicates: first.map((e) => e.id),
      seq: 3,
    })
    const funnel = Object.fromEntries((await snapshot(b)).funnel.map((f) => [f.status, f.count]))
    expect(funnel).toEqual({ reported: 0, rectifying: 0, awaiting_acceptance: 1, closed: 0 })
    await Promise.all([a.close(), b.close()])
  })

  test('an event an earlier build accepted, resent after its rules were tightened, is a duplicate, not a refusal', async () => {
    const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
    // A deadline before its found time: accepted before that rule existed (applied here straight to
    // the store, as the earlier build did), and resent by a phone's outbox after the upgrade.
    const old = { ...hazard({ deadline: '2026-11-10' }), at: '2026-11-20T09:00:00+08:00' }
    const applied = await app.store.ingest([prepareEvent(old, 'Asia/Shanghai')], Date.now())
    expect(applied).toMatchObject({ ok: true, applied: [old.id] })
    // (Its deadline has passed, so the overdue tick may move seq on meanwhile.)
    expect(await postOk(app, old)).toMatchObject({ applied: [], duplicates: [old.id] })
    expect(await postOk(app, { events: [old] })).toMatchObject({ applied: [], duplicates: [old.id] })
    expect((await kpis(app)).hazardsOpen).toBe(1)

    // The same rule still refuses what was never accepted, alone or beside an old event; and a body
    // that is not a well-formed event gets its 400 whatever id it carries.
    const fresh = hazard({ at: '2026-11-20T09:00:00+08:00', deadline: '2026-11-10' })
    for (const body of [fresh, { events: [old, fresh] }]) {
      const res = await post(app, body)
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('is before the hazard was reported')
    }
    for (const body of [{ id: old.id }, { ...old, colour: 'red' }, { events: [old], also: 1 }]) {
      expect((await post(app, body)).statusCode).toBe(400)
    }
    expect((await kpis(app)).hazardsOpen).toBe(1)
    await app.close()
  })

  test('separate deployments (key spaces) do not share dedupe or numbers', async () => {
    const a = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
    const b = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
    const ev = hazard()
    expect((await postOk(a, ev)).applied).toEqual([ev.id])
    expect((await postOk(b, ev)).applied).toEqual([ev.id])
    expect((await kpis(a)).hazardsOpen).toBe(1)
    expect((await kpis(b)).hazardsOpen).toBe(1)
    await Promise.all([a.close(), b.close()])
  })
})
