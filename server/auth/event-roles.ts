import type { AcceptedEvent, ErrorDetail } from '../../shared/events.ts'
import { ADMIN_EVENT_TYPES } from '../../shared/mandates/events.ts'
import { roleAllows } from '../../shared/access.ts'
import type { Caller } from './tokens.ts'
import { detail } from '../../shared/api/error-codes.ts'

// POST /api/events takes a reporter's token, but some events are an administrator's (undoing a
// principal's score): one detail per such event when the caller is not an admin. With auth off
// (no caller) everything is allowed, as for every other route.

export function eventsNeedingAdmin(
  caller: Caller | null,
  events: AcceptedEvent[],
  inBatch: boolean,
): ErrorDetail[] {
  if (!caller || caller.role === 'admin') return []
  return events.flatMap((e, i) =>
    ADMIN_EVENT_TYPES.has(e.type)
      ? [detail(`${inBatch ? `/events/${i}` : ''}/type`, 'needs_admin', { type: e.type })]
      : [],
  )
}

// Which events a role may send: a reporter reports and may not acknowledge alarms, a duty officer
// (值班员) acknowledges alarms and reports nothing, an admin does both. Any event a caller may not
// send refuses the whole request (403), like an event for another town.

/** Why each event the caller may not send is refused (empty: all may go; null caller: auth is off). */
export function eventRoleRefusals(
  caller: Caller | null,
  events: AcceptedEvent[],
  inBatch: boolean,
): ErrorDetail[] {
  if (!caller) return []
  const details: ErrorDetail[] = []
  events.forEach((e, i) => {
    const base = inBatch ? `/events/${i}` : ''
    const acknowledging = e.type === 'alarm.acknowledged'
    if (acknowledging && !roleAllows(caller.role, 'duty'))
      details.push(detail(`${base}/type`, 'needs_duty', { tokenId: caller.id, role: caller.role }))
    else if (!acknowledging && !roleAllows(caller.role, 'reporter'))
      details.push(detail(`${base}/type`, 'only_acknowledges', { role: caller.role, type: e.type }))
  })
  return details
}
