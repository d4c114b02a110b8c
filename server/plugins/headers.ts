import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'
import type { Config } from '../config.ts'

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

export default fp<{ config: Config }>(
  async (app, opts) => {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(opts.config.allowedOrigins) },
      xFrameOptions: { action: 'deny' },
    })
  },
  { name: 'headers' },
)
