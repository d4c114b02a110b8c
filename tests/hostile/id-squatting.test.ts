import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace } from '../helpers/app.ts'
import { hazard, inspection } from '../ingest/fixtures.ts'
import { prepareEvent } from '../../server/ingest/prepare.ts'
import { fileHashOf } from '../../server/import/ledger.ts'
import { rowEventId } from '../../server/import/row.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import { NOW, multipart, row, utf8Csv } from '../import/helpers.ts'

// Issue 16.7: a ledger's row ids derive from the file's hash, so anyone who had the file could post
// an event with a row's id first; the admin's import then counted that row as a duplicate and the
// hazard was never created. Event ids are now remembered per writer (the token's name): one writer
// cannot pre-empt another's ids, and each writer's own retries still count once, on any node.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let nodeA: App
let nodeB: App
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  const keyVariant = freshSpace()
  const opts = { redisUrl: redis.url, tokensFile: fixture.path, keyVariant, clock: fakeClock(NOW) }
  nodeA = await authApp(opts)
  nodeB = await authApp(opts)
})
afterAll(async () => {
  await nodeA?.close()
  await nodeB?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

type Who = 'reporter' | 'townReporter' | 'admin'
async function post(node: App, payload: object, who: Who) {
  const res = await node.inject({
    method: 'POST',
    url: '/api/events',
    payload,
    headers: fixture.tokens[who].header,
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { applied: string[]; duplicates: string[]; seq: number }
}

describe('event ids are scoped per writer', () => {
  test("an id another writer used first is still applied for this one: the import's rows are not pre-empted", async () => {
    const ledger = utf8Csv([row(), row()])
    const hash = fileHashOf(ledger)
    // Another token works out the row ids from the file and posts events with them first.
    const squatted = [1, 2, 3].map((n) => ({ ...inspection(), id: rowEventId(hash, n) }))
    expect((await post(nodeA, { events: squatted }, 'reporter')).applied).toHaveLength(3)

    const { payload, headers } = await multipart(ledger, 'ledger.csv')
    const imported = await nodeB.inject({
      method: 'POST',
      url: '/api/import',
      payload,
      headers: { ...headers, ...fixture.tokens.admin.header },
    })
    expect(imported.statusCode, imported.body).toBe(200)
    expect(imported.json()).toMatchObject({ rowsApplied: 2, duplicates: 0 })
    const open = await nodeA.inject({ url: '/api/hazards', headers: fixture.tokens.admin.header })
    expect(open.json().hazards).toHaveLength(2)
  })

  test("a writer's own retry is a duplicate on either node; another writer's same id is its own event", async () => {
    const ev = inspection()
    expect(await post(nodeA, ev, 'reporter')).toMatchObject({ applied: [ev.id], duplicates: [] })
    for (const node of [nodeA, nodeB]) {
      expect(await post(node, ev, 'reporter')).toMatchObject({ applied: [], duplicates: [ev.id] })
      expect(await post(node, { events: [ev] }, 'reporter')).toMatchObject({ duplicates: [ev.id] })
    }
    // The same id from another token is another event: applied once for that one, then its duplicate.
    const same = { ...inspection(), id: ev.id }
    expect(await post(nodeB, same, 'townReporter')).toMatchObject({ applied: [ev.id] })
    expect(await post(nodeA, same, 'townReporter')).toMatchObject({ applied: [], duplicates: [ev.id] })
    expect(await post(nodeA, ev, 'reporter')).toMatchObject({ applied: [], duplicates: [ev.id] })
  })

  test('an id remembered before ids were scoped (or with auth off) is still a duplicate for any token', async () => {
    // Applied with no `by`, as before the upgrade: remembered by its bare id.
    const old = hazard()
    const applied = await nodeA.store.ingest(
      [prepareEvent({ ...old, at: NOW }, 'Asia/Shanghai')],
      Date.parse(NOW),
    )
    expect(applied).toMatchObject({ ok: true, applied: [old.id] })
    expect(await post(nodeB, old, 'reporter')).toMatchObject({ applied: [], duplicates: [old.id] })
  })
})
