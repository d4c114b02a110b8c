import Fastify, { type FastifyError, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { RegionIndex } from '../shared/region.ts'
import type { Config } from './config.ts'
import { withoutToken } from './log.ts'
import contextPlugin from './plugins/context.ts'
import { validationDetails } from './errors/validation.ts'
import storePlugin from './plugins/store.ts'
import metricsPlugin from './plugins/metrics.ts'
import headersPlugin from './plugins/headers.ts'
import tokensPlugin from './plugins/tokens.ts'
import originCheck, { SAFE_METHODS } from './plugins/origin-check.ts'
import viewerLink from './plugins/viewer-link.ts'
import socketGate from './plugins/socket-gate.ts'
import routePolicy from './plugins/route-policy.ts'
import overdueTick from './plugins/overdue-tick.ts'
import openapiPlugin from './plugins/openapi.ts'
import websocket from '@fastify/websocket'
import feedPlugin from './plugins/feed.ts'
import type { HubOptions } from './feed/hub.ts'
import wsRoutes from './routes/ws.ts'
import eventsRoutes from './routes/events.ts'
import readRoutes from './routes/reads.ts'
import staticPlugin from './plugins/static.ts'
import { storageUnavailable } from './store/unavailable.ts'
import type { RedisTarget } from './store/connect.ts'
import hazardRoutes from './routes/hazards.ts'
import enterpriseRoutes from './routes/enterprises.ts'
import importRoutes from './routes/import.ts'
import alarmRoutes from './routes/alarms.ts'
import mandateRoutes from './routes/mandates.ts'
import rosterRoutes from './routes/duty.ts'
import { useCompiledEventChecks } from './ingest/compiled-checks.ts'
import { finiteKeyword } from './routes/finite-keyword.ts'

export interface AppOptions {
  config: Config
  region: RegionIndex
  redis: RedisTarget
  clock?: () => number
  keyVariant?: string
  /** Live feed tuning (tests shorten the timers). */
  hub?: Partial<HubOptions>
  logger?: FastifyServerOptions['logger']
}

/** Builds the app; never listens (server/main.ts does, tests inject). */
export async function buildApp(opts: AppOptions) {
  // Every event checked in this process (POST /api/events, imports) uses the compiled schemas.
  useCompiledEventChecks()
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.config.bodyLimit,
    ...(opts.config.trustProxy.length ? { trustProxy: opts.config.trustProxy } : {}),
    // The route schemas' ajv: reject unknown query fields instead of dropping them silently.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
      plugins: [finiteKeyword],
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Fastify's own 404 logs the address as it came: a `?token=` with it.
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `Route ${req.method}:${withoutToken(req.url)} not found` }),
  )

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const where = err.validationContext ?? 'request'
      return reply.code(400).send({
        error: `invalid ${where}`,
        details: validationDetails(where, err.validation),
      })
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: `body too large: at most ${opts.config.bodyLimit} bytes` })
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message })
    }
    if (app.store && storageUnavailable(err, app.store.redis)) {
      req.log.warn({ err }, 'storage unavailable')
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({
          // A write's client must hear that a retry is safe; a read's, only that it may retry.
          error: SAFE_METHODS.has(req.method)
            ? 'storage unavailable: retry shortly'
            : 'storage unavailable: retry with the same event ids (a retry is never counted twice)',
        })
    }
    req.log.error({ err }, 'request failed')
    return reply.code(500).send({ error: 'internal error' })
  })

  await app.register(contextPlugin, { config: opts.config, region: opts.region, clock: opts.clock })
  await app.register(headersPlugin)
  // Before any route: access control is attached to each route as it is registered.
  await app.register(tokensPlugin)
  await app.register(originCheck)
  await app.register(viewerLink)
  await app.register(socketGate)
  await app.register(routePolicy)
  // Before the routes too: it documents each as it is registered.
  await app.register(openapiPlugin, { region: opts.region })
  await app.register(metricsPlugin)
  await app.register(storePlugin, { redis: opts.redis, keyVariant: opts.keyVariant })
  await app.register(overdueTick)
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  await app.register(feedPlugin, { hub: opts.hub })
  await app.register(wsRoutes)
  await app.register(eventsRoutes)
  await app.register(readRoutes)
  await app.register(hazardRoutes)
  await app.register(enterpriseRoutes)
  await app.register(importRoutes)
  await app.register(alarmRoutes)
  await app.register(mandateRoutes)
  await app.register(rosterRoutes)
  await app.register(staticPlugin)
  return app
}
export type App = Awaited<ReturnType<typeof buildApp>>
