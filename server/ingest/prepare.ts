import { accidentGrade, isSignificantOrWorse } from '../../shared/accident.ts'
import { deadlineMs, regionDay } from '../../shared/time.ts'
import type { AcceptedEvent } from '../../shared/events.ts'

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
}

export function prepareEvent(e: AcceptedEvent, timeZone: string): PreparedEvent {
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
  return prepared
}
