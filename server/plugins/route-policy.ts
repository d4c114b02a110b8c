import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { ErrorReply } from '../../shared/api/errors.ts'
import { accessFor, type Access } from '../auth/policy.ts'
import { REQUIRED_ROLE } from './tokens.ts'

// Who may do what (server/auth/policy.ts), enforced on every route as it is registered, and a rate
// limit per token. Register it before the routes. With auth off only a warning is left.

export default fp(
  async (app) => {
    if (!app.tokenStore) {
      app.log.warn(
        'auth is off: anyone who can reach this server may read and write (AUTH=off is for local demos)',
      )
      return
    }

    // Registered before the hook below: on every route the limit is counted before the token is judged.
    await app.register(rateLimit, {
      global: true,
      max: app.config.rateLimit,
      timeWindow: 60_000,
      keyGenerator: (req) => {
        const verdict = app.credentialOf(req)
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
      route.onRequest = [...[route.onRequest ?? []].flat(), app.requireRole(access)]
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
  { name: 'route-policy', dependencies: ['context', 'tokens'] },
)
