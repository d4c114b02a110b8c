import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { freshSpace, TOWN, TOWN2 } from '../helpers/app.ts'
import { enterprise, hazard, status, work } from '../ingest/fixtures.ts'
import { authApp, tokensFixture } from '../access/setup.ts'

// Issue 16.6: a reporter limited to 济川街道 changed a 黄桥镇 hazard by sending the status change
// while the same hazard id was being reported in 黄桥镇: the town was read before the ingest script
// ran. The script now judges the town against the hazard as it finds it.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let reporterNode: App
let adminNode: App
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  // Two nodes of one deployment: the reporter's requests reach one, the admin's the other.
  const keyVariant = freshSpace()
  const opts = { redisUrl: redis.url, tokensFile: fixture.path, keyVariant, config: { tickMs: 60_000 } }
  reporterNode = await authApp(opts)
  adminNode = await authApp(opts)
})
afterAll(async () => {
  await reporterNode?.close()
  await adminNode?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

type Who = 'townReporter' | 'admin'
const post = (node: App, payload: object, who: Who) =>
  node.inject({ method: 'POST', url: '/api/events', payload, headers: fixture.tokens[who].header })

/** Every open hazard's status, as the admin sees them. */
async function statuses(): Promise<Map<string, string>> {
  const res = await adminNode.inject({
    url: '/api/hazards?limit=500',
    headers: fixture.tokens.admin.header,
  })
  return new Map(
    (res.json().hazards as { hazardId: string; status: string }[]).map((h) => [h.hazardId, h.status]),
  )
}

describe('the town limit holds under any interleaving', () => {
  test('a hazard reported in another town between the check and the apply is not changed: 403', async () => {
    const theirs = hazard({ town: TOWN2 })
    // The interleaving of the race, made certain: the report lands just before the reporter's batch
    // is applied, after everything the node does before applying it.
    const ingest = reporterNode.store.ingest.bind(reporterNode.store)
    reporterNode.store.ingest = async (...args) => {
      expect((await post(adminNode, theirs, 'admin')).statusCode).toBe(200)
      return ingest(...args)
    }
    try {
      const refused = await post(reporterNode, status(theirs.hazardId, 'rectifying'), 'townReporter')
      expect(refused.statusCode, refused.body).toBe(403)
      expect(refused.json().details[0]).toMatchObject({
        path: '/hazardId',
        message: expect.stringContaining(`changes hazard ${theirs.hazardId} of town ${TOWN2}`),
      })
    } finally {
      reporterNode.store.ingest = ingest
    }
    expect((await statuses()).get(theirs.hazardId)).toBe('reported')
  })

  test('the same for an enterprise registered in another town meanwhile', async () => {
    const theirs = enterprise({ town: TOWN2 })
    const ingest = reporterNode.store.ingest.bind(reporterNode.store)
    reporterNode.store.ingest = async (...args) => {
      expect((await post(adminNode, theirs, 'admin')).statusCode).toBe(200)
      return ingest(...args)
    }
    try {
      const refused = await post(reporterNode, work(theirs.enterpriseId, 'stopped'), 'townReporter')
      expect(refused.statusCode, refused.body).toBe(403)
      expect(refused.json().details[0].path).toBe('/enterpriseId')
    } finally {
      reporterNode.store.ingest = ingest
    }
  })

  test('300 races of a status change against the report of the same hazard elsewhere: no change leaks', async () => {
    const answers = new Map<number, number>()
    const raced: string[] = []
    for (let round = 0; round < 30; round++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const theirs = hazard({ town: TOWN2 })
          raced.push(theirs.hazardId)
          const [, changed] = await Promise.all([
            post(adminNode, theirs, 'admin'),
            post(reporterNode, status(theirs.hazardId, 'rectifying'), 'townReporter'),
          ])
          answers.set(changed.statusCode, (answers.get(changed.statusCode) ?? 0) + 1)
        }),
      )
    }
    const now = await statuses()
    const leaked = raced.filter((id) => now.get(id) !== 'reported')
    expect(leaked, JSON.stringify([...answers])).toEqual([])
    // Refused either way: unknown hazard (409) when the status came first, not its town (403) after.
    expect([...answers.keys()].every((code) => code === 403 || code === 409)).toBe(true)
    // And a reporter's own town still works.
    const mine = hazard({ town: TOWN })
    expect(
      (await post(reporterNode, { events: [mine, status(mine.hazardId, 'rectifying')] }, 'townReporter'))
        .statusCode,
    ).toBe(200)
  })
})
