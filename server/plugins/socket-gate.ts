import fp from 'fastify-plugin'
import { SocketGate } from '../auth/socket.ts'

// Admits websockets to the feed: a token from the cookie or a first `auth` message, an allowed
// Origin; open sockets are checked now and then against revoked and expired tokens.

declare module 'fastify' {
  interface FastifyInstance {
    /** Admits websockets to the feed (the /ws route asks it before attaching to the hub). */
    socketGate: SocketGate
  }
}

export interface SocketGateOptions {
  /** How long a websocket may wait before sending its token. */
  authTimeoutMs?: number
  /** How often open sockets are checked against revoked and expired tokens. */
  sweepMs?: number
}

export default fp<SocketGateOptions>(
  async (app, opts) => {
    const gate = new SocketGate({
      tokens: app.tokenStore,
      allowedOrigins: app.config.allowedOrigins,
      authTimeoutMs: opts.authTimeoutMs ?? 5_000,
    })
    app.decorate('socketGate', gate)
    if (app.tokenStore) {
      const sweep = setInterval(() => gate.sweep(), opts.sweepMs ?? 2_000)
      sweep.unref()
      app.addHook('onClose', async () => clearInterval(sweep))
    }
  },
  { name: 'socket-gate', dependencies: ['context', 'tokens'] },
)
