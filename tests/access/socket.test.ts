import { afterAll, beforeAll, expect, test } from 'vitest'
import WebSocket from 'ws'
import type { App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { eventually, listen, viewer } from '../helpers/viewers.ts'
import { authApp, tokensFixture } from './setup.ts'

// The live feed with auth on: a socket gets nothing until it is admitted, by a token in its first
// message or in the viewer-link cookie, and only from an allowed Origin.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let app: App
let base: string
let wsUrl: string
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  app = await authApp({
    redisUrl: redis.url,
    tokensFile: fixture.path,
    config: { allowedOrigins: ['https://wall.example.gov.cn'] },
  })
  base = await listen(app)
  wsUrl = `${base.replace(/^http/, 'ws')}/ws`
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

/** A raw socket that records every message it receives and how it closed. */
function socket(headers: Record<string, string> = {}) {
  const ws = new WebSocket(wsUrl, { headers })
  const received: { type: string }[] = []
  ws.on('message', (data) => received.push(JSON.parse(String(data))))
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  )
  return { ws, received, opened, closed }
}

test('a socket that sends no token gets no snapshot and is closed 4401 after a few seconds', async () => {
  const s = socket()
  await s.opened
  const started = Date.now()
  const { code, reason } = await s.closed
  expect(code).toBe(4401)
  expect(reason).toMatch(/no token/)
  expect(Date.now() - started).toBeGreaterThan(3_000)
  expect(s.received).toEqual([])
})

test('a wrong token, or any other first message, closes it 4401 at once, unanswered', async () => {
  const wrong = socket()
  await wrong.opened
  wrong.ws.send(JSON.stringify({ type: 'auth', token: `lk_${'A'.repeat(43)}` }))
  expect(await wrong.closed).toEqual({ code: 4401, reason: 'token not recognised (unknown or revoked)' })
  expect(wrong.received).toEqual([])

  const eager = socket()
  await eager.opened
  eager.ws.send(JSON.stringify({ type: 'ping', t: 1 }))
  expect((await eager.closed).code).toBe(4401)
  expect(eager.received).toEqual([])
})

test('a valid token in the first message admits it: the snapshot comes, and a message sent right behind the token is answered', async () => {
  const s = socket()
  await s.opened
  // Both in one go: the ping must reach the hub, not be lost between the auth and the attach.
  s.ws.send(JSON.stringify({ type: 'auth', token: fixture.tokens.viewer.token }))
  s.ws.send(JSON.stringify({ type: 'ping', t: 42 }))
  await eventually(() => s.received.some((m) => m.type === 'pong'), 'a pong')
  expect(s.received[0].type).toBe('snapshot')
  expect(s.received).toContainEqual({ type: 'pong', t: 42 })
  s.ws.close()
})

test('the wall’s FeedClient, given a token, gets the state; with a revoked token it is refused', async () => {
  const t = fixture.add({ name: '二号大屏', role: 'viewer' })
  const good = viewer(base, { token: t.token })
  await eventually(() => good.state !== null, 'the snapshot')
  good.stop()

  fixture.revoke(t.record.id)
  const refused = viewer(base, { token: t.token })
  await eventually(() => refused.lastClose?.code === 4401, 'a 4401 close')
  expect(refused.state).toBeNull()
  refused.stop()
})

test('the viewer-link cookie admits a socket with no auth message', async () => {
  const link = await fetch(`${base}/?token=${fixture.tokens.viewer.token}`, { redirect: 'manual' })
  const cookie = link.headers.get('set-cookie')!.split(';')[0]
  const s = socket({ cookie })
  await eventually(() => s.received.length > 0, 'the snapshot')
  expect(s.received[0].type).toBe('snapshot')
  s.ws.close()
})

test('a foreign Origin is closed 4403 before anything is sent, even with a good cookie; allowed origins get in', async () => {
  const cookie = `lookout_token=${fixture.tokens.viewer.token}`
  const foreign = socket({ origin: 'https://evil.example', cookie })
  expect(await foreign.closed).toEqual({ code: 4403, reason: 'origin https://evil.example is not allowed' })
  expect(foreign.received).toEqual([])

  for (const origin of ['https://wall.example.gov.cn', base]) {
    const s = socket({ origin, cookie })
    await eventually(() => s.received.length > 0, `the snapshot for ${origin}`)
    s.ws.close()
  }
})

test('revoking a token closes the sockets it opened (4401)', async () => {
  const t = fixture.add({ name: '三号大屏', role: 'viewer' })
  const s = socket()
  await s.opened
  s.ws.send(JSON.stringify({ type: 'auth', token: t.token }))
  await eventually(() => s.received.length > 0, 'the snapshot')
  fixture.revoke(t.record.id)
  expect(await s.closed).toEqual({ code: 4401, reason: 'token revoked or expired' })
})
