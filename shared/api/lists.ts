import { Type, type Static } from 'typebox'
import { QueryInteger } from './query.ts'
import { RiskLevel, WorkState } from '../enums.ts'

// GET /api/hazards and GET /api/enterprises: the lists the entry page picks from.

/** The query of a pick list: towns (comma-separated codes), a search text, how many. */
export const PickListQuery = Type.Object(
  {
    towns: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]+(,[0-9A-Za-z]+)*$' })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: QueryInteger({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
)

export const OpenHazard = Type.Object(
  {
    hazardId: Type.String(),
    /** The number its ledger gave it, when that was no valid id (hazardId was made from it). */
    number: Type.Optional(Type.String()),
    title: Type.String(),
    town: Type.String(),
    domain: Type.String(),
    industry: Type.Optional(Type.String()),
    grade: Type.String(),
    status: Type.String(),
    /** Overdue after this instant (ms). */
    deadline: Type.Number(),
    reportedAt: Type.String(),
    enterprise: Type.Optional(Type.String()),
    overdue: Type.Boolean(),
    /** 临期: the deadline is at most the region's dueSoonDays away. */
    dueSoon: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type OpenHazard = Static<typeof OpenHazard>

export const HazardsReply = Type.Object({ hazards: Type.Array(OpenHazard) }, { additionalProperties: false })
export type HazardsReply = Static<typeof HazardsReply>

export const Enterprise = Type.Object(
  {
    enterpriseId: Type.String(),
    name: Type.String(),
    town: Type.String(),
    domain: Type.String(),
    industry: Type.Optional(Type.String()),
    riskLevel: Type.Enum(RiskLevel.values),
    /** The work state last reported; absent when it never stopped or resumed. */
    work: Type.Optional(Type.Enum(WorkState.values)),
  },
  { additionalProperties: false },
)
export type Enterprise = Static<typeof Enterprise>

export const EnterprisesReply = Type.Object(
  { enterprises: Type.Array(Enterprise) },
  { additionalProperties: false },
)
export type EnterprisesReply = Static<typeof EnterprisesReply>
