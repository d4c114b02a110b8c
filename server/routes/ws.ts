import type { FastifyPluginAsync } from 'fastify'

/** GET /ws: the live feed. First message a snapshot, then deltas, digests and status (README "Protocol"). */
const ws: FastifyPluginAsync = async (app) => {
  app.get('/ws', { websocket: true }, (socket) => {
    // Attached synchronously: no message can arrive before the hub listens.
    app.feedHub.attach(socket)
  })
}

export default ws
