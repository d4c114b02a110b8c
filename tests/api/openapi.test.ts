import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { Browser } from 'playwright-core'
import type { FastifyInstance } from 'fastify'
import { privateRedis } from '../helpers/redis.ts'
import { listen } from '../helpers/viewers.ts'
import { launchChromium } from '../browser/harness.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import type { App } from '../../server/app.ts'
import { region } from '../helpers/app.ts'
import { checkEvents, EVENT_TYPES } from '../../shared/events.ts'
import { eventExamples } from '../../server/openapi/examples.ts'

// The API reference integrators read: the OpenAPI document is valid, names every API route with
// its schemas, shows an example of each event type and each error, and its page works offline.

interface Operation {
  requestBody?: { content: Record<string, { schema: object; examples?: Record<string, { value: unknown }> }> }
  responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>
}
type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, Operation>> }

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let app: App
let doc: OpenApiDoc
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  app = await authApp({ redisUrl: redis.url, tokensFile: fixture.path })
  const res = await app.inject('/api/openapi.json')
  expect(res.statusCode, res.body).toBe(200)
  doc = res.json()
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

/** Every route the app serves, as `METHOD path`, read from Fastify's own route tree. */
function servedRoutes(instance: FastifyInstance): string[] {
  const routes: string[] = []
  const parents: string[] = []
  for (const line of instance.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[└├]── (\S+) \(([A-Z, ]+)\)/.exec(line)
    if (!m) continue
    const depth = m[1].length / 4
    parents.length = depth
    const path = `${parents.join('')}${m[2]}`.replace(/\/\/+/g, '/')
    parents.push(m[2])
    for (const method of m[3].split(', ')) routes.push(`${method} ${path}`)
  }
  return routes
}

describe('GET /api/openapi.json', () => {
  test('is a valid OpenAPI 3.1 document, served without a token', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await new Validator().validate(
      structuredClone(doc) as Parameters<Validator['validate']>[0],
    )
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  test('names every API route the server serves, with the methods it answers', () => {
    const api = servedRoutes(app).filter(
      (r) =>
        /^(GET|POST|PUT|PATCH|DELETE) \/(api|ws|metrics|healthz|readyz)(\/|$)/.test(r) &&
        !/ \/api\/(docs|openapi\.json)/.test(r),
    )
    expect(api.length).toBeGreaterThanOrEqual(13)
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    )
    expect(api.filter((r) => !documented.has(r))).toEqual([])
  })

  test('POST /api/events shows a valid example of each event type and a batch', () => {
    const body = doc.paths['/api/events'].post.requestBody!.content['application/json']
    const examples = body.examples!
    for (const type of EVENT_TYPES) {
      const example = Object.values(examples).find((e) => (e.value as { type?: string }).type === type)
      expect(example, type).toBeDefined()
    }
    expect(examples.batch).toBeDefined()
    // The examples are accepted by the server's own check (they are real bodies, not sketches).
    for (const e of Object.values(eventExamples(region))) {
      const checked = checkEvents(e.value, { region, now: Date.parse('2026-05-06T10:00:00+08:00') })
      expect(checked.ok, JSON.stringify(checked)).toBe(true)
    }
    expect(checked(examples.batch.value).ok).toBe(true)
    function checked(value: unknown) {
      return checkEvents(value, { region, now: Date.parse('2026-05-06T10:00:00+08:00') })
    }
  })

  test('every error POST /api/events can answer has an example', () => {
    const responses = doc.paths['/api/events'].post.responses
    for (const status of ['400', '401', '403', '409', '413', '429', '503']) {
      const examples = responses[status]?.content?.['application/json']?.examples
      expect(examples && Object.keys(examples).length, status).toBeGreaterThan(0)
    }
  })
})

describe('GET /api/docs', () => {
  let browser: Browser
  afterAll(() => browser?.close())

  test('the reference page lists the routes in real Chromium with no request leaving this server', async () => {
    const base = await listen(app)
    browser = await launchChromium()
    const page = await browser.newPage()
    const foreign: string[] = []
    const violations: string[] = []
    // No internet in a command center: anything not from this server is refused and noted.
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(base)) return route.continue()
      foreign.push(route.request().url())
      return route.abort()
    })
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) violations.push(m.text())
    })
    await page.goto(`${base}/api/docs`)
    await page
      .locator('.opblock-summary-path', { hasText: '/api/events' })
      .first()
      .waitFor({ timeout: 30_000 })
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(13)
    expect(foreign).toEqual([])
    expect(violations).toEqual([])
  }, 120_000)
})
