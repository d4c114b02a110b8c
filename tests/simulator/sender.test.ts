import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, test } from 'vitest'
import { EventSender, RejectedBatch } from '../../server/simulator/sender.ts'
import type { LookoutEvent } from '../../shared/events.ts'

// The sender against a scripted server: what it does with each kind of answer.

const events: LookoutEvent[] = [
  {
    id: 'sim1-20261120-I001',
    type: 'inspection.completed',
    inspectionId: 'sim1-20261120-I001',
    town: '321283001',
    domain: 'fire',
    hazardsFound: 0,
    at: '2026-11-20T02:00:00.000Z',
  },
  {
    id: 'sim1-20261120-I002',
    type: 'inspection.completed',
    inspectionId: 'sim1-20261120-I002',
    town: '321283002',
    domain: 'fire',
    hazardsFound: 0,
    at: '2026-11-20T03:00:00.000Z',
  },
]

let server: Server | undefined
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

/** A server that answers the n-th request with `answers[n]` (the last one from then on) and keeps every body. */
async function scripted(
  answers: { status: number; body: unknown; headers?: Record<string, string> }[],
  port = 0,
) {
  const bodies: string[] = []
  const authorizations: (string | undefined)[] = []
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    authorizations.push(req.headers.authorization)
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      bodies.push(body)
      const answer = answers[Math.min(bodies.length, answers.length) - 1]
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((done) => server!.listen(port, '127.0.0.1', done))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, bodies, authorizations }
}

const ok = { status: 200, body: { applied: events.map((e) => e.id), duplicates: [], seq: 2 } }

test('a 503 is answered by sending the same batch, same ids, again until it is taken', async () => {
  const unavailable = { status: 503, body: { error: 'storage unavailable' }, headers: { 'retry-after': '0' } }
  const { url, bodies } = await scripted([unavailable, unavailable, ok])
  const retries: string[] = []
  const answer = await new EventSender({ url, backoffMs: 5, onRetry: (r) => retries.push(r.reason) }).send(
    events,
  )
  expect(answer).toEqual(ok.body)
  expect(bodies).toHaveLength(3)
  expect(new Set(bodies).size).toBe(1) // byte for byte the same request each time
  expect(JSON.parse(bodies[0]).events.map((e: LookoutEvent) => e.id)).toEqual(events.map((e) => e.id))
  expect(retries).toEqual(['503 storage unavailable', '503 storage unavailable'])
})

test('too many requests (429) waits and retries; a server that is not there yet is retried too', async () => {
  const { url, bodies } = await scripted([{ status: 429, body: { error: 'rate limited' } }, ok])
  expect(await new EventSender({ url, backoffMs: 5 }).send(events)).toEqual(ok.body)
  expect(bodies).toHaveLength(2)

  const port = Number(new URL(url).port)
  await new Promise<void>((done) => server!.close(() => done()))
  server = undefined
  const reasons: string[] = []
  const sending = new EventSender({ url, backoffMs: 20, onRetry: (r) => reasons.push(r.reason) }).send(events)
  await new Promise((r) => setTimeout(r, 150))
  const again = await scripted([ok], port)
  expect(await sending).toEqual(ok.body)
  expect(reasons.length).toBeGreaterThan(0)
  expect(reasons[0]).toBe('ECONNREFUSED')
  expect(again.bodies).toHaveLength(1)
})

test('a 409 or 400 is a simulator bug: no retry, and the error names the offending event', async () => {
  const conflict = {
    status: 409,
    body: { error: 'conflict', details: [{ path: '/events/1/status', message: 'cannot move' }] },
  }
  const { url, bodies } = await scripted([conflict])
  const err = await new EventSender({ url, backoffMs: 5 }).send(events).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(RejectedBatch)
  expect((err as RejectedBatch).status).toBe(409)
  expect((err as RejectedBatch).culprits()).toEqual([events[1]])
  expect(bodies).toHaveLength(1)
})

test('stopping it while it waits to retry ends the wait at once', async () => {
  const { url } = await scripted([
    { status: 503, body: { error: 'storage unavailable' }, headers: { 'retry-after': '60' } },
  ])
  const stop = new AbortController()
  const sending = new EventSender({ url, signal: stop.signal }).send(events)
  await new Promise((r) => setTimeout(r, 100))
  const started = Date.now()
  stop.abort(new Error('stopped'))
  await expect(sending).rejects.toThrow('stopped')
  expect(Date.now() - started).toBeLessThan(1000)
})

test('a token is sent as a bearer token, and a refused token is a 4xx the sender does not retry', async () => {
  const { url, authorizations } = await scripted([{ status: 401, body: { error: 'unknown token' } }])
  const refused = await new EventSender({ url, token: 'tok-123', backoffMs: 5 }).send(events).catch((e) => e)
  expect(refused).toBeInstanceOf(RejectedBatch)
  expect((refused as RejectedBatch).status).toBe(401)
  expect(authorizations).toEqual(['Bearer tok-123'])
})
