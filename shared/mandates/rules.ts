import type { ErrorDetail } from '../events.ts'
import { detail } from '../api/error-codes.ts'
import type { MandateEvent } from './events.ts'
import type { Mandates, PointRule } from './config.ts'
import { inDateRange } from '../time.ts'
import { LIMITS } from '../limits.ts'

// The region's rules for the mandates' events, beside the schema: shared by the server's check and
// the entry page's forms, like eventRuleErrors.

export const pointRule = (m: Mandates, code: string): PointRule | undefined =>
  m.scoring.pointTable.find((r) => r.code === code)

export function mandateRuleErrors(ev: MandateEvent, m: Mandates, base = ''): ErrorDetail[] {
  const details: ErrorDetail[] = []
  if (ev.type === 'principal.scored') {
    const rule = pointRule(m, ev.reason)
    if (!rule) {
      details.push(detail(`${base}/reason`, 'one_of', { allowed: m.scoring.pointTable.map((r) => r.code) }))
    } else if (ev.points === undefined && rule.min !== rule.max) {
      // The schema's own refusals, which every client already says in its language.
      details.push(detail(`${base}/points`, 'required'))
    } else if (ev.points !== undefined && ev.points < rule.min) {
      details.push(detail(`${base}/points`, 'too_small', { min: rule.min }))
    } else if (ev.points !== undefined && ev.points > rule.max) {
      details.push(detail(`${base}/points`, 'too_large', { max: rule.max }))
    }
  }
  if (ev.type === 'task.defined') {
    if (!m.departments.some((d) => d.id === ev.owner))
      details.push(detail(`${base}/owner`, 'unknown_department', { allowed: m.departments.map((d) => d.id) }))
    const ms = Date.parse(`${ev.due}T00:00:00Z`)
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== ev.due)
      details.push(detail(`${base}/due`, 'not_real_date'))
    else if (!inDateRange(ms))
      details.push(detail(`${base}/due`, 'out_of_years', { min: LIMITS.yearMin, max: LIMITS.yearMax }))
  }
  if (ev.type === 'duty.assigned') {
    const ms = Date.parse(`${ev.day}T00:00:00Z`)
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== ev.day) {
      details.push(detail(`${base}/day`, 'not_real_date'))
    } else if (!inDateRange(ms)) {
      details.push(detail(`${base}/day`, 'out_of_years', { min: LIMITS.yearMin, max: LIMITS.yearMax }))
    }
  }
  return details
}

/**
 * The event as it is logged: a score's points filled in from the table when they are fixed, so the
 * log (and a replay of it) never depends on the table as it is later.
 */
export function completeMandateEvent<E extends MandateEvent>(ev: E, m: Mandates): E {
  if (ev.type === 'principal.scored' && ev.points === undefined) {
    const rule = pointRule(m, ev.reason)
    if (rule) return { ...ev, points: rule.min }
  }
  return ev
}
