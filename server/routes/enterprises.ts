import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { visibleTowns } from '../auth/towns.ts'
import { EnterprisesReply, PickListQuery } from '../../shared/api/lists.ts'

/** GET /api/enterprises: registered enterprises by id (the entry page's "pick an enterprise"). */
const enterprises: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/enterprises',
    {
      schema: {
        description:
          'Registered enterprises by id, with their town and work state; filter by towns (comma-separated codes) and a search text over id and name.',
        querystring: PickListQuery,
        response: { 200: EnterprisesReply },
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
