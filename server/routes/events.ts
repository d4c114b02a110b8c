import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { checkEvents, type AcceptedEvent } from '../../shared/events.ts'
import { asLogged, prepareEvent, raisesByRules } from '../ingest/prepare.ts'
import { alarmRules } from '../../shared/region.ts'
import { ErrorReply } from '../../shared/api/errors.ts'
import { IngestBody, IngestReply, LogPage, LogQuery } from '../../shared/api/events.ts'
import { foreignTownDetail, foreignTownEvents } from '../auth/towns.ts'
import { eventRoleRefusals, eventsNeedingAdmin } from '../auth/event-roles.ts'

/** Ids or problems named in one log line; a batch of 500 says how many, not all of them. */
const LOGGED_MAX = 10

const events: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/events',
    {
      schema: {
        description:
          'Push one event, or { events: [...] }. Checked whole, applied atomically and exactly once.',
        // Checked by checkEvents (shared with the entry form), for one error per field with its path.
        body: IngestBody,
        response: {
          200: IngestReply,
          400: ErrorReply,
          403: ErrorReply,
          409: ErrorReply,
          413: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      const now = app.clock()
      const checked = checkEvents(req.body, { region: app.region, batchMax: app.config.batchLimit, now })
      // Events applied under an earlier build's rules and resent after an upgrade tightened them (a
      // phone's outbox): they were accepted once, so they are duplicates, not a refusal.
      // The log says who pushed what and why it was refused: what an operator needs when an
      // inspector says "my report didn't go through" (the event log holds only what was accepted).
      const by = req.caller?.name
      const resent = !checked.ok && checked.wellFormed && (await allApplied(app, checked.wellFormed, by, now))
      if (!checked.ok && !resent) {
        req.log.info({ by, details: checked.details.slice(0, LOGGED_MAX) }, 'events refused: invalid')
        return reply.code(400).send({ error: 'invalid event', details: checked.details })
      }
      const events = checked.ok ? checked.events : (checked.wellFormed ?? [])
      const inBatch = req.body !== null && typeof req.body === 'object' && 'events' in req.body
      const wrongRole = eventRoleRefusals(req.caller, events, inBatch)
      if (wrongRole.length) {
        req.log.info({ by, details: wrongRole.slice(0, LOGGED_MAX) }, 'events refused: not their role')
        return reply.code(403).send({ error: 'not your role', details: wrongRole })
      }
      const adminOnly = eventsNeedingAdmin(req.caller, events, inBatch)
      if (adminOnly.length) {
        req.log.info({ by, details: adminOnly.slice(0, LOGGED_MAX) }, 'events refused: admins only')
        return reply.code(403).send({ error: 'admins only', details: adminOnly })
      }
      // A reporter limited to some towns: any event for another town refuses the whole request.
      const foreign = foreignTownEvents(req.caller, events, { region: app.region, inBatch })
      if (foreign.length) {
        req.log.info({ by, details: foreign.slice(0, LOGGED_MAX) }, 'events refused: not their town')
        return reply.code(403).send({ error: 'not your town', details: foreign })
      }
      if (resent) {
        req.log.info(
          { events: events.length },
          'resent events a rule now refuses were applied before: answered duplicate',
        )
        // A duplicate is an acknowledgement: only once the first write is replicated (REDIS_WAIT_REPLICAS).
        await app.store.confirmReplicated()
        return { applied: [], duplicates: events.map((e) => e.id), seq: await app.store.currentSeq() }
      }
      const tz = app.region.timeZone
      const raises = raisesByRules(alarmRules(app.region), now)
      // `by`: which token pushed it, for the audit; `campaign`: the one it counts in (server-set; a
      // client cannot send either).
      const towns = req.caller?.towns
      const outcome = await app.store.ingest(
        events.map((e) => prepareEvent(asLogged(e, by, app.region), tz, raises)),
        now,
        { towns },
      )
      if (!outcome.ok) {
        const base = inBatch ? `/events/${outcome.index}` : ''
        if (outcome.town !== undefined && towns) {
          // The hazard or enterprise it changes is in another town, as the script found it.
          const details = [
            foreignTownDetail(events[outcome.index], outcome.field, outcome.town, {
              towns,
              region: app.region,
              base,
            }),
          ]
          req.log.info({ by, details }, 'events refused: not their town')
          return reply.code(403).send({ error: 'not your town', details })
        }
        const path = `${base}/${outcome.field}`
        const details = [{ path, message: outcome.reason, code: outcome.code, params: outcome.params }]
        req.log.info({ by, details }, 'events refused: conflict')
        return reply.code(409).send({ error: 'conflict', details })
      }
      app.metrics.eventsApplied.inc(outcome.applied.length)
      req.log.info(
        {
          by,
          seq: outcome.seq,
          applied: outcome.applied.length,
          duplicates: outcome.duplicates.length,
          ids: outcome.applied.slice(0, LOGGED_MAX),
        },
        'events applied',
      )
      return { applied: outcome.applied, duplicates: outcome.duplicates, seq: outcome.seq }
    },
  )

  app.get(
    '/api/events',
    {
      schema: {
        description: 'The event log, oldest first: every accepted event (and overdue ticks) with its seq.',
        querystring: LogQuery,
        response: { 200: LogPage },
      },
    },
    async (req) => {
      const entries = await app.store.readLog(req.query.after, req.query.limit)
      const next = entries.length === req.query.limit ? entries[entries.length - 1].seq : null
      return { entries, next }
    },
  )
}

/** Whether every one of these events was applied before by this writer (it is in its dedupe memory). */
async function allApplied(
  app: FastifyInstance,
  events: AcceptedEvent[],
  by: string | undefined,
  now: number,
): Promise<boolean> {
  return (
    await app.store.seenEvents(
      events.map((e) => ({ id: e.id, by })),
      now,
    )
  ).every(Boolean)
}

export default events
