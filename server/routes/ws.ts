import type { FastifyPluginAsync } from 'fastify'

/**
 * GET /ws: the live feed. First message a snapshot, then deltas, digests and status (docs/live-feed.md).
 * `?kpis=1`: deltas also carry the headline numbers that changed.
 */
const ws: FastifyPluginAsync = async (app) => {
  app.get('/ws', { websocket: true }, (socket, req) => {
    // The gate decides first (Origin; a token in the cookie or the first message) and attaches in the
    // same tick it admits: no message can arrive before the hub listens, none reaches it before auth.
    app.socketGate.admit(socket, req.headers, app.credentialOf(req), () =>
      app.feedHub.attach(socket, { kpis: (req.query as { kpis?: string }).kpis === '1' }),
    )
  })
}

export default ws
