import type { AcceptedEvent, ErrorDetail } from '../../shared/events.ts'
import type { RegionIndex } from '../../shared/region.ts'
import type { RegionStore } from '../store/store.ts'
import type { Caller } from './tokens.ts'

// A reporter limited to some towns writes only there. Most events name their town; a hazard's
// status change and an enterprise's work state do not, so their town is looked up (the batch first
// for one reported earlier in the same request, then Redis).

interface Touch {
  town: string | undefined
  field: string
  what: string
}

/** The towns of the hazards and enterprises the batch names, as Redis holds them now: one round trip. */
async function storedTowns(store: RegionStore, events: AcceptedEvent[]) {
  const hazardIds = [...new Set(events.flatMap((e) => (e.type === 'hazard.status' ? [e.hazardId] : [])))]
  const enterpriseIds = [
    ...new Set(
      events.flatMap((e) =>
        e.type === 'enterprise.work' || e.type === 'enterprise.registered' || e.type === 'principal.scored'
          ? [e.enterpriseId]
          : [],
      ),
    ),
  ]
  return store.towns(hazardIds, enterpriseIds)
}

/**
 * One detail per event of the batch that writes to a town the caller may not: empty when the caller
 * is limited to no towns. An event naming an unknown hazard or enterprise is left to the ingest
 * script, which refuses it (409).
 */
export async function foreignTownEvents(
  caller: Caller | null,
  events: AcceptedEvent[],
  opts: { store: RegionStore; region: RegionIndex; inBatch: boolean },
): Promise<ErrorDetail[]> {
  const towns = caller?.towns
  if (!towns) return []
  const stored = await storedTowns(opts.store, events)
  const hazardInBatch = new Map<string, string>()
  const enterpriseInBatch = new Map<string, string>()
  const details: ErrorDetail[] = []
  const townName = (code: string) => opts.region.town.get(code)?.name ?? 'unknown'
  events.forEach((e, i) => {
    const touches: Touch[] = []
    switch (e.type) {
      case 'hazard.reported':
        hazardInBatch.set(e.hazardId, e.town)
        touches.push({ town: e.town, field: 'town', what: 'is for' })
        break
      case 'hazard.status':
        touches.push({
          town: stored.hazard.get(e.hazardId) ?? hazardInBatch.get(e.hazardId),
          field: 'hazardId',
          what: `changes hazard ${e.hazardId} of`,
        })
        break
      case 'enterprise.registered':
        // Re-registering moves an enterprise: the town it leaves must be the caller's too.
        touches.push({
          town: enterpriseInBatch.get(e.enterpriseId) ?? stored.enterprise.get(e.enterpriseId),
          field: 'enterpriseId',
          what: `moves enterprise ${e.enterpriseId} of`,
        })
        touches.push({ town: e.town, field: 'town', what: 'is for' })
        enterpriseInBatch.set(e.enterpriseId, e.town)
        break
      case 'enterprise.work':
        touches.push({
          town: enterpriseInBatch.get(e.enterpriseId) ?? stored.enterprise.get(e.enterpriseId),
          field: 'enterpriseId',
          what: `changes enterprise ${e.enterpriseId} of`,
        })
        break
      case 'principal.scored':
        touches.push({
          town: enterpriseInBatch.get(e.enterpriseId) ?? stored.enterprise.get(e.enterpriseId),
          field: 'enterpriseId',
          what: `scores enterprise ${e.enterpriseId} of`,
        })
        break
      case 'principal.score_revoked':
        break // admins only (server/auth/event-roles.ts): no town to check
      default:
        touches.push({ town: e.town, field: 'town', what: 'is for' })
    }
    const base = opts.inBatch ? `/events/${i}` : ''
    for (const t of touches) {
      if (t.town === undefined || towns.includes(t.town)) continue
      details.push({
        path: `${base}/${t.field}`,
        message: `event ${e.id} ${t.what} town ${t.town} (${townName(t.town)}): this token may only write for ${towns.join(', ')}`,
      })
      break
    }
  })
  return details
}

/** The towns a caller may list hazards and enterprises of: the requested ones it may see, or all of its own. */
export function visibleTowns(caller: Caller | null, requested: string[] | undefined): string[] | undefined {
  const own = caller?.towns
  if (!own) return requested
  return requested ? requested.filter((t) => own.includes(t)) : own
}
