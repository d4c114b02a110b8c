import { Type, type Static } from 'typebox'
import { AccidentGrade } from './enums.ts'
import { LIMITS } from './limits.ts'
import { isSignificantOrWorse } from './accident.ts'

// Alarms (报警): what the wall shows until someone on duty acknowledges it. Raised by the ingest
// and tick scripts from the region's rules (`alarms` in the region file), kept in Redis, carried in
// the snapshot and the deltas, cleared by an `alarm.acknowledged` event.

/** What raised an alarm. */
export const AlarmKind = {
  entries: [
    { value: 'accident', zh: '事故', en: 'Accident' },
    { value: 'major_hazard', zh: '新增重大隐患', en: 'New major hazard' },
    { value: 'major_overdue', zh: '重大隐患逾期', en: 'Major hazard overdue' },
  ],
  values: ['accident', 'major_hazard', 'major_overdue'],
} as const
export type AlarmKind = (typeof AlarmKind.values)[number]

/** The region file's `alarms`: which events raise one, and when an unacknowledged one grows. */
export const AlarmRulesSchema = Type.Object(
  {
    /** Accidents of this grade or worse raise an alarm; `off`: none do. */
    accidentsFrom: Type.Union([Type.Enum([...AccidentGrade.values]), Type.Literal('off')]),
    /** A major hazard (重大隐患) reported. */
    majorHazardReported: Type.Boolean(),
    /** A major hazard going overdue. */
    majorHazardOverdue: Type.Boolean(),
    /** Unacknowledged this many minutes, the banner grows to an overlay. */
    escalateAfterMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  },
  { additionalProperties: false },
)
export type AlarmRules = Static<typeof AlarmRulesSchema>

/** What a region file without `alarms` gets. */
export const DEFAULT_ALARM_RULES: AlarmRules = {
  accidentsFrom: 'general',
  majorHazardReported: true,
  majorHazardOverdue: true,
  escalateAfterMinutes: 10,
}

/** An alarm as the scripts keep it (the `alarms` hash) and the wall, the API and the duty view show it. */
export const AlarmSchema = Type.Object({
  alarmId: Type.String(),
  kind: Type.Enum([...AlarmKind.values]),
  /** The seq of the event (or deadline tick) that raised it. */
  seq: Type.Integer(),
  /** When it happened: the accident's or hazard's `at`, or when the deadline tick found it overdue. */
  at: Type.String(),
  /** When it was raised (ms): escalation counts from here. */
  raisedAt: Type.Number(),
  town: Type.String(),
  domain: Type.String(),
  /** The accident's grade, or the hazard's (major). */
  grade: Type.String(),
  /** 较大及以上 accidents: the strongest form. */
  severe: Type.Boolean(),
  title: Type.Optional(Type.String()),
  enterprise: Type.Optional(Type.String()),
  hazardId: Type.Optional(Type.String()),
  accidentId: Type.Optional(Type.String()),
  deaths: Type.Optional(Type.Integer()),
  seriousInjuries: Type.Optional(Type.Integer()),
  acknowledged: Type.Boolean(),
  /** Who acknowledged it (the token's name; absent with auth off), when, at which seq. */
  acknowledgedBy: Type.Optional(Type.String()),
  acknowledgedAt: Type.Optional(Type.String()),
  acknowledgedSeq: Type.Optional(Type.Integer()),
})
export type Alarm = Static<typeof AlarmSchema>

/** The event that clears an alarm (duty officers and admins only). */
export const AlarmAcknowledgedProps = {
  alarmId: Type.String({ minLength: 1, maxLength: LIMITS.entityIdMax + 16, pattern: LIMITS.idPattern }),
}

/** Alarm ids follow from what raised them, so a replay raises the same ids. */
export const alarmId = (kind: AlarmKind, entityId: string) =>
  `${kind === 'accident' ? 'acc' : kind === 'major_hazard' ? 'hz' : 'od'}:${entityId}`

/** Whether `rules` raise an alarm of `kind` (an accident's grade given). */
export function ruleRaises(rules: AlarmRules, kind: AlarmKind, accidentGrade?: string): boolean {
  if (kind === 'major_hazard') return rules.majorHazardReported
  if (kind === 'major_overdue') return rules.majorHazardOverdue
  if (rules.accidentsFrom === 'off' || !accidentGrade) return false
  const order: readonly string[] = AccidentGrade.values
  return order.indexOf(accidentGrade) <= order.indexOf(rules.accidentsFrom)
}

/** The alarm an event could raise under some rules (what a replay matches a logged alarm id against). */
export function alarmCandidate(e: {
  type: string
  accidentId?: string
  hazardId?: string
  grade?: string
}): { alarmId: string; kind: AlarmKind } | null {
  if (e.type === 'accident.reported' && e.accidentId)
    return { alarmId: alarmId('accident', e.accidentId), kind: 'accident' }
  if (e.type === 'hazard.reported' && e.hazardId && e.grade === 'major')
    return { alarmId: alarmId('major_hazard', e.hazardId), kind: 'major_hazard' }
  return null
}

/** Whether an accident alarm takes the strongest form (较大及以上). */
export const severeAccident = (grade: string) => isSignificantOrWorse(grade as AccidentGrade)

/** Whether an unacknowledged alarm has waited long enough to grow (the region's escalateAfterMinutes). */
export const escalated = (alarm: Alarm, nowMs: number, rules: AlarmRules) =>
  !alarm.acknowledged && nowMs - alarm.raisedAt >= rules.escalateAfterMinutes * 60_000
