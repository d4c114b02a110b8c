import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet from 'helmet'

// Security headers on every reply, with a Content-Security-Policy the wall and the entry page run
// under: scripts only from this server (Vite's built modules), no eval, no plugins, no framing.
// Inline styles are allowed because ECharts and Vue set style attributes. No upgrade-insecure-requests:
// command centers often serve the wall over plain http on their LAN.

/** The CSP directives; the allowed origins may be connected to (fetch and websocket). */
export function cspDirectives(allowedOrigins: string[]) {
  const elsewhere = allowedOrigins.flatMap((o) => [o, o.replace(/^http/, 'ws')])
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", ...elsewhere],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  }
}

/**
 * The headers helmet sets, worked out once. (@fastify/helmet builds a new helmet middleware, CSP
 * parsing included, on every request: a tenth of the CPU of a single-event POST. These never change.)
 */
export function securityHeaders(allowedOrigins: string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
  }
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(allowedOrigins) },
    xFrameOptions: { action: 'deny' },
    // HSTS is for whoever ends TLS (the proxy, which knows the site's name and subdomains): sent from
    // here over a LAN's plain http it means nothing, and behind https it would pin every subdomain.
    strictTransportSecurity: false,
  })
  middleware({} as IncomingMessage, res as unknown as ServerResponse, () => {})
  return headers
}

export default fp(
  async (app) => {
    const headers = securityHeaders(app.config.allowedOrigins)
    app.addHook('onRequest', async (_req, reply) => {
      reply.headers(headers)
    })
  },
  { name: 'headers', dependencies: ['context'] },
)
