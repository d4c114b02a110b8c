import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import {
  accident,
  enterprise,
  hazard,
  inspection,
  post,
  postOk,
  snapshot,
  status,
} from '../ingest/fixtures.ts'

// Hostile input that once passed the checks and then failed later (issue 16, items 2, 3 and 8): each
// is refused with a 400 naming the field, and the log and every number stay as they were.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace() })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

/** Posts a JSON text as it is (a lone surrogate cannot survive a JS object → JSON round trip of inject's). */
const postRaw = (text: string) =>
  app.inject({
    method: 'POST',
    url: '/api/events',
    payload: text,
    headers: { 'content-type': 'application/json' },
  })

/** Expects a 400 whose details name `paths`, and no change to the wall. */
async function expectRefused(reply: Awaited<ReturnType<typeof postRaw>>, paths: string[]) {
  expect(reply.statusCode, reply.body).toBe(400)
  expect((reply.json() as { details: { path: string }[] }).details.map((d) => d.path)).toEqual(paths)
}

describe('a lone UTF-16 surrogate (16.2)', () => {
  const texts = (ev: object, field: string) =>
    JSON.stringify(ev).replace(new RegExp(`"${field}":"[^"]*"`), `"${field}":"ab\\ud800cd"`)

  test('in any text field, is refused naming the field, never a 500', async () => {
    const seq = (await snapshot(app)).seq
    const h = hazard({ enterprise: '某公司' })
    for (const field of ['title', 'enterprise'])
      await expectRefused(await postRaw(texts(h, field)), [`/${field}`])
    const e = enterprise()
    await expectRefused(await postRaw(texts(e, 'name')), ['/name'])
    await expectRefused(await postRaw(texts(status(h.hazardId, 'rectifying', { note: 'x' }), 'note')), [
      '/note',
    ])
    await expectRefused(await postRaw(texts(accident({ title: '事故' }), 'title')), ['/title'])
    await expectRefused(await postRaw(texts(inspection({ enterprise: '某公司' }), 'enterprise')), [
      '/enterprise',
    ])
    // In a batch: its path.
    const batch = JSON.stringify({ events: [hazard(), JSON.parse(texts(hazard(), 'title'))] })
    await expectRefused(await postRaw(batch.replace(/"title":"ab\\ud800cd"/, '"title":"\\udfff"')), [
      '/events/1/title',
    ])
    expect((await snapshot(app)).seq).toBe(seq)
  })

  test('a surrogate pair (an emoji) is good Unicode and is kept', async () => {
    const h = hazard({ title: '消防通道堵塞 🔥' })
    expect((await postOk(app, h)).applied).toEqual([h.id])
  })
})

describe('unknown fields named after Object.prototype members (16.3)', () => {
  test.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'])(
    '%s is an unknown field: 400',
    async (name) => {
      const seq = (await snapshot(app)).seq
      await expectRefused(await post(app, { ...hazard(), [name]: 'x' }), [`/${name}`])
      await expectRefused(await post(app, { events: [inspection(), { ...inspection(), [name]: 1 }] }), [
        `/events/1/${name}`,
      ])
      expect((await snapshot(app)).seq).toBe(seq)
    },
  )

  test('__proto__ in the body is refused too', async () => {
    const reply = await postRaw(JSON.stringify(hazard()).replace(/^\{/, '{"__proto__":{"x":1},'))
    expect(reply.statusCode).toBe(400)
  })
})

describe('times that pass the date-time format but name no usable instant (16.8, 16.4)', () => {
  test('a leap second `at` (2024-06-30T23:59:60Z) is refused naming /at', async () => {
    await expectRefused(await post(app, { ...hazard(), at: '2024-06-30T23:59:60Z' }), ['/at'])
  })

  test('a deadline of 9999-12-31 is refused naming /deadline, with the years allowed', async () => {
    const reply = await post(app, hazard({ deadline: '9999-12-31' }))
    await expectRefused(reply, ['/deadline'])
    expect(reply.json().details[0].message).toBe('must be in the years 1970–2999')
    await expectRefused(await post(app, hazard({ deadline: '3000-06-01T00:00:00+08:00' })), ['/deadline'])
    expect((await postOk(app, hazard({ deadline: '2999-12-31' }))).applied).toHaveLength(1)
  })

  test('an `at` before 1970 is refused naming /at', async () => {
    await expectRefused(await post(app, { ...inspection(), at: '1969-12-31T23:59:59Z' }), ['/at'])
  })
})

describe('GET query strings that coerce to numbers no read can use (16.8)', () => {
  test.each([
    '/api/events?after=1e30',
    '/api/events?after=Infinity',
    '/api/events?after=-Infinity',
    '/api/events?limit=Infinity',
    '/api/events?after=9007199254740993',
    '/api/hazards?limit=Infinity',
    '/api/enterprises?limit=Infinity',
  ])('%s is a 400 naming the field', async (url) => {
    const reply = await app.inject(url)
    expect(reply.statusCode, reply.body).toBe(400)
    const field = new URL(url, 'http://x').searchParams.keys().next().value
    expect(reply.json().details[0].path).toBe(`/querystring/${field}`)
  })
})
