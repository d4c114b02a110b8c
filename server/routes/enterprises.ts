import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { EnterpriseSchema } from '../store/store.ts'
import { visibleTowns } from '../auth/towns.ts'

/** GET /api/enterprises: registered enterprises by id (the entry page's "pick an enterprise"). */
const enterprises: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/enterprises',
    {
      schema: {
        description:
          'Registered enterprises by id, with their town and work state; filter by towns (comma-separated codes) and a search text over id and name.',
        querystring: Type.Object(
          {
            towns: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]+(,[0-9A-Za-z]+)*$' })),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ enterprises: Type.Array(EnterpriseSchema) }) },
      },
    },
    async (req) => {
      // A reporter limited to some towns sees only theirs.
      const towns = visibleTowns(req.caller, req.query.towns?.split(','))
      return { enterprises: await app.store.enterprises({ towns, q: req.query.q, limit: req.query.limit }) }
    },
  )
}

export default enterprises
