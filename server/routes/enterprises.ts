import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { visibleTowns } from '../auth/towns.ts'
import { EnterprisesReply, PickListQuery } from '../../shared/api/lists.ts'
import { RiskLevel } from '../../shared/enums.ts'

const LEVEL = `(${RiskLevel.values.join('|')})`

/** GET /api/enterprises: registered enterprises by id (the entry page's "pick an enterprise"). */
const enterprises: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/enterprises',
    {
      schema: {
        description:
          'Registered enterprises by id, with their town and work state; filter by towns (comma-separated codes), risk levels (comma-separated) and a search text over id and name.',
        querystring: Type.Object(
          {
            ...PickListQuery.properties,
            /** Only these risk levels (a town's page lists its major and significant ones). */
            risk: Type.Optional(Type.String({ pattern: `^${LEVEL}(,${LEVEL})*$` })),
          },
          { additionalProperties: false },
        ),
        response: { 200: EnterprisesReply },
      },
    },
    async (req) => {
      // A reporter limited to some towns sees only theirs.
      const towns = visibleTowns(req.caller, req.query.towns?.split(','))
      const { q, limit } = req.query
      const risk = req.query.risk?.split(',')
      return { enterprises: await app.store.enterprises({ towns, risk, q, limit }) }
    },
  )
}

export default enterprises
