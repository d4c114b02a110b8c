import { afterAll, beforeAll, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN, TOWN2 } from '../helpers/app.ts'
import { enterprise } from '../ingest/fixtures.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import { revoke, score } from './fixtures.ts'

// Who may score and undo a score: a reporter of the enterprise's town scores, one of another town
// is refused 403 (the enterprise's town is looked up, in the batch first); only an admin revokes.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  app = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, config: { tickMs: 60_000 } })
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

type Who = keyof ReturnType<typeof tokensFixture>['tokens']
const post = (payload: object, who: Who) =>
  app.inject({ method: 'POST', url: '/api/events', payload, headers: fixture.tokens[who].header })
const seq = async () =>
  (await app.inject({ url: '/api/snapshot', headers: fixture.tokens.admin.header })).json().seq as number

test("a town's reporter scores its own town's enterprises only", async () => {
  const own = enterprise({ town: TOWN })
  const other = enterprise({ town: TOWN2 })
  expect((await post({ events: [own, other] }, 'admin')).statusCode).toBe(200)
  expect((await post(score(own.enterpriseId), 'townReporter')).statusCode).toBe(200)
  const before = await seq()
  const refused = await post({ events: [score(own.enterpriseId), score(other.enterpriseId)] }, 'townReporter')
  expect(refused.statusCode).toBe(403)
  expect(refused.json().details).toEqual([
    expect.objectContaining({
      path: '/events/1/enterpriseId',
      message: expect.stringMatching(`scores enterprise ${other.enterpriseId} of town ${TOWN2}`),
      code: 'foreign_town',
    }),
  ])
  // An enterprise registered in the same batch is judged by the town it is registered in.
  const fresh = enterprise({ town: TOWN2 })
  expect((await post({ events: [fresh, score(fresh.enterpriseId)] }, 'townReporter')).statusCode).toBe(403)
  expect(await seq()).toBe(before)
})

test('only an admin revokes a score (403 for a reporter, the score stands)', async () => {
  const e = enterprise({ town: TOWN })
  const s = score(e.enterpriseId)
  expect((await post({ events: [e, s] }, 'reporter')).statusCode).toBe(200)
  const refused = await post(revoke(s.scoreId), 'reporter')
  expect(refused.statusCode).toBe(403)
  expect(refused.json().details).toEqual([
    {
      path: '/type',
      message: 'principal.score_revoked needs an admin token',
      code: 'needs_admin',
      params: { type: 'principal.score_revoked' },
    },
  ])
  expect((await post(revoke(s.scoreId), 'admin')).statusCode).toBe(200)
})
