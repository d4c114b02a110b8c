import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { Value } from 'typebox/value'
import type { TSchema } from 'typebox'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, fakeClock, TOWN } from '../helpers/app.ts'
import { accident, enterprise, hazard, inspection, postOk, status, work } from '../ingest/fixtures.ts'
import type { App } from '../../server/app.ts'
import { buildSnapshot } from '../../shared/summary.ts'
import { Snapshot } from '../../shared/api/snapshot.ts'
import { RegionsReply, regionsReply } from '../../shared/api/regions.ts'
import { Enterprise, OpenHazard } from '../../shared/api/lists.ts'
import { ERROR_CODES } from '../../shared/api/error-codes.ts'

// The reply schemas in shared/api are complete: what the server builds fits them exactly, with no
// field they leave out (a reply schema drops unknown fields when it serialises, so a field missing
// from the contract would vanish from the answer without an error).

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
const clock = fakeClock('2026-05-06T09:00:00+08:00')
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
  const overdue = hazard({ grade: 'major', deadline: '2026-05-05', at: '2026-05-01T10:00:00+08:00' })
  const ent = enterprise({ riskLevel: 'major' })
  await postOk(app, {
    events: [
      overdue,
      hazard({ enterprise: '某公司' }),
      status(overdue.hazardId, 'rectifying'),
      inspection({ enterprise: '某公司' }),
      accident({ deaths: 1, title: '车辆伤害' }),
      ent,
      work(ent.enterpriseId, 'stopped', false),
    ],
  })
  clock.advance(2_000)
  await app.store.tick(clock())
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

const problems = (schema: TSchema, value: unknown) =>
  [...Value.Errors(schema, value)].map((e) => `${e.instancePath} ${e.message}`)

describe('reply schemas describe every field the server sends', () => {
  test('the snapshot fits Snapshot exactly (feed, overdue list and every view filled)', async () => {
    const snap = buildSnapshot(await app.store.readState(app.today(), clock()), app.region)
    expect(snap.ticker.length).toBeGreaterThan(0)
    expect(snap.overdue.length).toBe(1)
    expect(problems(Snapshot, snap)).toEqual([])
  })

  test('GET /api/snapshot answers every field of the snapshot', async () => {
    const built = buildSnapshot(await app.store.readState(app.today(), clock()), app.region)
    const served = (await app.inject('/api/snapshot')).json()
    expect(served).toEqual(JSON.parse(JSON.stringify(built)))
  })

  test('the regions reply fits RegionsReply exactly, and is served whole', async () => {
    const built = regionsReply(app.region, { name: null, role: 'admin', towns: null })
    expect(problems(RegionsReply, built)).toEqual([])
    expect((await app.inject('/api/regions')).json()).toEqual(JSON.parse(JSON.stringify(built)))
  })

  test('open hazards and enterprises fit their schemas exactly', async () => {
    const hazards = await app.store.openHazards({ towns: [TOWN], limit: 50 })
    expect(hazards.length).toBe(2)
    for (const h of hazards) expect(problems(OpenHazard, h)).toEqual([])
    const enterprises = await app.store.enterprises({ limit: 50 })
    expect(enterprises.length).toBe(1)
    for (const e of enterprises) expect(problems(Enterprise, e)).toEqual([])
  })
})

test('docs/http-api.md lists every error code', () => {
  const doc = readFileSync(new URL('../../docs/http-api.md', import.meta.url), 'utf8')
  expect(ERROR_CODES.filter((code) => !doc.includes(`| \`${code}\``))).toEqual([])
})
