import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { regionPrefix } from '../../server/store/keys.ts'
import { isSpaceKey, rebuildCheck, type RebuildCheckOptions } from '../../server/store/rebuild.ts'
import { RegionStore, defineScripts } from '../../server/store/store.ts'
import type { LookoutEvent } from '../../shared/events.ts'
import { accident, enterprise, hazard, inspection, post, postOk, snapshot, work } from './fixtures.ts'
import { prepareEvent } from '../../server/ingest/prepare.ts'
import { eventStream } from './stream.ts'

// "The log is the truth" (DESIGN.md guarantee 4): replaying the log into fresh keys gives exactly the
// live aggregates, after a long realistic stream, and the check sees it when they differ.

let redis: Awaited<ReturnType<typeof privateRedis>>
let client: Redis
beforeAll(async () => {
  redis = await privateRedis()
  client = new Redis(redis.url)
  defineScripts(client)
})
afterAll(async () => {
  client.disconnect()
  await redis.cleanup()
})

const CODE = region.city.code
const check = (space: string, more: Partial<RebuildCheckOptions> = {}) =>
  rebuildCheck({
    redis: client,
    region,
    dedupeSeconds: 30 * 86_400,
    livePrefix: regionPrefix(CODE, space),
    rebuildPrefix: regionPrefix(CODE, `${space}rb`),
    ...more,
  })

/** Every key of a space, without its prefix. */
const keysOf = async (space: string) =>
  (await client.keys(`${regionPrefix(CODE, space)}*`)).map((k) => k.slice(regionPrefix(CODE, space).length))

interface StreamStats {
  applied: number
  duplicates: number
  refused: number
  ticks: number
}

/**
 * Posts `total` new events from a seeded stream through two nodes of one deployment, in batches of 1–40,
 * with about 10% of the batches resent whole or mixed into new ones, a few illegal moves (409),
 * and overdue ticks as the clock advances (about 7 weeks, across a month boundary).
 */
async function runStream(
  nodes: App[],
  clock: ReturnType<typeof fakeClock>,
  total: number,
  seed: number,
): Promise<StreamStats> {
  const s = eventStream(seed, clock())
  const r = s.rand
  const sent: LookoutEvent[][] = []
  const stats: StreamStats = { applied: 0, duplicates: 0, refused: 0, ticks: 0 }
  let made = 0
  while (made < total) {
    s.advance(r.int(0, 40 * 60_000))
    clock.set(s.now())
    const node = r.pick(nodes)
    if (sent.length && r.chance(0.1)) {
      // A resend: a whole earlier batch, or some earlier events ahead of new ones.
      const old = r.pick(sent)
      const fresh = r.chance(0.5)
        ? []
        : Array.from({ length: Math.min(r.int(1, 5), total - made) }, () => s.next())
      made += fresh.length
      const reply = await postOk(node, { events: [...old, ...fresh] })
      stats.applied += reply.applied.length
      stats.duplicates += reply.duplicates.length
      expect(reply.duplicates).toEqual(old.map((e) => e.id))
      if (fresh.length) sent.push(fresh)
    } else if (r.chance(0.02)) {
      const bad = s.illegal()
      if (bad) {
        expect((await post(node, bad)).statusCode).toBe(409)
        stats.refused++
      }
    } else {
      const batch = Array.from({ length: Math.min(r.int(1, 40), total - made) }, () => s.next())
      made += batch.length
      const reply = await postOk(node, { events: batch })
      expect(reply.applied).toHaveLength(batch.length)
      stats.applied += batch.length
      sent.push(batch)
    }
    if (r.chance(0.3)) stats.ticks += (await r.pick(nodes).store.tick(clock())) > 0 ? 1 : 0
  }
  return stats
}

describe('rebuild check', () => {
  test('finds no difference after a random mixed stream of 5,000 events', { timeout: 300_000 }, async () => {
    const space = freshSpace()
    const clock = fakeClock('2025-02-20T08:00:00+08:00')
    const nodes = [
      await testApp({ redisUrl: redis.url, keyVariant: space, clock, config: { tickMs: 60_000 } }),
      await testApp({ redisUrl: redis.url, keyVariant: space, clock, config: { tickMs: 60_000 } }),
    ]
    const stats = await runStream(nodes, clock, 5000, 20250220)
    expect(stats.applied).toBe(5000)
    expect(stats.duplicates).toBeGreaterThan(300)
    expect(stats.refused).toBeGreaterThan(0)
    expect(stats.ticks).toBeGreaterThan(20)

    // The stream exercised every part of the state.
    const snap = await snapshot(nodes[0])
    expect(snap.kpis).toMatchObject({
      hazardsOverdue: expect.toSatisfy((n: number) => n > 0),
      hazardsClosedYtd: expect.toSatisfy((n: number) => n > 100),
      significantAccidentsYtd: expect.toSatisfy((n: number) => n > 0),
      enterprisesResumedWithoutCheck: expect.toSatisfy((n: number) => n > 0),
      enterprisesStopped: expect.toSatisfy((n: number) => n > 0),
    })
    // Closed, the nodes' own tick timers (which a slow machine may reach) stop adding to the log.
    await Promise.all(nodes.map((n) => n.close()))

    const log = new RegionStore(client, regionPrefix(CODE, space), {
      dedupeSeconds: 30 * 86_400,
      dueSoonDays: 3,
    })
    const types = new Map<string, number>()
    let seq = 0
    for (let page; (page = await log.readLog(seq, 1000)).length; seq = page.at(-1)!.seq) {
      for (const e of page) types.set(e.event.type, (types.get(e.event.type) ?? 0) + 1)
    }
    expect([...types.keys()].sort()).toEqual([
      'accident.reported',
      'enterprise.registered',
      'enterprise.work',
      'hazard.reported',
      'hazard.status',
      'inspection.completed',
      'overdue.tick',
    ])
    expect(seq).toBe(5000 + types.get('overdue.tick')!)
    expect(types.get('overdue.tick')).toBeGreaterThanOrEqual(stats.ticks)

    // Every key the ingest wrote is of a family the check compares.
    expect((await keysOf(space)).filter((k) => !isSpaceKey(k))).toEqual([])

    const report = await check(space)
    expect(report.differences).toEqual([])
    expect(report).toMatchObject({ settled: true, seq, replayed: seq, attempts: 1 })
    // Every live key was compared (hazards, enterprises, claims, counters...).
    const liveKeys = await keysOf(space)
    expect(liveKeys.length).toBeGreaterThan(1000)
    expect(await client.hlen(`${regionPrefix(CODE, space)}hazards`)).toBeGreaterThan(1000)
    expect(report.keys).toBeGreaterThanOrEqual(liveKeys.length)
    // The rebuilt space is gone afterwards.
    expect(await keysOf(`${space}rb`)).toEqual([])
  })

  test('reports each difference: key, field, live and rebuilt value', async () => {
    const space = freshSpace()
    const app = await testApp({ redisUrl: redis.url, keyVariant: space })
    const h = hazard({ grade: 'major' })
    await postOk(app, { events: [h, inspection()] })
    expect((await check(space)).differences).toEqual([])

    const p = regionPrefix(CODE, space)
    const cell = Object.keys((await snapshot(app)).now)[0]
    await client.hincrby(`${p}now`, cell, 1)
    const state = (await client.hget(`${p}hazards`, h.hazardId))!
    expect(state).toMatch(/^reported\|/)
    await client.hset(`${p}hazards`, h.hazardId, state.replace(/^reported/, 'closed'))
    await client.set(`${p}insp:stray`, '7')
    const report = await check(space)
    expect(report.differences).toEqual([
      { key: `${p}hazards`, field: h.hazardId, live: state.replace(/^reported/, 'closed'), rebuilt: state },
      { key: `${p}insp:stray`, field: '', live: '7', rebuilt: null },
      { key: `${p}now`, field: cell, live: '2', rebuilt: '1' },
    ])
    await app.close()
  })

  test('deadline ticks replay as they happened: after a change of dueSoonDays, and from before there was a due-soon step', async () => {
    const space = freshSpace()
    const clock = fakeClock('2025-03-01T09:00:00+08:00')
    const quiet = { redisUrl: redis.url, keyVariant: space, clock, config: { tickMs: 60_000 } }
    const threeDays = await testApp(quiet)
    const deadlines = ['2025-03-02', '2025-03-03', '2025-03-05', '2025-03-07', '2025-03-09', '2025-03-20']
    await postOk(threeDays, { events: deadlines.map((deadline) => hazard({ deadline })) })
    // A tick as the build before due soon made it: only the overdue step.
    clock.set('2025-03-01T10:00:00+08:00')
    await threeDays.store.tick(clock())
    await threeDays.store.tick(clock(), -1)
    clock.set('2025-03-03T09:00:00+08:00')
    expect(await threeDays.store.tick(clock())).toBeGreaterThan(0)
    await threeDays.close()

    // The region's dueSoonDays goes from 3 to 7: later ticks move earlier.
    const week = { ...region, thresholds: { dueSoonDays: 7 } }
    const sevenDays = await testApp({ ...quiet, region: week })
    clock.set('2025-03-04T09:00:00+08:00')
    expect(await sevenDays.store.tick(clock())).toBeGreaterThan(0)
    expect((await snapshot(sevenDays)).kpis).toMatchObject({ hazardsDueSoon: 3, hazardsOverdue: 2 })
    await sevenDays.close()

    for (const regionNow of [region, week])
      expect((await check(space, { region: regionNow })).differences).toEqual([])
  })

  test('a batch replays as judged when it was applied: history gets no ticker line in the rebuild either; an entry logged without its apply time replays as it was', async () => {
    const space = freshSpace()
    const clock = fakeClock('2025-05-04T10:00:00+08:00')
    const app = await testApp({ redisUrl: redis.url, keyVariant: space, clock, config: { tickMs: 600_000 } })
    await postOk(app, { events: [hazard({ at: '2025-05-04T01:00:00.000Z', deadline: '2025-05-20' })] })
    // An accident typed as two days ago (a phone's outbox sending late, a ledger): no ticker line.
    await postOk(app, { events: [accident({ at: '2025-05-02T01:00:00.000Z' })] })
    expect((await snapshot(app)).ticker.map((f) => f.type)).toEqual(['hazard.reported'])
    // An entry as a build from before apply times were logged wrote it.
    const older = { ...inspection(), at: '2025-05-04T01:30:00.000Z' }
    await app.store.ingest([prepareEvent(older, region.timeZone)], clock(), { logAppliedAt: false })
    await app.close()
    expect((await check(space)).differences).toEqual([])
  })

  test('a log entry the replay refuses is reported at its seq', async () => {
    const space = freshSpace()
    const app = await testApp({ redisUrl: redis.url, keyVariant: space })
    const h = hazard()
    await postOk(app, h)
    // A forged log entry: a second report of the same hazard, as a buggy writer might leave it.
    const p = regionPrefix(CODE, space)
    await client.xadd(
      `${p}log`,
      '2-1',
      'e',
      JSON.stringify({ ...h, id: 'ev-forged-entry', at: new Date().toISOString() }),
    )
    await client.set(`${p}seq`, '2')
    const report = await check(space)
    expect(report.differences).toEqual([
      {
        key: `${p}log`,
        field: 'seq 2',
        live: 'applied',
        rebuilt: `refused: hazardId hazard ${h.hazardId} was already reported`,
      },
    ])
    await app.close()
  })

  test('rebuild-check-fails-forever-after-a-late-resend: an event resent after its dedupe memory expired', async () => {
    const space = freshSpace()
    const app = await testApp({ redisUrl: redis.url, keyVariant: space })
    const e = enterprise()
    const resumed = work(e.enterpriseId, 'resumed', false)
    await postOk(app, { events: [e, resumed] })
    // DEDUPE_DAYS later the id is forgotten (as the TTL would), and an offline device sends it again.
    await app.store.forgetEvents([resumed], app.clock())
    expect((await postOk(app, resumed)).applied).toEqual([resumed.id])
    expect((await snapshot(app)).kpis).toMatchObject({
      enterprisesResumed: 1,
      enterprisesResumedWithoutCheck: 1,
    })
    // The log holds it twice, so the replay applies it twice: the rebuild agrees with the live numbers.
    expect(await check(space)).toMatchObject({ differences: [], settled: true, replayed: 3 })
    await app.close()
  })

  test('writes arriving during the check: it compares again at the new seq', async () => {
    const space = freshSpace()
    const app = await testApp({ redisUrl: redis.url, keyVariant: space })
    await postOk(app, { events: [hazard(), inspection()] })
    const seen: number[] = []
    const report = await check(space, {
      onAttempt: async (attempt, seq) => {
        seen.push(seq)
        if (attempt === 1) await postOk(app, inspection()) // lands between replay and comparison
      },
    })
    expect(seen).toEqual([2, 3])
    expect(report).toMatchObject({ settled: true, seq: 3, replayed: 3, attempts: 2, differences: [] })
    await app.close()
  })

  test('writes that never pause leave the check unsettled rather than wrong', async () => {
    const space = freshSpace()
    const app = await testApp({ redisUrl: redis.url, keyVariant: space })
    const report = await check(space, {
      attempts: 2,
      onAttempt: async () => void (await postOk(app, inspection())),
    })
    expect(report).toMatchObject({ settled: false, attempts: 2 })
    await app.close()
  })

  test('a background writer during the check does not produce false differences', async () => {
    const space = freshSpace()
    const app = await testApp({ redisUrl: redis.url, keyVariant: space })
    await postOk(app, { events: Array.from({ length: 50 }, () => inspection()) })
    let writing = true
    const writer = (async () => {
      for (let i = 0; i < 60 && writing; i++) {
        await postOk(app, { events: [hazard(), inspection()] })
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
    const report = await check(space, { attempts: 8 })
    writing = false
    await writer
    expect(report.settled).toBe(true)
    expect(report.differences).toEqual([])
    await app.close()
  })
})

describe('npm run rebuild -- --check', () => {
  const cli = fileURLToPath(new URL('../../server/rebuild.ts', import.meta.url))
  const run = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', cli, ...args],
        {
          env: { ...process.env, REDIS_URL: redis.url, LOG_LEVEL: 'silent', ...env },
        },
      )
      return { code: 0, out: stdout + stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, out: e.stdout + e.stderr }
    }
  }

  test(
    'exit 0 without differences, 1 with them (each printed), 2 when nothing was checked (no --check, no Redis, an empty log)',
    { timeout: 180_000 },
    async () => {
      // The production space of this private Redis; the other tests' spaces share its prefix and are left out.
      const app = await testApp({
        redisUrl: redis.url,
        clock: fakeClock('2025-04-01T09:00:00+08:00'),
        config: { tickMs: 60_000 },
      })
      const h = hazard({ deadline: '2025-04-02' })
      await postOk(app, { events: [h, inspection(), hazard()] })
      expect(await app.store.tick(Date.parse('2025-04-03T09:00:00+08:00'))).toBe(1)

      const clean = await run(['--check'])
      expect(clean.out).toMatch(/no difference; 4 log entries replayed/)
      expect(clean.code).toBe(0)

      const hazards = `${regionPrefix(CODE)}hazards`
      const overdue = (await client.hget(hazards, h.hazardId))!
      expect(overdue).toMatch(/^reported\|1\|/)
      const notOverdue = overdue.replace(/^reported\|1/, 'reported|0')
      await client.hset(hazards, h.hazardId, notOverdue)
      const dirty = await run(['--check'])
      expect(dirty.code).toBe(1)
      expect(dirty.out).toContain(`DIFF ${hazards} [${h.hazardId}] live="${notOverdue}" rebuilt="${overdue}"`)
      expect(dirty.out).toMatch(/1 difference\(s\)/)

      const usage = await run([])
      expect(usage.code).toBe(2)
      expect(usage.out).toMatch(/usage: npm run rebuild -- --check/)

      const gone = await run(['--check'], { REDIS_URL: 'redis://:secret@127.0.0.1:1' })
      expect(gone.code).toBe(2)
      expect(gone.out.trim()).toMatch(
        /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 does not answer \(.*\): nothing checked$/,
      )

      // Another region's (empty) log: nothing to check, and it says this may not be the server's Redis.
      const dir = mkdtempSync(join(tmpdir(), 'lookout-rebuild-'))
      const otherRegion = join(dir, 'region.json')
      const file = JSON.parse(
        readFileSync(fileURLToPath(new URL(`../../server/regions/${CODE}.json`, import.meta.url)), 'utf8'),
      )
      writeFileSync(otherRegion, JSON.stringify({ ...file, city: { ...file.city, code: '320000' } }))
      const empty = await run(['--check'], { REGION_FILE: otherRegion })
      rmSync(dir, { recursive: true, force: true })
      expect(empty.code).toBe(2)
      expect(empty.out).toMatch(/no difference; 0 log entries replayed/)
      expect(empty.out).toContain('the log of region 320000 is empty here')
      await app.close()
    },
  )
})
