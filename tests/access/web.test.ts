import { get } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { privateRedis } from '../helpers/redis.ts'
import { listen } from '../helpers/viewers.ts'
import { inspection } from '../ingest/fixtures.ts'
import { authApp, tokensFixture } from './setup.ts'
import { logOptions } from '../../server/log.ts'

// What browsers see: viewer links, cookies, Origin checks on writes, security headers, rate limits.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  app = await authApp({ redisUrl: redis.url, tokensFile: fixture.path })
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

describe('the viewer link', () => {
  test('behind a trusted reverse proxy (TRUST_PROXY) that serves https, the cookie is Secure and the log names the real client', async () => {
    const lines: string[] = []
    const proxied = await authApp({
      redisUrl: redis.url,
      tokensFile: fixture.path,
      config: { trustProxy: ['127.0.0.1'] },
      logger: logOptions('info', { write: (line: string) => void lines.push(line) }),
    })
    const res = await proxied.inject({
      url: `/?token=${fixture.tokens.viewer.token}`,
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.20.30.40' },
    })
    await proxied.close()
    expect(res.statusCode).toBe(303)
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/)
    expect(lines.join('')).toContain('"remoteAddress":"10.20.30.40"')
  })

  test('its token never reaches the log, and health probes and metric scrapes do not fill it', async () => {
    const lines: string[] = []
    const logged = await authApp({
      redisUrl: redis.url,
      tokensFile: fixture.path,
      logger: logOptions('info', { write: (line: string) => void lines.push(line) }),
    })
    const { token } = fixture.tokens.viewer
    expect((await logged.inject(`/?lang=en&token=${token}`)).statusCode).toBe(303)
    expect((await logged.inject(`/entry?token=${token}&x=1`)).statusCode).toBe(303)
    for (const url of ['/healthz', '/readyz', '/metrics'])
      await logged.inject({ url, headers: fixture.tokens.viewer.header })
    // Nor by way of an address that matches no route, or one that does not parse.
    expect((await logged.inject(`/api/nope?token=${token}`)).statusCode).toBe(404)
    expect((await logged.inject(`//[?token=${token}`)).statusCode).toBe(400)
    await logged.close()
    const log = lines.join('')
    expect(log).toContain('"url":"/?lang=en&token=[hidden]"')
    expect(log).toContain('"url":"/entry?token=[hidden]&x=1"')
    expect(log).not.toContain(token)
    expect(log).not.toMatch(/healthz|readyz|metrics/)
  })

  test('its token is hidden in the log however the name `token` is spelled (issue 16.9)', async () => {
    const lines: string[] = []
    const logged = await authApp({
      redisUrl: redis.url,
      tokensFile: fixture.path,
      logger: logOptions('info', { write: (line: string) => void lines.push(line) }),
    })
    const { token } = fixture.tokens.viewer
    // Percent-encoded letters are decoded by the query parser: each is a viewer link.
    for (const name of ['%74oken', 'to%6Ben', '%74%6f%6b%65%6e']) {
      const res = await logged.inject(`/?${name}=${token}`)
      expect(res.statusCode, name).toBe(303)
    }
    // Not a viewer link, but a token all the same.
    await logged.inject(`/?%54%4f%4b%45%4E=${token}`)
    expect((await logged.inject(`/api/nope?x=1&%74oken=${token}`)).statusCode).toBe(404)
    expect((await logged.inject(`/api/nope?%74oken%3D${token}`)).statusCode).toBe(404)
    await logged.close()
    const log = lines.join('')
    expect(log).toContain('"url":"/?%74oken=[hidden]"')
    expect(log).toContain('"url":"/api/nope?x=1&%74oken=[hidden]"')
    expect(log).not.toContain(token)
  })

  test('sets a long-lived HttpOnly SameSite=Strict cookie and redirects to the page without the token', async () => {
    const { token } = fixture.tokens.viewer
    const res = await app.inject(`/?token=${token}`)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/')
    expect(res.headers['cache-control']).toBe('no-store')
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(new RegExp(`^lookout_token=${token};`))
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Strict/)
    expect(cookie).toMatch(/; Path=\//)
    expect(cookie).toMatch(`; Max-Age=${400 * 86_400}`)
    expect(cookie).not.toMatch(/Secure/) // plain http on a LAN must keep working
    // A forwarded https from a proxy nobody said to trust changes nothing.
    const forged = await app.inject({ url: `/?token=${token}`, headers: { 'x-forwarded-proto': 'https' } })
    expect(String(forged.headers['set-cookie'])).not.toMatch(/Secure/)

    // The cookie now opens the reads, as the wall's fetches need.
    expect(
      (await app.inject({ url: '/api/regions', headers: { cookie: `lookout_token=${token}` } })).statusCode,
    ).toBe(200)
  })

  test('keeps the rest of the address, never leads off this site, and lives no longer than its token', async () => {
    const { token } = fixture.tokens.viewer
    expect((await app.inject(`/?lang=en&token=${token}`)).headers.location).toBe('/?lang=en')
    expect((await app.inject(`/entry?token=${token}`)).headers.location).toBe('/entry')
    // Sent over a real socket: inject would tidy these paths before the server saw them.
    const { port } = new URL(await listen(app))
    for (const sneaky of [
      '/.//evil.example/',
      '//evil.example/',
      '/%2F%2Fevil.example/',
      '/\\evil.example/',
    ]) {
      const location = await new Promise<string | undefined>((resolve, reject) =>
        get({ host: '127.0.0.1', port, path: `${sneaky}?token=${token}` }, (res) =>
          resolve(res.resume().headers.location),
        ).on('error', reject),
      )
      // Not `//evil.example…`: a browser would read that as another site.
      expect(location, sneaky).toMatch(/^\/(?![/\\])/)
    }

    const shortLived = fixture.add({
      name: '临时大屏',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    })
    const maxAge = Number(
      /Max-Age=(\d+)/.exec(
        String((await app.inject(`/?token=${shortLived.token}`)).headers['set-cookie']),
      )![1],
    )
    expect(maxAge).toBeGreaterThan(10 * 86_400 - 60)
    expect(maxAge).toBeLessThanOrEqual(10 * 86_400)
  })

  test('a screen that never reloads has its cookie renewed a month after it was set, not lost after 400 days', async () => {
    const { token } = fixture.tokens.viewer
    const cookiesOf = (res: { headers: Record<string, unknown> }) =>
      [res.headers['set-cookie'] ?? []].flat().map(String)
    const today = Math.floor(Date.now() / 86_400_000)
    const ask = (cookie: string) => app.inject({ url: '/healthz', headers: { cookie } })
    // Set by the link: the token and the day it was set.
    expect(cookiesOf(await app.inject(`/?token=${token}`))).toEqual([
      expect.stringMatching(`^lookout_token=${token};.*Max-Age=${400 * 86_400}`),
      expect.stringMatching(`^lookout_token_day=${today};.*HttpOnly`),
    ])
    // The wall's clock sync every few minutes: nothing to renew this month.
    expect(cookiesOf(await ask(`lookout_token=${token}; lookout_token_day=${today - 29}`))).toEqual([])
    // 30 days on (or a cookie set before the day was kept): set again, for 400 days from now.
    for (const stale of [`; lookout_token_day=${today - 30}`, '']) {
      const renewed = await ask(`lookout_token=${token}${stale}`)
      expect(renewed.headers['cache-control']).toBe('private, no-store') // carries the token: no cache keeps it
      expect(cookiesOf(renewed)).toEqual([
        expect.stringMatching(`^lookout_token=${token};.*Max-Age=${400 * 86_400}`),
        expect.stringMatching(`^lookout_token_day=${today};`),
      ])
    }
    // Never on a hashed asset, which is served cacheable for a year.
    expect(
      cookiesOf(await app.inject({ url: '/assets/x.js', headers: { cookie: `lookout_token=${token}` } })),
    ).toEqual([])
    // A token that no longer works is not kept alive.
    expect(cookiesOf(await ask(`lookout_token=lk_${'z'.repeat(43)}`))).toEqual([])
  })

  test('with a token that does not work it says so and sets nothing', async () => {
    const res = await app.inject(`/?token=lk_${'z'.repeat(43)}`)
    expect(res.statusCode).toBe(401)
    expect(res.json().error).toMatch(/this link's token does not work.*ask for a new link/)
    expect(res.headers['set-cookie']).toBeUndefined()
    // A browser gets a page that says so, in Chinese first.
    const page = await app.inject({
      url: `/?token=lk_${'z'.repeat(43)}`,
      headers: { accept: 'text/html,*/*' },
    })
    expect(page.statusCode).toBe(401)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('此链接的令牌无效')
    expect(page.body).toContain('not recognised')
  })
})

describe('Origin on writes', () => {
  const write = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/events',
      payload: inspection(),
      headers: { ...fixture.tokens.admin.header, ...headers },
    })

  test('a write from a page elsewhere is refused with 403 naming the origin, even with an admin token', async () => {
    const refused = await write({ origin: 'https://evil.example' })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error).toBe('origin https://evil.example may not POST here (ALLOWED_ORIGINS)')
    expect((await write({ origin: 'null' })).statusCode).toBe(403)
  })

  test('a write from this server’s own pages, or from a tool that sends no Origin, goes through', async () => {
    expect((await write({ origin: 'http://wall.local:3000', host: 'wall.local:3000' })).statusCode).toBe(200)
    expect((await write({})).statusCode).toBe(200)
  })

  test('auth off (the demo) still refuses foreign pages', async () => {
    const open = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, config: { auth: 'off' } })
    try {
      const res = await open.inject({
        method: 'POST',
        url: '/api/events',
        payload: inspection(),
        headers: { origin: 'https://evil.example' },
      })
      expect(res.statusCode).toBe(403)
    } finally {
      await open.close()
    }
  })
})

test('every reply carries the security headers and a strict Content-Security-Policy, the wall page included', async () => {
  for (const url of ['/', '/api/snapshot', '/healthz']) {
    const res = await app.inject({ url, headers: fixture.tokens.viewer.header })
    const csp = String(res.headers['content-security-policy'])
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
    ]) {
      expect(csp, `${url}: ${directive}`).toContain(directive)
    }
    expect(csp).not.toMatch(/upgrade-insecure-requests|unsafe-eval/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    // HSTS is the TLS proxy's to send: over a LAN's http it means nothing, behind https it would pin subdomains.
    expect(res.headers['strict-transport-security']).toBeUndefined()
  }
})

test('past the rate limit a token gets 429 with Retry-After; other tokens, and callers without one, count apart', async () => {
  const limited = await authApp({ redisUrl: redis.url, tokensFile: fixture.path, config: { rateLimit: 5 } })
  try {
    const get = (headers: Record<string, string> = {}, url = '/api/snapshot') =>
      limited.inject({ url, headers })
    for (let i = 0; i < 5; i++) expect((await get(fixture.tokens.viewer.header)).statusCode).toBe(200)
    const over = await get(fixture.tokens.viewer.header)
    expect(over.statusCode).toBe(429)
    expect(over.json().error).toMatch(/Rate limit exceeded/)
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)

    expect((await get(fixture.tokens.reporter.header)).statusCode).toBe(200)
    for (let i = 0; i < 5; i++) expect((await get({}, '/api/regions')).statusCode).toBe(401)
    expect((await get({}, '/api/regions')).statusCode).toBe(429)
    // Probes are never limited: a 429 would have a supervisor restart a healthy server.
    for (const probe of ['/healthz', '/readyz']) expect((await get({}, probe)).statusCode, probe).toBe(200)
  } finally {
    await limited.close()
  }
})
