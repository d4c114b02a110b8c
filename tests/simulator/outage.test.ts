import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { Simulation } from '../../server/simulator/generator.ts'
import { runSimulation } from '../../server/simulator/run.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import { privateRedis } from '../helpers/redis.ts'

// Redis goes away while the simulator sends its history: the server answers 503, the simulator
// sends the same batch again until Redis is back, and in the end everything is counted exactly once.

const NOW = Date.parse('2026-11-20T15:30:00+08:00')
let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let url: string

beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, clock: fakeClock(NOW), keyVariant: freshSpace() })
  await app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
})

test('with Redis down the simulator retries the same ids; once it is back every event counts once', async () => {
  await redis.stop()
  const lines: string[] = []
  const running = runSimulation({
    url,
    seed: 5,
    backfillDays: 3,
    live: false,
    clock: () => NOW,
    log: { info: (l) => lines.push(l), error: (l) => lines.push(l) },
  })
  const until = Date.now() + 20_000
  while (!lines.some((l) => l.includes('503')) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50))
  expect(lines.find((l) => l.includes('503'))).toMatch(/sending the same ids again/)
  await redis.restart()
  const result = await running
  expect(result.backfill.applied).toBe(result.backfill.events)

  // What the generator says it sent, counted by hand, against what the server counted.
  const sent = new Simulation({ seed: 5, region: region, backfillDays: 3 }).backfill(NOW)
  const snap = (await (await fetch(`${url}/api/snapshot`)).json()) as { kpis: Record<string, number> }
  expect(snap.kpis.enterprisesRegistered).toBe(300)
  expect(snap.kpis.hazardsFoundYtd).toBe(sent.filter((e) => e.type === 'hazard.reported').length)
  expect(snap.kpis.inspectionsYtd).toBe(sent.filter((e) => e.type === 'inspection.completed').length)
  expect(snap.kpis.hazardsClosedYtd).toBe(
    sent.filter((e) => e.type === 'hazard.status' && e.status === 'closed').length,
  )
}, 120_000)
