import { writableProblem } from '../store/connect.ts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  AccidentGrade,
  HazardGrade,
  HazardSource,
  HazardStatus,
  RiskLevel,
  WorkState,
} from '../../shared/enums.ts'
import { buildSnapshot } from '../../shared/summary.ts'
import { alarmRules } from '../../shared/region.ts'
import { RegionCallerSchema, type RegionCaller } from '../../shared/access.ts'

const reads: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/snapshot',
    {
      schema: {
        description: 'Every number the wall shows, at one seq.',
        response: {
          200: Type.Object(
            { seq: Type.Integer(), region: Type.String(), day: Type.String(), asOf: Type.Number() },
            { additionalProperties: true },
          ),
        },
      },
    },
    async () => {
      const state = await app.store.readState(app.today(), app.clock())
      return buildSnapshot(state, app.region.region)
    },
  )

  // Static for the life of the process: built once.
  const { region } = app.region
  const enums = { HazardGrade, HazardStatus, RiskLevel, AccidentGrade, WorkState, HazardSource }
  const regions = {
    region: region.region,
    timeZone: region.timeZone,
    thresholds: region.thresholds,
    alarms: alarmRules(region),
    towns: region.towns,
    domains: region.domains,
    enums: Object.fromEntries(Object.entries(enums).map(([k, v]) => [k, v.entries])),
  }
  app.get(
    '/api/regions',
    {
      schema: {
        description:
          'Towns, domains with their industries, thresholds and enumerations: what forms and labels are built from; and who asked (`caller`).',
        response: {
          200: Type.Object(
            {
              region: Type.Object({ code: Type.String() }, { additionalProperties: true }),
              caller: RegionCallerSchema,
            },
            { additionalProperties: true },
          ),
        },
      },
    },
    async (req) => {
      const c = req.caller
      const caller: RegionCaller = c
        ? { name: c.name, role: c.role, towns: c.towns?.length ? c.towns : null }
        : { name: null, role: 'admin', towns: null }
      return { ...regions, caller }
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
      schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } },
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
          200: Type.Object({ ok: Type.Boolean() }),
          503: Type.Object({ ok: Type.Boolean(), error: Type.String() }),
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
