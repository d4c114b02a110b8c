import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  EnterpriseNamesQuery,
  EnterpriseNamesReply,
  NAMES_MAX,
  OverdueTasksReply,
  type OverdueTask,
} from '../../shared/mandates/api.ts'
import { LIMITS } from '../../shared/limits.ts'
import { decodeEnterprise } from '../store/records.ts'
import { ErrorReply } from '../../shared/api/errors.ts'
import { detail } from '../../shared/api/error-codes.ts'

// Reads the mandates' wall panels need beside the live cells (docs/mandates.md).

const ID = new RegExp(LIMITS.idPattern)

const mandates: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/enterprise-names',
    {
      schema: {
        description: `Names and towns of registered enterprises by id (comma-separated, at most ${NAMES_MAX}): the wall's scoring list names the enterprises its cells hold points for.`,
        querystring: EnterpriseNamesQuery,
        response: { 200: EnterpriseNamesReply, 400: ErrorReply },
      },
    },
    async (req, reply) => {
      const ids = [...new Set(req.query.ids.split(','))]
      const bad = ids.findIndex((id) => !ID.test(id) || id.length > LIMITS.entityIdMax)
      if (ids.length > NAMES_MAX || bad >= 0) {
        const problem =
          bad >= 0
            ? detail('/ids', 'id_chars', { min: 1, max: LIMITS.entityIdMax })
            : detail('/ids', 'batch_too_large', { max: NAMES_MAX })
        return reply.code(400).send({ error: 'invalid query', details: [problem] })
      }
      const states = await app.store.redis.hmget(app.store.keys.enterprises, ...ids)
      const names: EnterpriseNamesReply['names'] = {}
      ids.forEach((id, i) => {
        const state = states[i]
        if (state) {
          const { name, town } = decodeEnterprise(state)
          names[id] = { name, town }
        }
      })
      return { names }
    },
  )

  app.get(
    '/api/tasks/overdue',
    {
      schema: {
        description:
          "Work-list items past their due date (region time: an item due on a day is overdue from the next day's start) and not done, most overdue first.",
        response: { 200: OverdueTasksReply },
      },
    },
    async () => {
      const today = app.today()
      const all = await app.store.redis.hgetall(`${app.store.keys.prefix}tasks`)
      const tasks: OverdueTask[] = []
      for (const [taskId, stored] of Object.entries(all)) {
        // year|quarter|owner|due|status|title (lua/mandates.lua)
        const [year, quarter, owner, due, status, ...title] = stored.split('|')
        if (status === 'done' || due >= today) continue
        tasks.push({
          taskId,
          title: title.join('|'),
          owner,
          year: Number(year),
          quarter: Number(quarter),
          due,
          status,
        })
      }
      tasks.sort((a, b) => a.due.localeCompare(b.due) || a.taskId.localeCompare(b.taskId))
      return { today, tasks }
    },
  )
}

export default mandates
