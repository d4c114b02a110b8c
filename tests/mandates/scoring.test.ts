import { describe, expect, test } from 'vitest'
import { TOWN, TOWN2, region } from '../helpers/app.ts'
import { mandatesOf } from '../../shared/mandates/defaults.ts'
import { scoringSummary } from '../../shared/mandates/scoring.ts'
import { enterprise, logPage, post, postOk } from '../ingest/fixtures.ts'
import { mandatesApp, revoke, score } from './fixtures.ts'

// Principal-person scoring (主要负责人安全生产记分): the rules and refusals of principal.scored and
// principal.score_revoked, the calendar year in region time, and the rebuild check over the new keys.

const env = mandatesApp()
const { clock } = env
const M = mandatesOf(region)

const yearCells = async (year: string) => (await env.app.store.readState(`${year}-06-01`, clock())).year
const summary = async (year = '2026') => scoringSummary(await yearCells(year), M)

async function registered(town = TOWN) {
  const e = enterprise({ town })
  await postOk(env.app, e)
  return e.enterpriseId
}

describe('principal.scored', () => {
  test('a fixed-points reason is filled in from the point table and counted this year', async () => {
    const ent = await registered()
    const s = score(ent, { reason: 'major_hazard_unrectified', principal: '张某' })
    await postOk(env.app, s)
    const logged = (await logPage(env.app)).entries.at(-1)!.event
    expect(logged).toMatchObject({ type: 'principal.scored', points: 6, principal: '张某' })
    const sum = await summary()
    expect(sum.enterprises).toEqual([{ enterpriseId: ent, town: TOWN, points: 6, scores: 1, level: -1 }])
    expect(sum.byReason.find((r) => r.reason === 'major_hazard_unrectified')).toEqual({
      reason: 'major_hazard_unrectified',
      points: 6,
      scores: 1,
    })
  })

  test('the thresholds (9 约谈, 12 重新考核) sort enterprises into bands and the flagged list', async () => {
    const [a, b, c] = [await registered(), await registered(), await registered(TOWN2)]
    await postOk(env.app, {
      events: [
        score(a, { reason: 'order_not_done' }),
        score(a, { reason: 'rectification_overdue', points: 3 }), // 9: admonition
        score(b, { reason: 'significant_accident' }), // 12: re-examination
        score(c, { reason: 'no_training', points: 2 }),
      ],
    })
    const sum = await summary()
    expect(sum.bands).toEqual([
      { from: 1, to: 8, enterprises: 1 },
      { from: 9, to: 11, enterprises: 1 },
      { from: 12, to: null, enterprises: 1 },
    ])
    expect(sum.flagged.map((e) => [e.enterpriseId, e.points, e.level])).toEqual([
      [b, 12, 1],
      [a, 9, 0],
    ])
    expect(sum.totalPoints).toBe(23)
  })

  test('bad reasons and points are refused 400 with the field and change nothing', async () => {
    const ent = await registered()
    const cases: [object, string, RegExp][] = [
      [score(ent, { reason: 'nonsense' }), '/reason', /must be one of general_accident, /],
      [
        score(ent, { reason: 'rectification_overdue' }),
        '/points',
        /^is required$/, // the form says the range beside the field
      ],
      [score(ent, { reason: 'rectification_overdue', points: 5 }), '/points', /^must be <= 4$/],
      [score(ent, { reason: 'order_not_done', points: 3 }), '/points', /^must be >= 6$/],
      [score(ent, { points: 13 } as object), '/points', /must be <= 12/],
      [{ ...score(ent), extra: 1 }, '/extra', /is not a known field/],
    ]
    const seq = (await logPage(env.app)).entries.length
    for (const [body, path, message] of cases) {
      const res = await post(env.app, body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().details).toContainEqual(
        expect.objectContaining({ path, message: expect.stringMatching(message), code: expect.any(String) }),
      )
    }
    expect((await logPage(env.app)).entries.length).toBe(seq)
  })

  test('an unregistered enterprise or a score id filed before is refused 409; a resend is a duplicate', async () => {
    const ent = await registered()
    const unknown = await post(env.app, score('EN-nobody'))
    expect(unknown.statusCode).toBe(409)
    expect(unknown.json().details).toEqual([
      {
        path: '/enterpriseId',
        message: 'enterprise EN-nobody is not registered',
        code: 'unregistered_enterprise',
        params: { enterpriseId: 'EN-nobody' },
      },
    ])
    const s = score(ent)
    await postOk(env.app, s)
    expect((await postOk(env.app, s)).duplicates).toEqual([s.id])
    const again = await post(env.app, { events: [score(ent), { ...score(ent), scoreId: s.scoreId }] })
    expect(again.statusCode).toBe(409)
    expect(again.json().details).toEqual([
      {
        path: '/events/1/scoreId',
        message: `scoreId ${s.scoreId} was already filed`,
        code: 'score_already_filed',
        params: { scoreId: s.scoreId },
      },
    ])
    expect((await summary()).enterprises[0].points).toBe(6) // the batch changed nothing
  })

  test('registering and scoring in one batch works (all or nothing)', async () => {
    const e = enterprise()
    await postOk(env.app, { events: [e, score(e.enterpriseId)] })
    expect((await summary()).enterprises[0]).toMatchObject({ enterpriseId: e.enterpriseId, points: 6 })
  })
})

describe('principal.score_revoked', () => {
  test('undoes the score (both stay in the log); unknown or twice is refused 409', async () => {
    const ent = await registered()
    const s = score(ent)
    await postOk(env.app, s)
    await postOk(env.app, revoke(s.scoreId, { note: '误记' }))
    expect((await summary()).enterprises).toEqual([])
    expect((await logPage(env.app)).entries.map((e) => e.event.type).slice(-2)).toEqual([
      'principal.scored',
      'principal.score_revoked',
    ])
    const twice = await post(env.app, revoke(s.scoreId))
    expect(twice.statusCode).toBe(409)
    expect(twice.json().details[0]).toEqual({
      path: '/scoreId',
      message: `score ${s.scoreId} was already revoked`,
      code: 'score_already_revoked',
      params: { scoreId: s.scoreId },
    })
    const unknown = await post(env.app, revoke('PS-none'))
    expect(unknown.statusCode).toBe(409)
    expect(unknown.json().details[0].message).toBe('unknown score PS-none')
  })
})

describe('the calendar year in region time', () => {
  test('a score just after midnight of 1 January (Asia/Shanghai) counts in the new year, though UTC still says December', async () => {
    clock.set('2027-01-01T00:30:00+08:00')
    const ent = await registered()
    const late = score(ent, { at: '2026-12-31T23:59:00+08:00' })
    const early = score(ent, { at: '2026-12-31T16:30:00Z', reason: 'no_training', points: 2 }) // 00:30 in Taixing
    await postOk(env.app, { events: [late, early] })
    expect((await summary('2026')).totalPoints).toBe(6)
    expect((await summary('2027')).totalPoints).toBe(2)
    // Revoked in 2027, the 2026 score comes off 2026's points.
    await postOk(env.app, revoke(late.scoreId))
    expect((await summary('2026')).totalPoints).toBe(0)
    expect((await summary('2027')).totalPoints).toBe(2)
  })
})

test('the rebuild check replays scores and revocations to the same keys', async () => {
  const [a, b] = [await registered(), await registered(TOWN2)]
  const s = score(a)
  await postOk(env.app, { events: [s, score(b, { reason: 'no_investigation', points: 3 })] })
  await postOk(env.app, revoke(s.scoreId))
  await postOk(env.app, score(a, { reason: 'general_accident' }))
  expect(await env.client.exists(env.key('scores'))).toBe(1)
  const report = await env.rebuildCheck()
  expect(report.differences).toEqual([])
  expect(report.replayed).toBe(6)
})
