import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { eid, fakeClock, region } from '../helpers/app.ts'
import { accident, hazard, status } from '../ingest/fixtures.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import { rebuildCheck } from '../../server/store/rebuild.ts'
import { defineScripts } from '../../server/store/store.ts'
import type { Alarm } from '../../shared/alarms.ts'
import type { WallState } from '../../shared/protocol.ts'

// Alarms as server state: raised by the ingest and tick scripts from the region's rules, listed by
// GET /api/alarms, in the snapshot, cleared by a duty officer's (or an admin's) acknowledgement
// event, kept in the log with who did it, and replayed by the rebuild check.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let duty: ReturnType<ReturnType<typeof tokensFixture>['add']>
let app: App
const clock = fakeClock('2026-05-06T09:00:00+08:00')
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  duty = fixture.add({ name: '值班员 张伟', role: 'duty' })
  app = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, clock, config: { tickMs: 60_000 } })
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

type Who = 'viewer' | 'reporter' | 'admin' | 'duty'
const headers = (who: Who) => (who === 'duty' ? duty.header : fixture.tokens[who].header)
const post = (payload: object, who: Who) =>
  app.inject({ method: 'POST', url: '/api/events', payload, headers: headers(who) })
const alarms = async (query = '') =>
  (await app.inject({ url: `/api/alarms${query}`, headers: headers('viewer') })).json().alarms as Alarm[]
const snapshot = async () =>
  (await app.inject({ url: '/api/snapshot', headers: headers('viewer') })).json() as WallState
const ack = (alarmId: string) => ({ id: eid('ack'), type: 'alarm.acknowledged', alarmId })

describe('alarms', () => {
  test('an accident raises an alarm naming what, where and when; a general hazard raises none', async () => {
    const acc = accident({ deaths: 3, title: '仓库坍塌' })
    expect((await post(acc, 'reporter')).statusCode).toBe(200)
    expect((await post(hazard(), 'reporter')).statusCode).toBe(200)
    const [alarm, ...rest] = await alarms('?open=true')
    expect(rest).toEqual([])
    expect(alarm).toMatchObject({
      alarmId: `acc:${acc.accidentId}`,
      kind: 'accident',
      town: acc.town,
      grade: 'significant',
      severe: true,
      title: '仓库坍塌',
      deaths: 3,
      acknowledged: false,
    })
    const snap = await snapshot()
    expect(snap.alarms.map((a) => a.alarmId)).toEqual([alarm.alarmId])
    expect(snap.now[`alarm.open|${acc.town}|${acc.domain}|accident`]).toBe(1)
  })

  test('a major hazard raises one; several queue newest first', async () => {
    const major = hazard({ grade: 'major', enterprise: '泰兴某化工有限公司' })
    expect((await post(major, 'reporter')).statusCode).toBe(200)
    const open = await alarms('?open=true')
    expect(open[0]).toMatchObject({
      alarmId: `hz:${major.hazardId}`,
      kind: 'major_hazard',
      enterprise: '泰兴某化工有限公司',
    })
    expect(open).toHaveLength(2)
    expect((await snapshot()).alarms.map((a) => a.alarmId)).toEqual(open.map((a) => a.alarmId))
  })

  test("a viewer's or a reporter's acknowledgement is refused 403 and changes nothing", async () => {
    const [alarm] = await alarms('?open=true')
    const before = (await snapshot()).seq
    const byViewer = await post(ack(alarm.alarmId), 'viewer')
    expect(byViewer.statusCode).toBe(403)
    const byReporter = await post(ack(alarm.alarmId), 'reporter')
    expect(byReporter.statusCode).toBe(403)
    expect(byReporter.json().details[0].message).toMatch(/needs a duty or admin token/)
    expect((await snapshot()).seq).toBe(before)
    // A duty token reports nothing.
    const report = await post(hazard(), 'duty')
    expect(report.statusCode).toBe(403)
    expect(report.json().details[0].message).toMatch(/may only acknowledge alarms/)
  })

  test('a duty officer acknowledges: gone from the open list and the snapshot, logged with who', async () => {
    const [alarm] = await alarms('?open=true')
    const done = await post(ack(alarm.alarmId), 'duty')
    expect(done.statusCode).toBe(200)
    expect((await alarms('?open=true')).map((a) => a.alarmId)).not.toContain(alarm.alarmId)
    expect((await snapshot()).alarms.map((a) => a.alarmId)).not.toContain(alarm.alarmId)
    const all = await alarms()
    expect(all.find((a) => a.alarmId === alarm.alarmId)).toMatchObject({
      acknowledged: true,
      acknowledgedBy: '值班员 张伟',
      acknowledgedSeq: done.json().seq,
    })
    const log = await app.inject({
      url: `/api/events?after=${done.json().seq - 1}&limit=1`,
      headers: headers('viewer'),
    })
    expect(log.json().entries[0].event).toMatchObject({
      type: 'alarm.acknowledged',
      alarmId: alarm.alarmId,
      by: '值班员 张伟',
    })
    // Twice, or an alarm that does not exist: 409, nothing changes.
    expect((await post(ack(alarm.alarmId), 'duty')).statusCode).toBe(409)
    expect((await post(ack('acc:nothing-here'), 'admin')).statusCode).toBe(409)
  })

  test('an admin may acknowledge too', async () => {
    const [alarm] = await alarms('?open=true')
    expect((await post(ack(alarm.alarmId), 'admin')).statusCode).toBe(200)
    expect(await alarms('?open=true')).toEqual([])
    expect((await snapshot()).alarms).toEqual([])
  })

  test('a major hazard going overdue raises an alarm from the tick; a general one does not', async () => {
    const major = hazard({ grade: 'major', deadline: '2026-05-07' })
    const general = hazard({ deadline: '2026-05-07' })
    expect((await post({ events: [major, general] }, 'reporter')).statusCode).toBe(200)
    await post(ack(`hz:${major.hazardId}`), 'duty')
    clock.set('2026-05-08T00:00:01+08:00')
    await app.store.tick(clock())
    const open = await alarms('?open=true')
    expect(open.map((a) => a.alarmId)).toEqual([`od:${major.hazardId}`])
    expect(open[0]).toMatchObject({ kind: 'major_overdue', town: major.town, title: major.title })
  })

  test('history (an event from days ago: a ledger, a backfill) raises no alarm', async () => {
    const old = accident({ at: '2026-05-01T10:00:00+08:00' })
    expect((await post(old, 'reporter')).statusCode).toBe(200)
    expect((await alarms()).map((a) => a.alarmId)).not.toContain(`acc:${old.accidentId}`)
  })

  test('the rebuild check replays every alarm raised and acknowledged', async () => {
    // Close one so the stream has every kind of entry.
    const [alarm] = await alarms('?open=true')
    await post(status(alarm.hazardId!, 'rectifying'), 'reporter')
    const client = new Redis(redis.url)
    defineScripts(client)
    try {
      const report = await rebuildCheck({
        redis: client,
        region,
        dedupeSeconds: 30 * 86_400,
        livePrefix: app.store.keys.prefix,
        rebuildPrefix: `${app.store.keys.prefix}rb:`,
      })
      expect(report.differences).toEqual([])
      expect(report.replayed).toBe((await snapshot()).seq)
    } finally {
      client.disconnect()
    }
  })
})
