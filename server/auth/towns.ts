import type { AcceptedEvent, ErrorDetail } from '../../shared/events.ts'
import type { RegionIndex } from '../../shared/region.ts'
import type { Caller } from './tokens.ts'

// A reporter limited to some towns writes only there. An event that names its town is judged here,
// before anything is read, so every such event of a batch is listed. A hazard's status change, an
// enterprise's work state and a re-registration's old town are judged by the ingest script, against
// the hazard or enterprise as it stands when the batch is applied: read here, a write in between
// could move the change into another town (issue 16.6).

/** What event `e` does to `town`, for the refusal: its own town, or the hazard or enterprise it changes. */
function touches(e: AcceptedEvent, field: string): string {
  if (field === 'town') return 'is for'
  if (e.type === 'hazard.status') return `changes hazard ${e.hazardId} of`
  if (e.type === 'enterprise.registered') return `moves enterprise ${e.enterpriseId} of`
  if (e.type === 'enterprise.work') return `changes enterprise ${e.enterpriseId} of`
  if (e.type === 'principal.scored') return `scores enterprise ${e.enterpriseId} of`
  if (e.type === 'resource.retired') return `retires resource ${e.resourceId} of`
  return 'is for'
}

/** The refusal of event `e` at `path` for writing to `town`, which `towns` (the caller's) do not hold. */
export function foreignTownDetail(
  e: AcceptedEvent,
  field: string,
  town: string,
  opts: { towns: string[]; region: RegionIndex; base: string },
): ErrorDetail {
  const name = opts.region.town.get(town)?.name ?? 'unknown'
  return {
    path: `${opts.base}/${field}`,
    message: `event ${e.id} ${touches(e, field)} town ${town} (${name}): this token may only write for ${opts.towns.join(', ')}`,
  }
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
