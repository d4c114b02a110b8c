import type { AcceptedEvent, ErrorDetail } from '../../shared/events.ts'
import { ADMIN_EVENT_TYPES } from '../../shared/mandates/events.ts'
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
