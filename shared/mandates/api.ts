import { Type, type Static } from 'typebox'

// Replies of the mandates' read routes (server/routes/mandates.ts), for the server and the wall.

/** GET /api/enterprise-names?ids=…: the wall names the enterprises it holds points for. */
export const EnterpriseNamesQuery = Type.Object(
  { ids: Type.String({ minLength: 1, maxLength: 20_000 }) },
  { additionalProperties: false },
)
export const EnterpriseNamesReply = Type.Object({
  /** Id → name and town; an id not registered is absent. */
  names: Type.Record(Type.String(), Type.Object({ name: Type.String(), town: Type.String() })),
})
export type EnterpriseNamesReply = Static<typeof EnterpriseNamesReply>

/** Ids asked for at most per request. */
export const NAMES_MAX = 200

/** One day's pair on duty (值班领导 and 值班员, with their extensions). */
export const DutyPair = Type.Object({
  leader: Type.String(),
  leaderExt: Type.String(),
  officer: Type.String(),
  officerExt: Type.String(),
})
export type DutyPair = Static<typeof DutyPair>

/** GET /api/duty: who is on duty now, by the server's clock in region time. */
export const DutyReply = Type.Object({
  /** The roster day on duty: before the day's handover, still the previous day. */
  day: Type.String(),
  /** The region file's handover time (HH:MM, region time). */
  handover: Type.String(),
  /** The server's clock (ms) when it answered, and the next handover (ms): the wall asks again then. */
  now: Type.Number(),
  until: Type.Number(),
  /** The pair on duty; null when the roster names nobody for the day. */
  onDuty: Type.Union([DutyPair, Type.Null()]),
})
export type DutyReply = Static<typeof DutyReply>

/** POST /api/duty/import: the roster imported. */
export const DutyImportDone = Type.Object({
  /** Days the file assigns. */
  days: Type.Integer(),
  /** Days this upload assigned; the others were the same file's, assigned before. */
  applied: Type.Integer(),
  duplicates: Type.Integer(),
  seq: Type.Integer(),
})
export type DutyImportDone = Static<typeof DutyImportDone>

/** A work item as the wall's overdue list shows it. */
export const OverdueTask = Type.Object({
  taskId: Type.String(),
  title: Type.String(),
  owner: Type.String(),
  year: Type.Integer(),
  quarter: Type.Integer(),
  due: Type.String(),
  status: Type.String(),
})
export type OverdueTask = Static<typeof OverdueTask>

/** GET /api/tasks/overdue: items past their due date (region time) and not done, most overdue first. */
export const OverdueTasksReply = Type.Object({
  /** The region's day the answer was judged on. */
  today: Type.String(),
  tasks: Type.Array(OverdueTask),
})
export type OverdueTasksReply = Static<typeof OverdueTasksReply>
