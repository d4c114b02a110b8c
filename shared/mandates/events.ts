import { Type, type Static } from 'typebox'
import { LIMITS } from '../limits.ts'
import { Code, Count, EntityId, Enum, event } from '../event-base.ts'
import { RESOURCE_KINDS } from './readiness.ts'
import { EXTENSION_PATTERN } from './duty.ts'
import { TASK_STATUSES } from './tasks.ts'

// Events of the conference's other mandates (docs/mandates.md), additive to API contract v1: a v1
// client never sends them and never needs to read them.

/** 主要负责人安全生产记分: points against an enterprise's principal, for a reason of the region's point table. */
export const PrincipalScored = event('principal.scored', {
  scoreId: EntityId,
  enterpriseId: EntityId,
  reason: Code,
  /** Required when the reason's points are a range; filled in by the server when they are fixed. */
  points: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
  /** The principal's name: kept in the log, never shown on the wall. */
  principal: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.nameMax })),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

/** A wrong score undone (admins only); the score and its undoing both stay in the log. */
export const PrincipalScoreRevoked = event('principal.score_revoked', {
  scoreId: EntityId,
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

/** 应急资源: a rescue team, a supply warehouse, an expert or equipment, in a town (ids are for good). */
export const ResourceRegistered = event('resource.registered', {
  resourceId: EntityId,
  kind: Enum(RESOURCE_KINDS.map((k) => k.value)),
  name: Type.String({ minLength: 1, maxLength: LIMITS.nameMax }),
  town: Code,
  domain: Type.Optional(Code),
  /** People (a team) or items (a warehouse, equipment). */
  size: Type.Optional(Count),
})

export const ResourceRetired = event('resource.retired', {
  resourceId: EntityId,
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

/** 应急演练: a drill held in a town; counted against the town's quarter plan (region file). */
export const DrillCompleted = event('drill.completed', {
  drillId: EntityId,
  town: Code,
  domain: Code,
  participants: Count,
  scenario: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.titleMax })),
})

const Person = Type.String({ minLength: 1, maxLength: LIMITS.nameMax })
const Extension = Type.String({ pattern: EXTENSION_PATTERN })

/**
 * 值班值守: who is on duty at the command center on a region-time `day` (from that day's handover to
 * the next). Admins only; assigning a day again replaces its pair.
 */
export const DutyAssigned = event('duty.assigned', {
  day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  leader: Person,
  leaderExt: Extension,
  officer: Person,
  officerExt: Extension,
})

/** 全年工作要点、季度工作清单: an item of the year's work, owned by a department, for a quarter, with its due date (admins only). */
export const TaskDefined = event('task.defined', {
  taskId: EntityId,
  title: Type.String({ minLength: 1, maxLength: LIMITS.titleMax }),
  /** A department of the region file's `mandates.departments`. */
  owner: Code,
  year: Type.Integer({ minimum: LIMITS.yearMin, maximum: LIMITS.yearMax }),
  quarter: Type.Integer({ minimum: 1, maximum: 4 }),
  due: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
})

/** A work item's state: not started, in progress or done (any move, a done item reopened included). */
export const TaskProgress = event('task.progress', {
  taskId: EntityId,
  status: Enum([...TASK_STATUSES]),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

export const MANDATE_EVENT_SCHEMAS = {
  'principal.scored': PrincipalScored,
  'principal.score_revoked': PrincipalScoreRevoked,
  'resource.registered': ResourceRegistered,
  'resource.retired': ResourceRetired,
  'drill.completed': DrillCompleted,
  'duty.assigned': DutyAssigned,
  'task.defined': TaskDefined,
  'task.progress': TaskProgress,
} as const

export type PrincipalScored = Static<typeof PrincipalScored>
export type PrincipalScoreRevoked = Static<typeof PrincipalScoreRevoked>
export type ResourceRegistered = Static<typeof ResourceRegistered>
export type ResourceRetired = Static<typeof ResourceRetired>
export type DrillCompleted = Static<typeof DrillCompleted>
export type DutyAssigned = Static<typeof DutyAssigned>
export type TaskDefined = Static<typeof TaskDefined>
export type TaskProgress = Static<typeof TaskProgress>
export type MandateEvent =
  | PrincipalScored
  | PrincipalScoreRevoked
  | ResourceRegistered
  | ResourceRetired
  | DrillCompleted
  | DutyAssigned
  | TaskDefined
  | TaskProgress
export type MandateEventType = keyof typeof MANDATE_EVENT_SCHEMAS

/** Events only an admin may push (a reporter's token is refused 403 for them). */
export const ADMIN_EVENT_TYPES: ReadonlySet<string> = new Set<MandateEventType>([
  'principal.score_revoked',
  'duty.assigned',
  'task.defined',
])
