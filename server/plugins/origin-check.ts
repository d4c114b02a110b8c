import fp from 'fastify-plugin'
import { foreignOrigin } from '../auth/origin.ts'

// A page elsewhere must not write here with a user's cookie (nor with auth off, through a browser
// on the demo machine): a write whose Origin is neither this server nor ALLOWED_ORIGINS is refused.

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export default fp(
  async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      if (SAFE_METHODS.has(req.method)) return
      const origin = foreignOrigin(req.headers, app.config.allowedOrigins)
      if (origin !== null)
        return reply
          .code(403)
          .send({ error: `origin ${origin} may not ${req.method} here (ALLOWED_ORIGINS)` })
    })
  },
  { name: 'origin-check', dependencies: ['context'] },
)
