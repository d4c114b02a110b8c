import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AlarmSchema } from '../../shared/alarms.ts'
import { AccidentRecordSchema } from '../../shared/accident-list.ts'
import { PickListQuery } from '../../shared/api/lists.ts'

// The alarms (shared/alarms.ts), newest first: what the duty view lists. And the accident list the
// wall rotates through. Acknowledging one is an
// event (`alarm.acknowledged`, POST /api/events), so it is logged with who did it.

const alarms: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/alarms',
    {
      schema: {
        description:
          'Alarms, newest first: `open=true` only those not yet acknowledged. Acknowledge one with the event { type: "alarm.acknowledged", alarmId }.',
        querystring: Type.Object(
          {
            open: Type.Boolean({ default: false }),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ alarms: Type.Array(AlarmSchema) }) },
      },
    },
    async (req) => ({ alarms: await app.store.alarms({ open: req.query.open, limit: req.query.limit }) }),
  )

  app.get(
    '/api/accidents',
    {
      schema: {
        description:
          "Accidents of a year (default this one, region time), newest first, optionally of some towns (comma-separated codes): the wall's accident list.",
        querystring: Type.Object(
          {
            year: Type.Optional(Type.String({ pattern: '^\\d{4}$' })),
            /** Only these towns (a town's page of the wall). */
            towns: PickListQuery.properties.towns,
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ accidents: Type.Array(AccidentRecordSchema) }) },
      },
    },
    async (req) => ({
      accidents: await app.store.accidents({
        year: req.query.year ?? app.today().slice(0, 4),
        timeZone: app.region.timeZone,
        towns: req.query.towns?.split(','),
        limit: req.query.limit,
      }),
    }),
  )
}

export default alarms
