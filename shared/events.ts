import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { AccidentGrade, HazardGrade, HazardSource, HazardStatus, RiskLevel, WorkState } from './enums.ts'
import { LIMITS } from './limits.ts'
import { accidentGrade } from './accident.ts'
import { AlarmAcknowledgedProps } from './alarms.ts'
import { deadlineMs, inDateRange, regionDay } from './time.ts'
import type { RegionIndex } from './region.ts'
import type { ErrorDetail } from './api/errors.ts'
import { Code, Count, DATE_OR_DATETIME, Enum, EntityId, event } from './event-base.ts'
import { MANDATE_EVENT_SCHEMAS, type MandateEvent } from './mandates/events.ts'
import { completeMandateEvent, mandateRuleErrors } from './mandates/rules.ts'
import { mandatesOf } from './mandates/defaults.ts'
import { detail } from './api/error-codes.ts'

// API contract v1: the events data-entry clients push. Defined once; the server validates with it,
// the entry form validates with it, and the types below come from it.

export const HazardReported = event('hazard.reported', {
  hazardId: EntityId,
  town: Code,
  domain: Code,
  industry: Type.Optional(Code),
  grade: Enum(HazardGrade.values),
  title: Type.String({ minLength: 1, maxLength: LIMITS.titleMax }),
  deadline: Type.String({ pattern: DATE_OR_DATETIME }),
  enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.enterpriseMax })),
  source: Type.Optional(Enum(HazardSource.values)),
  /**
   * The hazard's number as its ledger writes it (黄桥2026-001, 〔2026〕12号), when that is no valid id
   * and `hazardId` was made from it; shown and searched beside the id.
   */
  number: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.entityIdMax })),
})

export const HazardStatusChanged = event('hazard.status', {
  hazardId: EntityId,
  status: Enum(HazardStatus.values.filter((s) => s !== 'reported')),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

export const InspectionCompleted = event('inspection.completed', {
  inspectionId: EntityId,
  town: Code,
  domain: Code,
  industry: Type.Optional(Code),
  enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.enterpriseMax })),
  hazardsFound: Count,
})

export const AccidentReported = event('accident.reported', {
  accidentId: EntityId,
  town: Code,
  domain: Code,
  industry: Type.Optional(Code),
  deaths: Count,
  seriousInjuries: Count,
  directLossYuan: Type.Integer({ minimum: 0, maximum: 1e13 }),
  grade: Type.Optional(Enum(AccidentGrade.values)),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.titleMax })),
})

export const EnterpriseRegistered = event('enterprise.registered', {
  enterpriseId: EntityId,
  name: Type.String({ minLength: 1, maxLength: LIMITS.nameMax }),
  town: Code,
  domain: Code,
  industry: Type.Optional(Code),
  riskLevel: Enum(RiskLevel.values),
})

export const EnterpriseWork = event('enterprise.work', {
  enterpriseId: EntityId,
  state: Enum(WorkState.values),
  preCheckDone: Type.Boolean(),
})

/** Clears an alarm on every wall (shared/alarms.ts); only a duty officer's or an admin's token may send it. */
export const AlarmAcknowledged = event('alarm.acknowledged', AlarmAcknowledgedProps)

export const EVENT_SCHEMAS = {
  'hazard.reported': HazardReported,
  'hazard.status': HazardStatusChanged,
  'inspection.completed': InspectionCompleted,
  'accident.reported': AccidentReported,
  'enterprise.registered': EnterpriseRegistered,
  'enterprise.work': EnterpriseWork,
  'alarm.acknowledged': AlarmAcknowledged,
  ...MANDATE_EVENT_SCHEMAS,
} as const

export type EventType = keyof typeof EVENT_SCHEMAS
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[]

export type HazardReported = Static<typeof HazardReported>
export type HazardStatusChanged = Static<typeof HazardStatusChanged>
export type InspectionCompleted = Static<typeof InspectionCompleted>
export type AccidentReported = Static<typeof AccidentReported>
export type EnterpriseRegistered = Static<typeof EnterpriseRegistered>
export type EnterpriseWork = Static<typeof EnterpriseWork>
export type AlarmAcknowledged = Static<typeof AlarmAcknowledged>
export type LookoutEvent =
  | HazardReported
  | HazardStatusChanged
  | InspectionCompleted
  | AccidentReported
  | EnterpriseRegistered
  | EnterpriseWork
  | AlarmAcknowledged
  | MandateEvent
/**
 * An event as accepted: `at` always present. `by` and `campaign` are set by the server only (a client
 * sending either is refused as an unknown field). `by`: the name of the access token that pushed it,
 * so an audit of the log sees who reported what; absent when auth is off. `campaign`: the id of the
 * campaign it counts in by the region's dates (shared/campaigns/window.ts), when it counts in one.
 */
export type AcceptedEvent = LookoutEvent & { at: string; by?: string; campaign?: string }

export type { ErrorDetail }

export type CheckResult =
  | { ok: true; events: AcceptedEvent[] }
  /** `wellFormed`: every event, when each matched its schema and only rules refused some. */
  | { ok: false; details: ErrorDetail[]; wellFormed?: AcceptedEvent[] }

export interface CheckOptions {
  region: RegionIndex
  batchMax?: number
  /** The instant to fill in for a missing `at`, and to judge "in the future" against. */
  now: number
  /** How far ahead of `now` an `at` may be (clock skew of data-entry devices). */
  maxFutureMs?: number
}

/**
 * Whether a value fits its event type's schema. TypeBox's interpreter by default, because compiling
 * needs eval, which the pages' Content-Security-Policy forbids; the server, where every event passes
 * through here, installs compiled checks (server/ingest/compiled-checks.ts).
 */
let fitsSchema = (type: EventType, value: unknown): boolean => Value.Check(EVENT_SCHEMAS[type], value)

export function setEventSchemaCheck(check: (type: EventType, value: unknown) => boolean): void {
  fitsSchema = check
}

/** The schema errors of one event, with paths under `base`. Stops at the first few per event. */
export function eventSchemaErrors(value: unknown, base = ''): ErrorDetail[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [detail(base || '/', 'not_object')]
  }
  const type = (value as { type?: unknown }).type
  const schema = EVENT_SCHEMAS[type as EventType]
  if (!schema) {
    return [detail(`${base}/type`, 'one_of', { allowed: EVENT_TYPES })]
  }
  if (fitsSchema(type as EventType, value)) return valueErrors(value as LookoutEvent, base)
  const details: ErrorDetail[] = []
  // An enumeration is a union of literals: one "must be equal to constant" per literal, then "anyOf".
  // Collect the literals and say once which values are allowed.
  const allowed = new Map<string, unknown[]>()
  for (const e of Value.Errors(schema, value)) {
    if (e.keyword === 'boolean') continue // reported again below as "additional property"
    if (e.keyword === 'const' && e.schemaPath.includes('/anyOf/')) {
      allowed.set(e.instancePath, [
        ...(allowed.get(e.instancePath) ?? []),
        (e.params as { allowedValue: unknown }).allowedValue,
      ])
      continue
    }
    if (e.keyword === 'anyOf' && allowed.has(e.instancePath)) {
      details.push(
        detail(`${base}${e.instancePath}`, 'one_of', { allowed: allowed.get(e.instancePath)!.map(String) }),
      )
      continue
    }
    if (e.keyword === 'additionalProperties') {
      // Own properties only: `in` would take `constructor` or `toString` for known fields.
      const extra = Object.keys(value).filter((k) => !Object.hasOwn(schema.properties, k))
      for (const k of extra) details.push(detail(`${base}/${k}`, 'not_known_field'))
      continue
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? []
      for (const k of missing) details.push(detail(`${base}/${k}`, 'required'))
      continue
    }
    details.push(coded(`${base}${e.instancePath}`, e.keyword, e.message, e.params))
  }
  // The check refused it, so something must be said even when no error above could name it.
  if (!details.length)
    details.push(
      detail(base || '/', 'invalid', { keyword: 'schema', message: 'does not match its event schema' }),
    )
  return details.slice(0, 10)
}

/** The years a deadline or `at` may name (shared/time.ts inDateRange). */
const YEARS = { min: LIMITS.yearMin, max: LIMITS.yearMax }

/** A UTF-16 surrogate with no partner: `u` makes a paired one a single code point, so only lone ones match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

/** Whether a text holds a lone surrogate: no valid Unicode, so neither UTF-8 nor the ingest script's JSON can carry it. */
export const hasLoneSurrogate = (text: string) => LONE_SURROGATE.test(text)

/**
 * What the schema lets through but no later step can use: a text that is not valid Unicode, and an
 * `at` of the date-time form that names no instant (a leap second, 24:00).
 */
function valueErrors(ev: LookoutEvent, base: string): ErrorDetail[] {
  const details: ErrorDetail[] = []
  for (const [field, v] of Object.entries(ev)) {
    if (typeof v === 'string' && hasLoneSurrogate(v))
      details.push(detail(`${base}/${field}`, 'lone_surrogate'))
  }
  if (ev.at !== undefined && Number.isNaN(Date.parse(ev.at)))
    details.push(detail(`${base}/at`, 'not_real_instant'))
  return details
}

/** A schema error (TypeBox's keyword and params) as a coded detail. */
function coded(path: string, keyword: string, message: string, params: unknown): ErrorDetail {
  const p = params as { limit?: number; allowedValues?: unknown[]; type?: string }
  if (keyword === 'pattern' && path.endsWith('/id'))
    return detail(path, 'id_chars', { min: LIMITS.eventIdMin, max: LIMITS.eventIdMax })
  if (keyword === 'pattern' && /Id$/.test(path))
    return detail(path, 'id_chars', { min: 1, max: LIMITS.entityIdMax })
  if (keyword === 'pattern' && path.endsWith('/deadline')) return detail(path, 'date')
  if (keyword === 'pattern' && (path.endsWith('/day') || path.endsWith('/due'))) return detail(path, 'day')
  if (keyword === 'pattern' && path.endsWith('Ext')) return detail(path, 'extension')
  if (keyword === 'format') return detail(path, 'date_time')
  if (keyword === 'enum') return detail(path, 'one_of', { allowed: (p.allowedValues ?? []).map(String) })
  if (keyword === 'minLength' && p.limit !== undefined) return detail(path, 'too_short', { min: p.limit })
  if (keyword === 'maxLength' && p.limit !== undefined) return detail(path, 'too_long', { max: p.limit })
  if (keyword === 'minimum' && p.limit !== undefined) return detail(path, 'too_small', { min: p.limit })
  if (keyword === 'maximum' && p.limit !== undefined) return detail(path, 'too_large', { max: p.limit })
  if (keyword === 'type' && p.type !== undefined) return detail(path, 'wrong_type', { type: String(p.type) })
  return detail(path, 'invalid', { keyword, message })
}

/** True when the date part names a day that exists (Date.parse reads 2025-02-30 as March 2). */
function isRealDate(text: string): boolean {
  const day = text.slice(0, 10)
  const ms = Date.parse(`${day}T00:00:00Z`)
  return (
    !Number.isNaN(ms) && !Number.isNaN(Date.parse(text)) && new Date(ms).toISOString().slice(0, 10) === day
  )
}

/** Region rules: the town, domain and industry must be the region's, the accident grade must agree. */
export function eventRuleErrors(ev: LookoutEvent, region: RegionIndex, base = ''): ErrorDetail[] {
  const details: ErrorDetail[] = []
  if ('town' in ev && !region.townByCode.has(ev.town)) {
    details.push(detail(`${base}/town`, 'unknown_town', { town: ev.town }))
  }
  if ('domain' in ev && ev.domain !== undefined) {
    const domain = region.domainById.get(ev.domain)
    if (!domain) details.push(detail(`${base}/domain`, 'unknown_domain', { domain: ev.domain }))
    else if (
      'industry' in ev &&
      ev.industry !== undefined &&
      !domain.industries.some((i) => i.id === ev.industry)
    ) {
      details.push(
        detail(`${base}/industry`, 'industry_not_of_domain', { industry: ev.industry, domain: ev.domain }),
      )
    }
  }
  if (ev.type in MANDATE_EVENT_SCHEMAS) {
    details.push(...mandateRuleErrors(ev as MandateEvent, mandatesOf(region), base))
  }
  if (ev.type === 'hazard.reported') {
    if (!isRealDate(ev.deadline)) details.push(detail(`${base}/deadline`, 'not_real_date'))
    else if (!inDateRange(Date.parse(ev.deadline)))
      details.push(detail(`${base}/deadline`, 'out_of_years', YEARS))
  }
  if (ev.at !== undefined && !inDateRange(Date.parse(ev.at))) {
    details.push(detail(`${base}/at`, 'out_of_years', YEARS))
  }
  if (ev.type === 'accident.reported' && ev.grade !== undefined) {
    const derived = accidentGrade(ev)
    if (derived !== ev.grade) {
      details.push(detail(`${base}/grade`, 'grade_disagrees', { grade: derived }))
    }
  }
  return details
}

/**
 * Checks a request body (one event, or `{ events: [...] }`) whole. Either every event is good and
 * comes back with `at` filled in, or nothing is accepted and every problem found is listed.
 */
export function checkEvents(body: unknown, opts: CheckOptions): CheckResult {
  const batchMax = opts.batchMax ?? LIMITS.batchMax
  const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body
  let items: unknown[]
  if (isBatch) {
    const extra = Object.keys(body).filter((k) => k !== 'events')
    if (extra.length) return { ok: false, details: extra.map((k) => detail(`/${k}`, 'not_known_field')) }
    const events = (body as { events: unknown }).events
    if (!Array.isArray(events)) return { ok: false, details: [detail('/events', 'not_array')] }
    if (events.length === 0) return { ok: false, details: [detail('/events', 'empty')] }
    if (events.length > batchMax) {
      return { ok: false, details: [detail('/events', 'batch_too_large', { max: batchMax })] }
    }
    items = events
  } else {
    items = [body]
  }
  const details: ErrorDetail[] = []
  const accepted: AcceptedEvent[] = []
  const wellFormed: AcceptedEvent[] = []
  const maxAt = opts.now + (opts.maxFutureMs ?? 10 * 60_000)
  items.forEach((item, i) => {
    const base = isBatch ? `/events/${i}` : ''
    const schemaErrors = eventSchemaErrors(item, base)
    if (schemaErrors.length) return void details.push(...schemaErrors)
    const ev = item as LookoutEvent
    const ruleErrors = eventRuleErrors(ev, opts.region, base)
    if (ev.at !== undefined && Date.parse(ev.at) > maxAt) {
      ruleErrors.push(detail(`${base}/at`, 'future'))
    }
    // A deadline that passed before the hazard was found is a slip (a wrong year) that would top the
    // leaders' overdue list. Only against a stated `at`: a hazard entered late without its found
    // time (a ledger row) may be overdue already, and a retry must not be judged by a later clock.
    const tz = opts.region.timeZone
    if (
      ev.type === 'hazard.reported' &&
      ev.at !== undefined &&
      !ruleErrors.length &&
      deadlineMs(ev.deadline, tz) <= Date.parse(ev.at)
    ) {
      ruleErrors.push(
        detail(`${base}/deadline`, 'deadline_before_found', { day: regionDay(Date.parse(ev.at), tz) }),
      )
    }
    const completed =
      ev.type in MANDATE_EVENT_SCHEMAS
        ? completeMandateEvent(ev as MandateEvent, mandatesOf(opts.region))
        : ev
    const withAt = { ...completed, at: ev.at ?? new Date(opts.now).toISOString() }
    wellFormed.push(withAt)
    if (ruleErrors.length) return void details.push(...ruleErrors)
    accepted.push(withAt)
  })
  if (details.length) {
    const allWellFormed = wellFormed.length === items.length
    return { ok: false, details: details.slice(0, 100), ...(allWellFormed ? { wellFormed } : {}) }
  }
  return { ok: true, events: accepted }
}
