import type { AcceptedEvent, ErrorDetail } from '../../shared/events.ts'
import type { RegionIndex } from '../../shared/region.ts'
import type { Caller } from './tokens.ts'
import { detail, type ErrorParams } from '../../shared/api/error-codes.ts'

// A reporter limited to some towns writes only there. An event that names its town is judged here,
// before anything is read, so every such event of a batch is listed. A hazard's status change, an
// enterprise's work state and a re-registration's old town are judged by the ingest script, against
// the hazard or enterprise as it stands when the batch is applied: read here, a write in between
// could move the change into another town (issue 16.6).

type Touch = Pick<ErrorParams<'foreign_town'>, 'action' | 'entityId'>

/** What event `e` does to the town, for the refusal: its own town, or the hazard or enterprise it changes. */
function touches(e: AcceptedEvent, field: string): Touch {
  if (field === 'town') return { action: 'is_for' }
  if (e.type === 'hazard.status') return { action: 'changes_hazard', entityId: e.hazardId }
  if (e.type === 'enterprise.registered') return { action: 'moves_enterprise', entityId: e.enterpriseId }
  if (e.type === 'enterprise.work') return { action: 'changes_enterprise', entityId: e.enterpriseId }
  if (e.type === 'principal.scored') return { action: 'scores_enterprise', entityId: e.enterpriseId }
  if (e.type === 'resource.retired') return { action: 'retires_resource', entityId: e.resourceId }
  return { action: 'is_for' }
}

/** The refusal of event `e` at `path` for writing to `town`, which `towns` (the caller's) do not hold. */
export function foreignTownDetail(
  e: AcceptedEvent,
  field: string,
  town: string,
  opts: { towns: string[]; region: RegionIndex; base: string },
): ErrorDetail {
  return detail(`${opts.base}/${field}`, 'foreign_town', {
    eventId: e.id,
    ...touches(e, field),
    town,
    townName: opts.region.townByCode.get(town)?.name ?? 'unknown',
    allowed: opts.towns,
  })
}

/** One detail per event of the batch whose own `town` the caller may not write for; empty when not limited. */
export function foreignTownEvents(
  caller: Caller | null,
  events: AcceptedEvent[],
  opts: { region: RegionIndex; inBatch: boolean },
): ErrorDetail[] {
  const towns = caller?.towns
  if (!towns) return []
  return events.flatMap((e, i) =>
    'town' in e && !towns.includes(e.town)
      ? [
          foreignTownDetail(e, 'town', e.town, {
            towns,
            region: opts.region,
            base: opts.inBatch ? `/events/${i}` : '',
          }),
        ]
      : [],
  )
}

/** The towns a caller may list hazards and enterprises of: the requested ones it may see, or all of its own. */
export function visibleTowns(caller: Caller | null, requested: string[] | undefined): string[] | undefined {
  const own = caller?.towns
  if (!own) return requested
  return requested ? requested.filter((t) => own.includes(t)) : own
}
