import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { regionDay } from '../../shared/time.ts'
import { regionFileOf } from '../../shared/region.ts'
import type { App } from '../../server/app.ts'
import { fetchRegion, runSimulation, type Logger, type RunOptions } from '../../server/simulator/run.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import { privateRedis } from '../helpers/redis.ts'

// The simulator against a real app on a real port and a private Redis: over HTTP, like any client.
// The app and the simulator share a fake clock, a Friday afternoon in November.

const NOW = Date.parse('2026-11-20T15:30:00+08:00')
const TODAY = regionDay(NOW, region.timeZone)
const silent: Logger = { info: () => {}, error: () => {} }

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let url: string
const clock = fakeClock(NOW)

beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, clock, keyVariant: freshSpace() })
  await app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
})

test("the simulator works from the server's whole region file: its mandates (departments, drill plans), alarm rules and campaigns", async () => {
  expect(await fetchRegion(url)).toEqual(regionFileOf(region))
})

type Snapshot = {
  seq: number
  kpis: Record<string, number>
  risk: { total: Record<string, number> }
  trend: { days: string[]; found: number[]; closed: number[] }
  overdue: unknown[]
  ticker: unknown[]
}

/** The snapshot once the overdue tick (every 100 ms here) has caught up: the same seq twice, 400 ms apart. */
async function settledSnapshot(): Promise<Snapshot> {
  let last = -1
  for (;;) {
    const snap = (await (await fetch(`${url}/api/snapshot`)).json()) as Snapshot
    if (snap.seq === last) return snap
    last = snap.seq
    await new Promise((r) => setTimeout(r, 400))
  }
}

const run = (extra: Partial<RunOptions> = {}) =>
  runSimulation({
    url,
    seed: 42,
    backfillDays: 30,
    rate: 2000,
    liveEvents: 300,
    clock,
    log: silent,
    ...extra,
  })

describe('a simulated city on a real server', () => {
  let first: Snapshot

  test('a month of history and a live flow fill every panel of the wall', async () => {
    const result = await run()
    expect(result.backfill.events).toBeGreaterThan(5000)
    expect(result.backfill.applied).toBe(result.backfill.events)
    expect(result.live.applied).toBeGreaterThanOrEqual(300)
    first = await settledSnapshot()
    const { kpis, risk, trend } = first
    expect(risk.total).toEqual({
      major: expect.any(Number),
      significant: expect.any(Number),
      general: expect.any(Number),
      low: expect.any(Number),
    })
    for (const level of ['major', 'significant', 'general', 'low'])
      expect(risk.total[level], level).toBeGreaterThan(0)
    expect(kpis.enterprisesRegistered).toBe(300)
    expect(trend.days.at(-1)).toBe(TODAY)
    expect(trend.found.filter((n) => n > 0).length).toBeGreaterThanOrEqual(28)
    expect(trend.closed.filter((n) => n > 0).length).toBeGreaterThanOrEqual(28)
    expect(kpis.hazardsOverdue).toBeGreaterThan(0)
    expect(first.overdue.length).toBeGreaterThan(0)
    expect(kpis.hazardsOpen).toBeGreaterThan(kpis.hazardsOverdue)
    expect(kpis.majorHazardsOpen).toBeGreaterThan(0)
    expect(kpis.rectificationRateYtd).toBeGreaterThan(0.6)
    expect(kpis.rectificationRateYtd).toBeLessThan(0.97)
    expect(kpis.hazardsFoundToday).toBeGreaterThan(0)
    expect(kpis.inspectionsToday).toBeGreaterThan(0)
    expect(kpis.inspectionsYtd).toBeGreaterThan(500)
    expect(kpis.accidentsYtd).toBeGreaterThanOrEqual(1)
    expect(kpis.significantAccidentsYtd).toBeLessThanOrEqual(1)
    expect(kpis.enterprisesResumed).toBeGreaterThan(100) // after Spring Festival
    expect(kpis.enterprisesResumedWithoutCheck).toBeGreaterThan(0)
    expect(kpis.enterprisesResumedWithoutCheck).toBeLessThan(kpis.enterprisesResumed / 10)
    expect(first.ticker.length).toBeGreaterThan(0)
  }, 180_000)

  test('running the same seed again counts nothing twice: every event is a duplicate', async () => {
    const again = await run()
    expect(again.backfill.applied).toBe(0)
    expect(again.backfill.duplicates).toBe(again.backfill.events)
    expect(again.live.applied).toBe(0)
    const snap = await settledSnapshot()
    expect(snap.seq).toBe(first.seq)
    expect(snap.kpis).toEqual(first.kpis)
    expect(snap.trend).toEqual(first.trend)
    expect(snap.risk).toEqual(first.risk)
  }, 180_000)

  test('running it again the next day adds the new day and changes none before', async () => {
    clock.set(NOW + 86_400_000)
    const nextDay = await run({ liveEvents: 100 })
    expect(nextDay.backfill.applied).toBeGreaterThan(0) // the rest of yesterday, and today
    expect(nextDay.backfill.duplicates).toBeGreaterThan(5000)
    const snap = await settledSnapshot()
    expect(snap.kpis.enterprisesRegistered).toBe(300)
    expect(snap.trend.days.at(-1)).toBe(regionDay(NOW + 86_400_000, region.timeZone))
    // Every day both trends show, up to the day before the first run, holds the same counts.
    for (const [i, day] of first.trend.days.entries()) {
      const j = snap.trend.days.indexOf(day)
      if (j < 0 || day >= TODAY) continue
      expect([day, snap.trend.found[j], snap.trend.closed[j]]).toEqual([
        day,
        first.trend.found[i],
        first.trend.closed[i],
      ])
    }
    expect(snap.kpis.hazardsFoundYtd).toBeGreaterThan(first.kpis.hazardsFoundYtd)
  }, 180_000)
})
