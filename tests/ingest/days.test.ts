import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import { hazard, postOk, snapshot } from './fixtures.ts'

// Day buckets and "today" follow Asia/Shanghai, never the process's zone (DOMAIN.md "Time").

let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})

test('23:59:59 and 00:00:01 Shanghai land in different days, and "today" turns at Shanghai midnight', async () => {
  const clock = fakeClock('2025-03-01T23:59:59.500+08:00')
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
  // Written in UTC, as a device on another zone might send it: 15:59:59Z is 23:59:59 in Shanghai.
  await postOk(app, hazard({ at: '2025-03-01T15:59:59Z' }))
  let s = await snapshot(app)
  expect(s.day).toBe('2025-03-01')
  expect(s.kpis.hazardsFoundToday).toBe(1)

  clock.set('2025-03-02T00:00:01+08:00')
  await postOk(app, hazard({ at: '2025-03-02T00:00:01+08:00' }))
  s = await snapshot(app)
  expect(s.day).toBe('2025-03-02')
  expect(s.kpis.hazardsFoundToday).toBe(1)
  expect(s.kpis.hazardsFoundYtd).toBe(2)
  expect(s.trend.days.slice(-2)).toEqual(['2025-03-01', '2025-03-02'])
  expect(s.trend.found.slice(-2)).toEqual([1, 1])
  await app.close()
})

test("the year turns at Shanghai midnight too: last year's 23:59:59 is not this year's", async () => {
  const clock = fakeClock('2025-01-01T00:00:02+08:00')
  const app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
  await postOk(app, {
    events: [hazard({ at: '2024-12-31T23:59:59+08:00' }), hazard({ at: '2025-01-01T00:00:01+08:00' })],
  })
  const s = await snapshot(app)
  expect(s.kpis.hazardsFoundYtd).toBe(1)
  expect(s.kpis.hazardsFoundToday).toBe(1)
  expect(s.trend.found.slice(-2)).toEqual([1, 1])
  await app.close()
})

test.each(['America/New_York', 'Pacific/Kiritimati', 'UTC'])(
  'region days do not depend on the process zone (TZ=%s)',
  (tz) => {
    const probe = fileURLToPath(new URL('./tz-probe.ts', import.meta.url))
    const out = execFileSync(process.execPath, ['--import', 'tsx', probe], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    })
    const result = JSON.parse(out)
    const expectedOffset = { 'America/New_York': 300, 'Pacific/Kiritimati': -840, UTC: 0 }[tz]
    expect(result.processOffsetMinutes, 'the child really runs in that zone').toBe(expectedOffset)
    expect(result).toMatchObject({
      lastSecond: '2025-03-01',
      firstSecond: '2025-03-02',
      utcWritten: '2025-03-02',
      newYear: '2025',
      dayStart: Date.parse('2025-03-02T00:00:00+08:00'),
      deadline: Date.parse('2025-03-02T00:00:00+08:00'),
      today: '2025-03-02',
    })
  },
)
