import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorReply } from '../../shared/api/errors.ts'

/**
 * GET /ws: the live feed. First message a snapshot, then deltas, digests and status (docs/live-feed.md).
 * `?kpis=1`: deltas also carry the headline numbers that changed. A plain GET (no upgrade) is told
 * to upgrade; declared as a route with both handlers, so the API reference lists it.
 */
const ws: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: 'GET',
    url: '/ws',
    schema: {
      description:
        'The live feed, over a websocket (docs/live-feed.md): a snapshot, then deltas, digests and status ' +
        'messages. The token comes from the cookie a viewer link sets, or a first message { "type": "auth", "token" }.',
      querystring: Type.Object({
        kpis: Type.Optional(
          Type.String({ description: '1: deltas also carry the headline numbers that changed' }),
        ),
      }),
      response: { 426: ErrorReply },
    },
    handler: async (_req, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send({ error: 'GET /ws is a websocket: upgrade the connection' }),
    wsHandler: (socket, req) => {
      // The gate decides first (Origin; a token in the cookie or the first message) and attaches in the
      // same tick it admits: no message can arrive before the hub listens, none reaches it before auth.
      app.socketGate.admit(socket, req.headers, app.credentialOf(req), () =>
        app.feedHub.attach(socket, { kpis: req.query.kpis === '1' }),
      )
    },
  })
}

export default ws
