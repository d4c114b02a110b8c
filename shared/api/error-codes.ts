// Every code an error detail can carry (`details[].code`), with its params and the English message
// sent beside it. Clients turn code and params into their own language; nobody parses the message.
// A new refusal adds its code here (and to docs/http-api.md, "Error codes"); a code is never reused
// for another meaning.

type Params = Record<string, string | number | string[]>

const define = <const T extends Record<string, (p: never) => string>>(messages: T) => messages

export const ERROR_MESSAGES = define({
  // The request's shape (schema checks: events, queries, paths)
  /** A required field is missing. */
  required: () => 'is required',
  /** A field the event type (or the query) does not have. */
  not_known_field: () => 'is not a known field',
  /** An event that is not a JSON object. */
  not_object: () => 'must be an object',
  /** Not one of the allowed values (`type`, enumerations). */
  one_of: (p: { allowed: string[] }) => `must be one of ${p.allowed.join(', ')}`,
  too_short: (p: { min: number }) => `must not have fewer than ${p.min} characters`,
  too_long: (p: { max: number }) => `must not have more than ${p.max} characters`,
  too_small: (p: { min: number }) => `must be >= ${p.min}`,
  too_large: (p: { max: number }) => `must be <= ${p.max}`,
  /** A value of another JSON type (`type`: integer, number, string, boolean, object, array). */
  wrong_type: (p: { type: string }) => `must be ${p.type}`,
  /** An event id (`min` 8) or entity id (`min` 1) with other characters, or of another length. */
  id_chars: (p: { min: number; max: number }) =>
    `must be ${p.min}–${p.max} characters of A-Z a-z 0-9 _ - : .`,
  /** `deadline`: not an ISO date or date-time. */
  date: () => 'must be an ISO date or date-time',
  /** A calendar day (a roster's `day`, a work item's `due`) not written YYYY-MM-DD. */
  day: () => 'must be a date YYYY-MM-DD',
  /** A telephone extension (a roster's `leaderExt`, `officerExt`) of other characters or longer. */
  extension: () => 'must be digits (a hyphen allowed), at most 20',
  /** `at`: not an ISO 8601 date-time with offset. */
  date_time: () => 'must be an ISO 8601 date-time with offset',
  /** `at` of the date-time form that names no instant (a leap second, 24:00). */
  not_real_instant: () => 'is not a real instant',
  /** A text holding a lone UTF-16 surrogate: not valid Unicode, so it cannot be stored. */
  lone_surrogate: () => 'is not valid Unicode (a lone UTF-16 surrogate)',
  /** A date or time outside the years events may name (`min`–`max`). */
  out_of_years: (p: { min: number; max: number }) => `must be in the years ${p.min}–${p.max}`,
  /** Any other schema rule (`keyword` names it); the message is the validator's. */
  invalid: (p: { keyword: string; message: string }) => p.message,
  // A batch
  not_array: () => 'must be an array',
  empty: () => 'must not be empty',
  batch_too_large: (p: { max: number }) => `must hold at most ${p.max} events`,
  // The region's rules
  unknown_town: (p: { town: string }) => `unknown town "${p.town}"`,
  unknown_domain: (p: { domain: string }) => `unknown domain "${p.domain}"`,
  /** A work item's owner not among the region's departments (`allowed`: their ids). */
  unknown_department: (p: { allowed: string[] }) => `must be one of the departments ${p.allowed.join(', ')}`,
  industry_not_of_domain: (p: { industry: string; domain: string }) =>
    `"${p.industry}" is not an industry of domain ${p.domain}`,
  /** A date that does not exist (2026-02-30). */
  not_real_date: () => 'is not a real date',
  /** An accident's given grade that Decree 493 does not give its figures (`grade`: the one it does). */
  grade_disagrees: (p: { grade: string }) =>
    `disagrees with the figures: Decree 493 grades them "${p.grade}"`,
  /** `at` more than 10 minutes ahead of the server's clock. */
  future: () => 'is in the future',
  /** A deadline not after the hazard's stated found time (`day`: the day it was found, region time). */
  deadline_before_found: (p: { day: string }) => `is before the hazard was reported (${p.day})`,
  // The state (409: nothing applied)
  /** A hazard, inspection or accident id reported before (`field` names which id). */
  already_reported: (p: { field: string; id: string }) =>
    `${p.field === 'hazardId' ? 'hazard' : p.field} ${p.id} was already reported`,
  unknown_hazard: (p: { hazardId: string }) => `unknown hazard ${p.hazardId}`,
  /** A status move the hazard's lifecycle does not allow from where it is now. */
  illegal_move: (p: { hazardId: string; from: string; to: string }) =>
    `hazard ${p.hazardId} cannot move from ${p.from} to ${p.to}`,
  unregistered_enterprise: (p: { enterpriseId: string }) => `enterprise ${p.enterpriseId} is not registered`,
  /** A principal-person score whose id was filed before. */
  score_already_filed: (p: { scoreId: string }) => `scoreId ${p.scoreId} was already filed`,
  unknown_score: (p: { scoreId: string }) => `unknown score ${p.scoreId}`,
  score_already_revoked: (p: { scoreId: string }) => `score ${p.scoreId} was already revoked`,
  alarm_already_acknowledged: (p: { alarmId: string }) => `alarm ${p.alarmId} was already acknowledged`,
  unknown_alarm: (p: { alarmId: string }) => `unknown alarm ${p.alarmId}`,
  /** A resource id registered before (resource ids are permanent, like hazard ids). */
  resource_already_registered: (p: { resourceId: string }) =>
    `resourceId ${p.resourceId} was already registered`,
  unknown_resource: (p: { resourceId: string }) => `unknown resource ${p.resourceId}`,
  resource_already_retired: (p: { resourceId: string }) => `resource ${p.resourceId} was already retired`,
  /** A work item id defined before (ids are permanent). */
  task_already_defined: (p: { taskId: string }) => `taskId ${p.taskId} was already defined`,
  /** Progress on a work item never defined. */
  unknown_task: (p: { taskId: string }) => `unknown task ${p.taskId}`,
  // The token (403)
  /** An event only an admin may send (`type`), from another role's token. */
  needs_admin: (p: { type: string }) => `${p.type} needs an admin token`,
  /** `alarm.acknowledged` from a token that is neither duty nor admin. */
  needs_duty: (p: { tokenId: string; role: string }) =>
    `acknowledging an alarm needs a duty or admin token; token ${p.tokenId} is a ${p.role}`,
  /** A duty token sending anything but `alarm.acknowledged`. */
  only_acknowledges: (p: { role: string; type: string }) =>
    `a ${p.role} token may only acknowledge alarms, not send ${p.type}`,
  /**
   * An event for a town the token does not cover. `action`: is_for (the event's town),
   * changes_hazard / changes_enterprise / moves_enterprise / scores_enterprise / retires_resource (the town of the hazard or enterprise
   * `entityId` it touches); `allowed`: the token's towns.
   */
  foreign_town: (p: {
    eventId: string
    action:
      | 'is_for'
      | 'changes_hazard'
      | 'changes_enterprise'
      | 'moves_enterprise'
      | 'scores_enterprise'
      | 'retires_resource'
    entityId?: string
    town: string
    townName: string
    allowed: string[]
  }) => {
    const what = {
      is_for: 'is for',
      changes_hazard: `changes hazard ${p.entityId} of`,
      changes_enterprise: `changes enterprise ${p.entityId} of`,
      moves_enterprise: `moves enterprise ${p.entityId} of`,
      scores_enterprise: `scores enterprise ${p.entityId} of`,
      retires_resource: `retires resource ${p.entityId} of`,
    }[p.action]
    return `event ${p.eventId} ${what} town ${p.town} (${p.townName}): this token may only write for ${p.allowed.join(', ')}`
  },
})

export type ErrorCode = keyof typeof ERROR_MESSAGES
export type ErrorParams<C extends ErrorCode> = Parameters<(typeof ERROR_MESSAGES)[C]>[0]
export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[]

/** One problem with a request, as `details[]` carries it. */
export interface CodedDetail {
  path: string
  message: string
  code: ErrorCode
  params: Params
}

/** A detail at `path` with its code, its params and the English message made from them. */
export function detail<C extends ErrorCode>(
  path: string,
  code: C,
  ...params: ErrorParams<C> extends undefined ? [] : [ErrorParams<C>]
): CodedDetail {
  const p = (params[0] ?? {}) as Params
  const message = (ERROR_MESSAGES[code] as (p: Params) => string)(p)
  return { path, message, code, params: p }
}
