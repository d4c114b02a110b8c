import { resolve } from 'node:path'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import {
  roleAllows,
  TokenStore,
  type Caller,
  type Role,
  type TokenRecord,
  type Verdict,
} from '../auth/tokens.ts'

// Who is calling: the token a request brings (Authorization: Bearer, or the cookie a viewer link
// sets), judged against the tokens file, and the hook a route uses to need a role. With
// `auth: 'off'` (local demos only) there is no token store and every hook lets requests through.

declare module 'fastify' {
  interface FastifyInstance {
    /** The tokens file, kept read (null with auth off). */
    tokenStore: TokenStore | null
    /** A hook for a route that needs `role` or better: use as `onRequest: app.requireRole('admin')`. */
    requireRole: (role: Role | readonly Role[]) => onRequestAsyncHookHandler
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
/**
 * When the token cookie was last set (days since the epoch). A wall screen runs for years on one
 * viewer link: its cookie is set again on a request a month after the last time, or the browser
 * would drop it after 400 days and the screen would go dark with a valid token (viewer-link.ts).
 */
export const COOKIE_SET_DAY = 'lookout_token_day'
/** Browsers cap cookie lifetimes at 400 days. */
const COOKIE_MAX_AGE_S = 400 * 86_400
export const epochDay = () => Math.floor(Date.now() / 86_400_000)
/** Marks a hook made by requireRole: route-policy.ts leaves a route that asked for a role alone. */
export const REQUIRED_ROLE = Symbol('lookout.requiredRole')

/** The token as an HttpOnly cookie, for as long as browsers and the token allow, and when it was set. */
export function keepTokenCookie(
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

export function unauthorized(reply: FastifyReply, error: string) {
  return reply.code(401).header('www-authenticate', 'Bearer realm="lookout"').send({ error })
}

export default fp(
  async (app) => {
    const tokens =
      app.config.auth === 'tokens'
        ? new TokenStore(resolve(app.config.tokensFile), (err) =>
            app.log.error(`${err.message}; keeping the tokens read before`),
          )
        : null
    app.decorate('tokenStore', tokens)
    await app.register(cookie)
    app.decorateRequest('caller', null)

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
      // Several roles: any one of them will do (POST /api/events: a reporter's or a duty officer's).
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
  },
  { name: 'tokens', dependencies: ['context'] },
)
