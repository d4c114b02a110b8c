import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN, TOWN2, fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import { accidentGrade } from '../../shared/accident.ts'
import { AccidentGrade } from '../../shared/enums.ts'
import { accident, post, postOk, snapshot } from './fixtures.ts'

// Decree 493, art. 3: the grade is the highest any one measure reaches; "以上" includes the number.

type Figures = { deaths: number; seriousInjuries: number; directLossYuan: number }
const none: Figures = { deaths: 0, seriousInjuries: 0, directLossYuan: 0 }

/** Each threshold edge: the last value of the lower grade and the first of the higher. */
const EDGES: [string, Figures, AccidentGrade][] = [
  ['2 deaths', { ...none, deaths: 2 }, 'general'],
  ['3 deaths', { ...none, deaths: 3 }, 'significant'],
  ['9 deaths', { ...none, deaths: 9 }, 'significant'],
  ['10 deaths', { ...none, deaths: 10 }, 'major'],
  ['29 deaths', { ...none, deaths: 29 }, 'major'],
  ['30 deaths', { ...none, deaths: 30 }, 'especially_major'],
  ['9 serious injuries', { ...none, seriousInjuries: 9 }, 'general'],
  ['10 serious injuries', { ...none, seriousInjuries: 10 }, 'significant'],
  ['49 serious injuries', { ...none, seriousInjuries: 49 }, 'significant'],
  ['50 serious injuries', { ...none, seriousInjuries: 50 }, 'major'],
  ['99 serious injuries', { ...none, seriousInjuries: 99 }, 'major'],
  ['100 serious injuries', { ...none, seriousInjuries: 100 }, 'especially_major'],
  ['loss 9,999,999', { ...none, directLossYuan: 9_999_999 }, 'general'],
  ['loss 10,000,000', { ...none, directLossYuan: 10_000_000 }, 'significant'],
  ['loss 49,999,999', { ...none, directLossYuan: 49_999_999 }, 'significant'],
  ['loss 50,000,000', { ...none, directLossYuan: 50_000_000 }, 'major'],
  ['loss 99,999,999', { ...none, directLossYuan: 99_999_999 }, 'major'],
  ['loss 100,000,000', { ...none, directLossYuan: 100_000_000 }, 'especially_major'],
  ['the highest measure decides', { deaths: 1, seriousInjuries: 12, directLossYuan: 60_000_000 }, 'major'],
  ['nothing at all', none, 'general'],
]

const ORDER: AccidentGrade[] = ['general', 'significant', 'major', 'especially_major']
/** A grade that disagrees with `g`: the next one up (or down from the top). */
const wrong = (g: AccidentGrade) => ORDER[(ORDER.indexOf(g) + 1) % ORDER.length]

describe('the shared grading function', () => {
  test.each(EDGES)('%s → %s', (_name, figures, grade) => {
    expect(accidentGrade(figures)).toBe(grade)
  })
})

describe('through the API', () => {
  let redis: Awaited<ReturnType<typeof privateRedis>>
  beforeAll(async () => {
    redis = await privateRedis()
  })
  afterAll(async () => {
    await redis.cleanup()
  })

  test('a given grade that disagrees is refused (400) naming the grade Decree 493 gives', async () => {
    const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
    for (const [name, figures, grade] of EDGES) {
      const res = await post(app, accident({ ...figures, grade: wrong(grade) }))
      expect(res.statusCode, name).toBe(400)
      expect(res.json().details, name).toEqual([
        {
          path: '/grade',
          message: `disagrees with the figures: Decree 493 grades them "${grade}"`,
          code: 'grade_disagrees',
          params: { grade },
        },
      ])
    }
    expect((await snapshot(app)).seq).toBe(0)
    await app.close()
  })

  test('accepted accidents count by their derived grade; 较大及以上 counts significant and worse', async () => {
    const app = await testApp({
      redisUrl: redis.url,
      keyVariant: freshSpace(),
      clock: fakeClock('2025-08-01T09:00:00+08:00'),
    })
    // Half the edges with the grade stated (agreeing), half without: the server derives it either way.
    await postOk(app, {
      events: EDGES.map(([, figures, grade], i) => accident({ ...figures, ...(i % 2 ? { grade } : {}) })),
    })
    const s = await snapshot(app)
    const expectedCount = (g: AccidentGrade) => EDGES.filter(([, , grade]) => grade === g).length
    expect(s.accidents).toEqual(
      AccidentGrade.values.map((grade) => ({
        grade,
        count: expectedCount(grade),
        deaths: EDGES.filter(([, , g]) => g === grade).reduce((sum, [, f]) => sum + f.deaths, 0),
        injuries: EDGES.filter(([, , g]) => g === grade).reduce((sum, [, f]) => sum + f.seriousInjuries, 0),
      })),
    )
    expect(s.kpis.accidentsYtd).toBe(EDGES.length)
    expect(s.kpis.significantAccidentsYtd).toBe(EDGES.length - expectedCount('general'))
    expect(s.kpis.accidentDeathsYtd).toBe(EDGES.reduce((sum, [, f]) => sum + f.deaths, 0))
    expect(s.kpis.accidentLossYtd).toBe(EDGES.reduce((sum, [, f]) => sum + f.directLossYuan, 0))
    await app.close()
  })

  test('only general accidents leave 较大及以上 at its goal of 0', async () => {
    const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
    await postOk(app, {
      events: [accident({ deaths: 2, seriousInjuries: 9, directLossYuan: 9_999_999 }), accident()],
    })
    const k = (await snapshot(app)).kpis
    expect(k.accidentsYtd).toBe(2)
    expect(k.significantAccidentsYtd).toBe(0)
    await app.close()
  })

  test('the same accident reported twice under new event ids is refused (409)', async () => {
    const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
    const first = accident({ deaths: 3 })
    await postOk(app, first)
    const res = await post(app, { ...first, id: `${first.id}-again` })
    expect(res.statusCode).toBe(409)
    expect(res.json().details).toEqual([
      {
        path: '/accidentId',
        message: `accidentId ${first.accidentId} was already reported`,
        code: 'already_reported',
        params: { field: 'accidentId', id: first.accidentId },
      },
    ])
    expect((await snapshot(app)).kpis.significantAccidentsYtd).toBe(1)
    await app.close()
  })

  test("GET /api/accidents lists a year's accidents newest first, of some towns when asked", async () => {
    const clock = fakeClock('2026-05-06T12:00:00+08:00')
    const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
    await postOk(app, {
      events: [
        accident({ accidentId: 'AC-1', town: TOWN, at: '2026-05-01T08:00:00+08:00' }),
        accident({ accidentId: 'AC-2', town: TOWN2, at: '2026-05-02T08:00:00+08:00' }),
        accident({ accidentId: 'AC-3', town: TOWN, at: '2026-05-03T08:00:00+08:00' }),
        accident({ accidentId: 'AC-0', town: TOWN, at: '2025-05-03T08:00:00+08:00' }),
      ],
    })
    const ids = async (query: string) => {
      const res = await app.inject(`/api/accidents${query}`)
      expect(res.statusCode, res.body).toBe(200)
      return (res.json().accidents as { accidentId: string }[]).map((a) => a.accidentId)
    }
    expect(await ids('')).toEqual(['AC-3', 'AC-2', 'AC-1'])
    expect(await ids(`?towns=${TOWN}`)).toEqual(['AC-3', 'AC-1'])
    expect(await ids(`?towns=${TOWN2},${TOWN}&limit=2`)).toEqual(['AC-3', 'AC-2'])
    expect(await ids(`?towns=${TOWN}&year=2025`)).toEqual(['AC-0'])
    expect((await app.inject('/api/accidents?towns=a;b')).statusCode).toBe(400)
    await app.close()
  })
})
