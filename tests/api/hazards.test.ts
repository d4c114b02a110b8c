import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN, TOWN2, eid, fakeClock, region } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
const clock = fakeClock('2026-05-06T09:00:00+08:00')
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

const report = (hazardId: string, town: string, title: string, at: string, enterprise?: string) => ({
  id: eid(),
  type: 'hazard.reported',
  hazardId,
  town,
  domain: 'production',
  industry: 'hazardous_chemicals',
  grade: 'general',
  title,
  deadline: '2026-05-20',
  at,
  ...(enterprise ? { enterprise } : {}),
})
const post = (payload: object) => app.inject({ method: 'POST', url: '/api/events', payload })
const list = async (query = '') =>
  (await app.inject(`/api/hazards${query}`)).json().hazards as { hazardId: string; status: string }[]

test('open hazards are listed newest first, by town and by search text, and leave the list when closed', async () => {
  await post({
    events: [
      report('OH-1', TOWN, '储罐区可燃气体报警器失效', '2026-05-06T08:00:00+08:00', '泰兴华联化工有限公司'),
      report('OH-2', TOWN2, '消防通道堆放杂物', '2026-05-06T08:30:00+08:00'),
      report('OH-3', TOWN, '配电箱未接地', '2026-05-06T08:45:00+08:00'),
    ],
  })
  expect((await list()).map((h) => h.hazardId)).toEqual(['OH-3', 'OH-2', 'OH-1'])
  expect((await list(`?towns=${TOWN}`)).map((h) => h.hazardId)).toEqual(['OH-3', 'OH-1'])
  expect((await list(`?q=${encodeURIComponent('华联')}`)).map((h) => h.hazardId)).toEqual(['OH-1'])
  expect((await list('?q=oh-2')).map((h) => h.hazardId)).toEqual(['OH-2'])
  // A town's name (Chinese or English) finds its hazards.
  const town2 = region.towns[3]
  expect((await list(`?q=${encodeURIComponent(town2.name)}`)).map((h) => h.hazardId)).toEqual(['OH-2'])
  expect((await list(`?q=${town2.nameEn.toLowerCase()}`)).map((h) => h.hazardId)).toEqual(['OH-2'])

  await post({ id: eid(), type: 'hazard.status', hazardId: 'OH-3', status: 'rectifying' })
  expect((await list()).find((h) => h.hazardId === 'OH-3')?.status).toBe('rectifying')
  await post({ id: eid(), type: 'hazard.status', hazardId: 'OH-1', status: 'closed' })
  expect((await list()).map((h) => h.hazardId)).toEqual(['OH-3', 'OH-2'])
})

test('a bad filter is refused with the field named', async () => {
  const res = await app.inject('/api/hazards?towns=a;b&limit=0')
  expect(res.statusCode).toBe(400)
  expect(
    res
      .json()
      .details.map((d: { path: string }) => d.path)
      .sort(),
  ).toEqual(['/querystring/limit', '/querystring/towns'])
})
