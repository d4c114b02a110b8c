import { accidentGrade, isSignificantOrWorse } from '../../shared/accident.ts'
import { deadlineMs, regionDay } from '../../shared/time.ts'
import type { AcceptedEvent } from '../../shared/events.ts'
import type { FeedItem } from '../../shared/protocol.ts'

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
  /** The ticker line; the script adds seq and what it knows of the hazard or enterprise. */
  feed: Omit<FeedItem, 'seq'>
}

function feedItem(e: AcceptedEvent): Omit<FeedItem, 'seq'> {
  const base = { at: e.at, type: e.type }
  switch (e.type) {
    case 'hazard.reported':
      return { ...base, hazardId: e.hazardId, town: e.town, domain: e.domain, grade: e.grade, title: e.title }
    case 'hazard.status':
      return { ...base, hazardId: e.hazardId, status: e.status }
    case 'inspection.completed':
      return { ...base, town: e.town, domain: e.domain, hazardsFound: e.hazardsFound, ...(e.enterprise ? { name: e.enterprise } : {}) }
    case 'accident.reported':
      return { ...base, town: e.town, domain: e.domain, deaths: e.deaths, seriousInjuries: e.seriousInjuries, ...(e.title ? { title: e.title } : {}) }
    case 'enterprise.registered':
      return { ...base, town: e.town, domain: e.domain, name: e.name, riskLevel: e.riskLevel }
    case 'enterprise.work':
      return { ...base, state: e.state, preCheckDone: e.preCheckDone }
  }
}

export function prepareEvent(e: AcceptedEvent, timeZone: string): PreparedEvent {
  const atMs = Date.parse(e.at)
  const day = regionDay(atMs, timeZone)
  const prepared: PreparedEvent = { e, raw: JSON.stringify(e), atMs: String(atMs), day, year: day.slice(0, 4), feed: feedItem(e) }
  if (e.type === 'hazard.reported') prepared.deadlineMs = String(deadlineMs(e.deadline, timeZone))
  if (e.type === 'accident.reported') {
    const grade = accidentGrade(e)
    prepared.grade = grade
    prepared.significant = isSignificantOrWorse(grade)
  }
  return prepared
}
