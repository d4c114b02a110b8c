import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { OpenHazardSchema } from '../store/store.ts'
import { visibleTowns } from '../auth/towns.ts'

/** GET /api/hazards: open hazards, newest first (the entry page's "pick a hazard to update"). */
const hazards: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/hazards',
    {
      schema: {
        description: 'Open hazards (not closed), newest first; filter by towns (comma-separated codes) and a search text.',
        querystring: Type.Object(
          {
            towns: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]+(,[0-9A-Za-z]+)*$' })),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ hazards: Type.Array(OpenHazardSchema) }) },
      },
    },
    async (req) => {
      // A reporter limited to some towns sees only theirs.
      const towns = visibleTowns(req.caller, req.query.towns?.split(','))
      return { hazards: await app.store.openHazards({ towns, q: req.query.q, limit: req.query.limit }) }
    },
  )
}

export default hazards
