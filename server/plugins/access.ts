import { resolve } from 'node:path'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { Config } from '../config.ts'
import { ErrorReply } from '../routes/schemas.ts'
import { accessFor, isDataPath, type Access } from '../auth/policy.ts'
import { foreignOrigin } from '../auth/origin.ts'
import { SocketGate } from '../auth/socket.ts'
import {
  roleAllows,
  TokenStore,
  type Caller,
  type Role,
  type TokenRecord,
  type Verdict,
} from '../auth/tokens.ts'

// Who may do what (server/auth/policy.ts), enforced on every route as it is registered: tokens
// (Authorization: Bearer, or the cookie a viewer link sets), roles, the Origin of browser writes,
// viewer links, and a rate limit per token. With `auth: 'off'` (local demos only) just the Origin
// check stays.

declare module 'fastify' {
  interface FastifyInstance {
    /** A hook for a route that needs `role` or better: use as `onRequest: app.requireRole('admin')`. */
    requireRole: (role: Role | readonly Role[]) => onRequestAsyncHookHandler
    /** Admits websockets to the feed (the /ws route asks it before attaching to the hub). */
    socketGate: SocketGate
    /** The credential a request brings (null: none, or auth off): for sockets, which check it themselves. */
    credentialOf: (req: FastifyRequest) => Verdict | null
  }
  interface FastifyRequest {
    /** Who is calling: set on routes that need a role; null with auth off and on public routes. */
    caller: Caller | null
  }
}

/** The cookie a viewer link sets: HttpOnly, so page scripts never see the token. */
export const TOKEN_COOKIE = 'lookout_token'
/** Browsers cap cookie lifetimes at 400 days. */
const COOKIE_MAX_AGE_S = 400 * 86_400
/**
 * When the token cookie was last set (days since the epoch). A wall screen runs for years on one
 * viewer link: its cookie is set again on a request a month after the last time, or the browser
 * would drop it after 400 days and the screen would go dark with a valid token.
 */
const COOKIE_SET_DAY = 'lookout_token_day'
const RENEW_AFTER_DAYS = 30
const epochDay = () => Math.floor(Date.now() / 86_400_000)
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const REQUIRED_ROLE = Symbol('lookout.requiredRole')

export interface AccessOptions {
  config: Config
  /** How long a websocket may wait before sending its token. */
  socketAuthTimeoutMs?: number
  /** How often open sockets are checked against revoked and expired tokens. */
  sweepMs?: number
}

/** What a browser shows for a viewer link whose token does not work: in both languages, no script. */
function badLinkPage(reason: string): string {
  const escaped = reason.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>链接无效 · Link does not work</title></head>
<body>
<h1>此链接的令牌无效</h1>
<p>请向管理员索取新的查看链接，并在这块屏幕上打开一次。</p>
<h1 lang="en">This link's token does not work</h1>
<p lang="en">Ask an administrator for a new viewer link and open it once on this screen.</p>
<p lang="en"><small>(${escaped})</small></p>
</body></html>
`
}

function unauthorized(reply: FastifyReply, error: string) {
  return reply.code(401).header('www-authenticate', 'Bearer realm="lookout"').send({ error })
}

export default fp<AccessOptions>(
  async (app, opts) => {
    const { config } = opts
    const tokens =
      config.auth === 'tokens'
        ? new TokenStore(resolve(config.tokensFile), (err) =>
            app.log.error(`${err.message}; keeping the tokens read before`),
          )
        : null
    await app.register(cookie)
    app.decorateRequest('caller', null)

    /** The token as an HttpOnly cookie, for as long as browsers and the token allow, and when it was set. */
    function keepTokenCookie(
      req: FastifyRequest,
      reply: FastifyReply,
      token: string,
      record: TokenRecord,
    ): void {
      const expiresIn = record.expiresAt ? (Date.parse(record.expiresAt) - Date.now()) / 1000 : Infinity
      const options = {
        path: '/',
        httpOnly: true,
        sameSite: 'strict' as const,
        secure: req.protocol === 'https',
        maxAge: Math.floor(Math.min(expiresIn, COOKIE_MAX_AGE_S)),
      }
      reply.setCookie(TOKEN_COOKIE, token, options)
      reply.setCookie(COOKIE_SET_DAY, String(epochDay()), options)
      // A reply that carries the token is for this browser only: no cache may keep it.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
    }

    const verdicts = new WeakMap<FastifyRequest, Verdict | null>()
    function credentialOf(req: FastifyRequest): Verdict | null {
      if (!tokens) return null
      if (verdicts.has(req)) return verdicts.get(req) ?? null
      let verdict: Verdict | null = null
      const header = req.headers.authorization
      if (header !== undefined) {
        const bearer = /^Bearer +(\S+) *$/i.exec(header)
        verdict = bearer
          ? tokens.verify(bearer[1])
          : { ok: false, reason: 'the Authorization header must be "Bearer <token>"' }
      } else if (req.cookies[TOKEN_COOKIE]) {
        verdict = tokens.verify(req.cookies[TOKEN_COOKIE])
      }
      verdicts.set(req, verdict)
      return verdict
    }

    function requireRole(role: Role | readonly Role[]): onRequestAsyncHookHandler {
      const roles: readonly Role[] = typeof role === 'string' ? [role] : role
      const needs = typeof role === 'string' ? `${role} or better` : `${roles.join(' or ')} (or admin)`
      const hook: onRequestAsyncHookHandler = async (req, reply) => {
        if (!tokens) return
        const verdict = credentialOf(req)
        if (!verdict)
          return unauthorized(reply, `a token is required (${needs}): send Authorization: Bearer <token>`)
        if (!verdict.ok) return unauthorized(reply, verdict.reason)
        const { id, name, role: has, towns } = verdict.record
        if (!roles.some((r) => roleAllows(has, r))) {
          return reply.code(403).send({
            error: `token ${id} is a ${has}: ${req.method} ${req.routeOptions.url} needs ${needs}`,
            reason: 'role',
          })
        }
        req.caller = { id, name, role: has, towns }
      }
      return Object.assign(hook, { [REQUIRED_ROLE]: role })
    }
    app.decorate('requireRole', requireRole)
    app.decorate('credentialOf', credentialOf)

    const gate = new SocketGate({
      tokens,
      allowedOrigins: config.allowedOrigins,
      authTimeoutMs: opts.socketAuthTimeoutMs ?? 5_000,
    })
    app.decorate('socketGate', gate)
    if (tokens) {
      const sweep = setInterval(() => gate.sweep(), opts.sweepMs ?? 2_000)
      sweep.unref()
      app.addHook('onClose', async () => clearInterval(sweep))
    }

    // A page elsewhere must not write here with a user's cookie (nor with auth off, through a
    // browser on the demo machine).
    app.addHook('onRequest', async (req, reply) => {
      if (SAFE_METHODS.has(req.method)) return
      const origin = foreignOrigin(req.headers, config.allowedOrigins)
      if (origin !== null)
        return reply
          .code(403)
          .send({ error: `origin ${origin} may not ${req.method} here (ALLOWED_ORIGINS)` })
    })

    // A viewer link (`/?token=…`) provisions a screen once: the token goes into a long-lived HttpOnly
    // cookie and the address bar is cleaned by a redirect, so the token is not left on screen or in history.
    app.addHook('onRequest', async (req, reply) => {
      let url: URL
      try {
        url = new URL(req.url, 'http://link')
      } catch {
        return reply.code(400).send({ error: 'the address does not parse' })
      }
      if (req.method !== 'GET' || isDataPath(url.pathname)) return
      const token = url.searchParams.get('token')
      if (token === null) return
      url.searchParams.delete('token')
      // One leading slash: `/.//host` must not become a redirect to another site.
      const target = `/${url.pathname.replace(/^\/+/, '')}${url.search}`
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer')
      if (tokens) {
        const verdict = tokens.verify(token)
        if (!verdict.ok) {
          const error = `this link's token does not work (${verdict.reason}): ask for a new link`
          // Opened in a browser (a wall screen, a leader's laptop): a page that says so, not JSON.
          if (req.headers.accept?.includes('text/html')) {
            return reply.code(401).type('text/html; charset=utf-8').send(badLinkPage(verdict.reason))
          }
          return unauthorized(reply, error)
        }
        keepTokenCookie(req, reply, token, verdict.record)
      }
      return reply.redirect(target, 303)
    })

    // A screen on a viewer link: its cookie renewed now and then (see COOKIE_SET_DAY). The wall asks
    // /healthz every few minutes, so a screen that never reloads is renewed too.
    app.addHook('onRequest', async (req, reply) => {
      const token = req.cookies[TOKEN_COOKIE]
      // Not on a hashed asset: it is served cacheable for a year, and must not carry the token.
      if (!tokens || !token || req.headers.authorization !== undefined || req.url.startsWith('/assets/'))
        return
      const setDay = Number(req.cookies[COOKIE_SET_DAY])
      if (setDay > epochDay() - RENEW_AFTER_DAYS) return
      const verdict = credentialOf(req)
      if (verdict?.ok) keepTokenCookie(req, reply, token, verdict.record)
    })

    if (!tokens) {
      app.log.warn(
        'auth is off: anyone who can reach this server may read and write (AUTH=off is for local demos)',
      )
      return
    }

    // Registered before the hook below: on every route the limit is counted before the token is judged.
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit,
      timeWindow: 60_000,
      keyGenerator: (req) => {
        const verdict = credentialOf(req)
        return verdict?.ok ? `token:${verdict.record.id}` : `ip:${req.ip}`
      },
    })

    // Every route gets the access the policy gives it, unless it asked for a role itself.
    app.addHook('onRoute', (route) => {
      const own = [route.onRequest, route.preHandler]
        .flat()
        .some((h) => h !== undefined && REQUIRED_ROLE in h)
      if (own) return
      const methods = [route.method].flat()
      const kinds = new Set(methods.map((m) => String(accessFor(m, route.url))))
      if (kinds.size > 1)
        throw new Error(
          `route ${methods.join(',')} ${route.url} mixes accesses ${[...kinds].join(', ')}: declare its methods apart`,
        )
      const access: Access = accessFor(methods[0], route.url)
      if (access === 'public' || access === 'socket') return
      route.onRequest = [...[route.onRequest ?? []].flat(), requireRole(access)]
      if (route.schema?.response) {
        route.schema = {
          ...route.schema,
          response: {
            401: ErrorReply,
            403: ErrorReply,
            429: ErrorReply,
            ...(route.schema.response as object),
          },
        }
      }
    })
  },
  { name: 'access' },
)
