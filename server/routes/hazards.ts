import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { visibleTowns } from '../auth/towns.ts'
import { HazardsReply, PickListQuery } from '../../shared/api/lists.ts'
import { townNamesOf } from '../../shared/search.ts'
import { HazardGrade } from '../../shared/enums.ts'

/** GET /api/hazards: open hazards, newest first (the entry page's "pick a hazard to update"). */
const hazards: FastifyPluginAsyncTypebox = async (app) => {
  const townNames = townNamesOf(app.region)
  app.get(
    '/api/hazards',
    {
      schema: {
        description:
          'Open hazards (not closed), newest first; filter by towns (comma-separated codes), a search text (id, title, enterprise or town name), grade, and overdue.',
        querystring: Type.Object(
          {
            ...PickListQuery.properties,
            /** Only this grade (the wall's rotation of open major hazards). */
            grade: Type.Optional(Type.Enum([...HazardGrade.values])),
            /** Only overdue ones (the wall's rotation of every overdue hazard). */
            overdue: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: HazardsReply },
      },
    },
    async (req) => {
      // A reporter limited to some towns sees only theirs.
      const towns = visibleTowns(req.caller, req.query.towns?.split(','))
      return {
        hazards: await app.store.openHazards({
          towns,
          q: req.query.q,
          limit: req.query.limit,
          townNames,
          grade: req.query.grade,
          overdue: req.query.overdue,
        }),
      }
    },
  )
}

export default hazards
