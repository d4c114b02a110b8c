import { accidentGrade, isSignificantOrWorse } from '../../shared/accident.ts'
import { deadlineMs, regionDay } from '../../shared/time.ts'
import type { AcceptedEvent } from '../../shared/events.ts'
import { LIMITS } from '../../shared/limits.ts'
import { alarmCandidate, ruleRaises, type AlarmKind, type AlarmRules } from '../../shared/alarms.ts'
import { campaignIdFor } from '../../shared/campaigns/window.ts'
import { campaignsOf } from '../../shared/campaigns/defaults.ts'
import type { Campaigns } from '../../shared/campaigns/config.ts'

/** What the ingest script needs of one event, worked out in JS where time zones and Decree 493 live. */
export interface PreparedEvent {
  e: AcceptedEvent
  /** The event exactly as logged. */
  raw: string
  /** `at` in ms (orders the open-hazards index). */
  atMs: string
  /** Region-time day and year of `at`: the day and year buckets it counts in. */
  day: string
  year: string
  deadlineMs?: string
  grade?: string
  significant?: boolean
  /** The alarm it raises (shared/alarms.ts): decided by the region's rules, or in a replay by the log. */
  alarm?: AlarmKind
}

/**
 * `raises`: whether the alarm this event could raise is raised: the region's rules for live traffic,
 * the logged alarm ids for a replay.
 */
export function prepareEvent(
  e: AcceptedEvent,
  timeZone: string,
  raises: (candidate: { alarmId: string; kind: AlarmKind }, prepared: PreparedEvent) => boolean = () => false,
): PreparedEvent {
  const atMs = Date.parse(e.at)
  const day = regionDay(atMs, timeZone)
  const prepared: PreparedEvent = {
    e,
    raw: JSON.stringify(e),
    atMs: String(atMs),
    day,
    year: day.slice(0, 4),
  }
  if (e.type === 'hazard.reported') prepared.deadlineMs = String(deadlineMs(e.deadline, timeZone))
  if (e.type === 'accident.reported') {
    const grade = accidentGrade(e)
    prepared.grade = grade
    prepared.significant = isSignificantOrWorse(grade)
  }
  const candidate = alarmCandidate(e)
  if (candidate && raises(candidate, prepared)) prepared.alarm = candidate.kind
  return prepared
}

/**
 * prepareEvent's `raises` for live traffic: the region's alarm rules, for what happened within the
 * ticker's horizon of `nowMs` (a ledger's history or a backfill raises none: it is no news).
 */
export const raisesByRules =
  (rules: AlarmRules, nowMs: number) =>
  (candidate: { kind: AlarmKind }, prepared: PreparedEvent): boolean =>
    Number(prepared.atMs) >= nowMs - LIMITS.tickerMaxAgeMs &&
    ruleRaises(rules, candidate.kind, prepared.grade)

/** prepareEvent's `raises` for a replay: exactly the alarms the log entry says were raised. */
export const raisesLogged =
  (alarmIds: string[] = []) =>
  (candidate: { alarmId: string }): boolean =>
    alarmIds.includes(candidate.alarmId)

/**
 * A live event as it is logged: with `by`, the name of the token that pushed it, and `campaign`, the
 * campaign it counts in by the region's dates (a sweep's hazard, a season's stop or resumption).
 * Both server-set. A replay takes them from the log, so a change of a campaign's dates in the region
 * file counts what comes next and leaves what was counted, as the rebuild check replays it.
 */
export function asLogged(
  e: AcceptedEvent,
  by: string | undefined,
  region: { timeZone: string; campaigns?: Campaigns },
): AcceptedEvent {
  const campaign = campaignIdFor(e, regionDay(Date.parse(e.at), region.timeZone), campaignsOf(region))
  if (by === undefined && campaign === undefined) return e
  return { ...e, ...(by === undefined ? {} : { by }), ...(campaign === undefined ? {} : { campaign }) }
}
