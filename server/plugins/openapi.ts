import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Type } from 'typebox'
import type { RegionIndex } from '../../shared/region.ts'
import { EVENT_SCHEMAS } from '../../shared/events.ts'
import { batchExample, errorExamples, eventExamples } from '../openapi/examples.ts'

// The API reference for integrators (enterprise systems, department databases): an OpenAPI document
// generated from the route schemas, at /api/openapi.json, and a reference page at /api/docs whose
// scripts and styles ship with @fastify/swagger-ui (no CDN: command centers have no internet).
// Register it before the routes: it collects them as they are added.

export const OPENAPI_PATH = '/api/openapi.json'
export const DOCS_PREFIX = '/api/docs'

/** The body POST /api/events takes, for the document: checkEvents, not the route, checks it. */
function ingestBodyDoc(region: RegionIndex) {
  const events = eventExamples(region)
  const oneEvent = Type.Union(Object.values(EVENT_SCHEMAS))
  const examples = { ...events, batch: batchExample(events) }
  return {
    ...Type.Union([oneEvent, Type.Object({ events: Type.Array(oneEvent) }, { additionalProperties: false })]),
    description: 'One event, or { events: [...] } (at most BATCH_LIMIT). Unknown fields are errors.',
    'x-examples': Object.fromEntries(Object.entries(examples).map(([name, e]) => [name, e])),
  }
}

export default fp<{ region: RegionIndex }>(
  async (app, opts) => {
    const errors = errorExamples(opts.region)
    const ingestBody = ingestBodyDoc(opts.region)
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Lookout API',
          version: '1',
          description:
            'Push work-safety events to the wall and read what it shows. Events (API contract v1) are applied ' +
            'atomically and exactly once: resend with the same ids after any failure. Errors answer ' +
            '{ error, details: [{ path, message, code, params }] }: handle `code` (listed under ErrorDetail), show `message` to a person. ' +
            'See docs/http-api.md.',
        },
        components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
        security: [{ token: [] }],
      },
      // Examples of every error a route can answer, and of every event type for the push.
      transform: ({ schema, url, route }) => {
        if (!schema) return { schema, url }
        const response = Object.fromEntries(
          Object.entries((schema.response ?? {}) as Record<string, object>).map(([status, reply]) => {
            const examples = errors[Number(status)]
            return [status, examples ? { ...reply, 'x-examples': examples } : reply]
          }),
        )
        const isPush = url === '/api/events' && [route.method].flat().includes('POST')
        return { schema: { ...schema, response, ...(isPush ? { body: ingestBody } : {}) }, url }
      },
    })
    app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger())
    await app.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      // No call to an online validator; the page's own scripts only (server/plugins/headers.ts CSP).
      validatorUrl: false,
      uiConfig: { deepLinking: true },
    })
  },
  { name: 'openapi' },
)
