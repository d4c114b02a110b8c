import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN, eid } from '../helpers/app.ts'
import { listen, viewer, eventually } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let url: string
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
  url = await listen(app)
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

const metric = async (name: string) => {
  const text = (await app.inject('/metrics')).body
  return text.split('\n').filter((l) => l.startsWith(name))
}

test("/metrics shows viewers, what was sent, events applied, ingest latency and each screen's health", async () => {
  const a = viewer(url)
  const b = viewer(url)
  await eventually(() => a.status === 'live' && b.status === 'live', 'viewers live')
  await app.inject({
    method: 'POST',
    url: '/api/events',
    payload: {
      id: eid(),
      type: 'inspection.completed',
      inspectionId: eid('I'),
      town: TOWN,
      domain: 'fire',
      hazardsFound: 0,
    },
  })
  await eventually(() => a.state?.seq === 1 && b.state?.seq === 1, 'delta delivered')
  a.send({ type: 'health', screen: 'hall-left', heapMb: 48.5, fps: 59, seq: 1, reconnects: 0 })

  await eventually(
    async () =>
      (await metric('lookout_wall_heap_mb')).some(
        (l) => l === 'lookout_wall_heap_mb{screen="hall-left"} 48.5',
      ),
    'health recorded',
  )
  expect(await metric('lookout_ws_clients')).toContain('lookout_ws_clients 2')
  expect(await metric('lookout_events_applied_total')).toContain('lookout_events_applied_total 1')
  expect((await metric('lookout_ws_messages_sent_total')).join('\n')).toMatch(
    /type="snapshot"} 2[\s\S]*type="delta"} 2/,
  )
  expect(await metric('lookout_ingest_duration_seconds_count')).toContain(
    'lookout_ingest_duration_seconds_count 1',
  )
  expect((await metric('lookout_ws_flushes_total'))[0]).toMatch(/ [1-9]\d*$/)

  a.stop()
  // A screen that leaves takes its health series with it (no unbounded label growth).
  await eventually(
    async () => (await metric('lookout_ws_clients')).includes('lookout_ws_clients 1'),
    'viewer gone',
  )
  expect(await metric('lookout_wall_heap_mb{')).toEqual([])
  b.stop()
})

test('two screens that ask for one name are told apart on /metrics; a name may be Chinese', async () => {
  const a = viewer(url)
  const b = viewer(url)
  await eventually(() => a.status === 'live' && b.status === 'live', 'viewers live')
  a.send({ type: 'health', screen: '大厅左屏', fps: 30 })
  await eventually(
    async () => (await metric('lookout_wall_fps')).includes('lookout_wall_fps{screen="大厅左屏"} 30'),
    'first named',
  )
  // The same link opened on a second screen: its own series, not turns on the first's.
  b.send({ type: 'health', screen: '大厅左屏', fps: 12 })
  await eventually(
    async () =>
      (await metric('lookout_wall_fps')).some((l) =>
        /^lookout_wall_fps\{screen="大厅左屏~\d+"\} 12$/.test(l),
      ),
    'second named apart',
  )
  a.send({ type: 'health', screen: '大厅左屏', fps: 31 })
  await eventually(
    async () => (await metric('lookout_wall_fps')).includes('lookout_wall_fps{screen="大厅左屏"} 31'),
    'first keeps its name',
  )
  expect(await metric('lookout_wall_fps')).toHaveLength(2)
  // The first one's old socket gone (a screen that reconnected while it lingered): the second takes the name.
  a.stop()
  await eventually(
    async () => (await metric('lookout_ws_clients')).includes('lookout_ws_clients 1'),
    'first gone',
  )
  b.send({ type: 'health', screen: '大厅左屏', fps: 13 })
  await eventually(
    async () => (await metric('lookout_wall_fps')).includes('lookout_wall_fps{screen="大厅左屏"} 13'),
    'name taken back',
  )
  expect(await metric('lookout_wall_fps')).toHaveLength(1)
  b.stop()
  await eventually(async () => (await metric('lookout_wall_fps{')).length === 0, 'both gone')
})
