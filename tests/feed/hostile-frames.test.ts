import { afterAll, beforeAll, expect, test } from 'vitest'
import { Redis } from 'ioredis'
import WebSocket from 'ws'
import { privateRedis } from '../helpers/redis.ts'
import { testApp, freshSpace, TOWN, eid } from '../helpers/app.ts'
import { listen, viewer, eventually } from '../helpers/viewers.ts'
import type { App } from '../../server/app.ts'

// Issue 16.1: a viewer's frame, or a stray message on the updates channel, used to throw inside an
// event listener and stop the node with every viewer on it.

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

const metric = async (name: string) =>
  (await app.inject('/metrics')).body.split('\n').filter((l) => l.startsWith(name))

const inspection = () => ({
  id: eid(),
  type: 'inspection.completed',
  inspectionId: eid('I'),
  town: TOWN,
  domain: 'fire',
  hazardsFound: 0,
})

/** Opens a raw socket, sends `frame` once the snapshot came, and resolves with the close code. */
async function closeCodeAfter(frame: string | Buffer, binary = false): Promise<number> {
  const socket = new WebSocket(url.replace('http', 'ws') + '/ws')
  await new Promise((resolve) => socket.once('message', resolve))
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
  socket.send(frame, { binary })
  return closed
}

test('a viewer that sends null, non-JSON, a binary frame or an unknown message is closed; the node serves on', async () => {
  const watcher = viewer(url)
  await eventually(() => watcher.status === 'live', 'watcher live')

  expect(await closeCodeAfter('null')).toBe(1008)
  expect(await closeCodeAfter('[]')).toBe(1008)
  expect(await closeCodeAfter('{"type":"health","screen":{"toString":1}}')).toBe(1008)
  expect(await closeCodeAfter('{"type":"ping"}')).toBe(1008)
  expect(await closeCodeAfter('not json')).toBe(1003)
  expect(await closeCodeAfter(Buffer.from([1, 2, 3]), true)).toBe(1003)

  // The node is still up, and the other viewer still gets its deltas.
  const seq = watcher.state!.seq
  expect((await app.inject({ method: 'POST', url: '/api/events', payload: inspection() })).statusCode).toBe(
    200,
  )
  await eventually(() => watcher.state?.seq === seq + 1, 'delta after the bad frames')
  const bad = (await metric('lookout_ws_bad_frames_total')).join('\n')
  expect(bad).toMatch(/reason="unknown_message"} 4/)
  expect(bad).toMatch(/reason="not_json"} 1/)
  expect(bad).toMatch(/reason="binary"} 1/)
  watcher.stop()
})

test('a stray message on the updates channel is ignored and the node reloads; viewers stay exact', async () => {
  const watcher = viewer(url)
  await eventually(() => watcher.status === 'live', 'watcher live')
  const publisher = new Redis(redis.url)
  try {
    const channel = app.store.keys.updates
    for (const junk of ['not json', 'null', '{"from":"x"}', '{"from":5,"seq":3,"asOf":0}'])
      await publisher.publish(channel, junk)
    await eventually(
      async () =>
        (await metric('lookout_feed_bad_publishes_total')).includes('lookout_feed_bad_publishes_total 4'),
      'bad publishes counted',
    )
    const seq = watcher.state!.seq
    expect((await app.inject({ method: 'POST', url: '/api/events', payload: inspection() })).statusCode).toBe(
      200,
    )
    await eventually(() => watcher.state?.seq === seq + 1, 'delta after the stray publishes')
    const snapshot = (await app.inject('/api/snapshot')).json()
    expect(watcher.state!.seq).toBe(snapshot.seq)
  } finally {
    publisher.disconnect()
    watcher.stop()
  }
})
