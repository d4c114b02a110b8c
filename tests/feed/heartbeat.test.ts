import { WebSocketServer } from 'ws'
import { afterAll, expect, test } from 'vitest'
import { viewer, eventually } from '../helpers/viewers.ts'
import { emptyState } from '../../shared/state.ts'

let server: WebSocketServer | undefined
afterAll(() => server?.close())

test('a connection that goes silent (no pong, no data) is found dead within seconds and replaced', async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((r) => server!.once('listening', r))
  const { port } = server.address() as { port: number }
  let connections = 0
  // A server that sends a snapshot and then never answers again: a half-dead link, TCP still open.
  server.on('connection', (socket) => {
    connections++
    socket.send(JSON.stringify({ type: 'snapshot', ...emptyState('2026-03-10'), seq: 5 }))
  })
  const v = viewer(`http://127.0.0.1:${port}`, { pingMs: 100, deadAfterMs: 400 })
  await eventually(() => v.status === 'live', 'viewer live')
  await eventually(() => v.status === 'offline', 'viewer noticed the silence', 3_000)
  await eventually(() => connections >= 2 && v.status === 'live', 'viewer reconnected', 3_000)
  expect(v.state!.seq).toBe(5)
  v.stop()
})
