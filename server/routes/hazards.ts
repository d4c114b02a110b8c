import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { visibleTowns } from '../auth/towns.ts'
import { HazardsReply, PickListQuery } from '../../shared/api/lists.ts'
import { townNamesOf } from '../../shared/search.ts'

/** GET /api/hazards: open hazards, newest first (the entry page's "pick a hazard to update"). */
const hazards: FastifyPluginAsyncTypebox = async (app) => {
  const townNames = townNamesOf(app.region)
  app.get(
    '/api/hazards',
    {
      schema: {
        description:
          'Open hazards (not closed), newest first; filter by towns (comma-separated codes) and a search text (id, title, enterprise or town name).',
        querystring: PickListQuery,
        response: { 200: HazardsReply },
      },
    },
    async (req) => {
      // A reporter limited to some towns sees only theirs.
      const towns = visibleTowns(req.caller, req.query.towns?.split(','))
      return {
        hazards: await app.store.openHazards({ towns, q: req.query.q, limit: req.query.limit, townNames }),
      }
    },
  )
}

export default hazards
