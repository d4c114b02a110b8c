import { writableProblem } from '../store/connect.ts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { buildSnapshot } from '../../shared/summary.ts'
import { Snapshot } from '../../shared/api/snapshot.ts'
import { RegionsReply, regionsReply } from '../../shared/api/regions.ts'
import { HealthReply, NotReadyReply } from '../../shared/api/health.ts'
import type { RegionCaller } from '../../shared/access.ts'

const reads: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/snapshot',
    {
      schema: {
        description: 'Every number the wall shows, at one seq.',
        response: { 200: Snapshot },
      },
    },
    async () => {
      const state = await app.store.readState(app.today(), app.clock())
      return buildSnapshot(state, app.region)
    },
  )

  app.get(
    '/api/regions',
    {
      schema: {
        description:
          'Towns, domains with their industries, thresholds and enumerations: what forms and labels are built from; and who asked (`caller`).',
        response: { 200: RegionsReply },
      },
    },
    async (req) => {
      const c = req.caller
      const caller: RegionCaller = c
        ? { name: c.name, role: c.role, towns: c.towns?.length ? c.towns : null }
        : { name: null, role: 'admin', towns: null }
      return regionsReply(app.region, caller)
    },
  )

  // Probes and scrapes come every few seconds: logged only when something goes wrong. Probes are
  // not rate limited: behind a proxy every anonymous caller shares one budget, and a probe answered
  // 429 would have a supervisor restart a healthy server.
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      config: { rateLimit: false },
      schema: { response: { 200: HealthReply } },
    },
    async () => ({ ok: true }),
  )

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      config: { rateLimit: false },
      schema: {
        response: {
          200: HealthReply,
          503: NotReadyReply,
        },
      },
    },
    async (_req, reply) => {
      // Ready means the region's writes can be taken: a primary for its slot (a replica answers
      // reads, and a Sentinel or Cluster failover leaves a few seconds without one).
      const problem = await writableProblem(app.store.redis, app.store.keys.seq)
      return problem ? reply.code(503).send({ ok: false, error: problem }) : { ok: true }
    },
  )
}

export default reads
