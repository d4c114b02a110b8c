import type { RegionIndex } from './region.ts'

// What a search text finds in the entry page's pick lists: the server's search (GET /api/hazards,
// GET /api/enterprises) and the page's own search of its saved list when offline use these same rules.

/** A search text as matched: trimmed, any case. */
export const searchText = (q: string): string => q.trim().toLowerCase()

/** Whether any of `texts` contains `q` (a searchText). */
function anyContains(q: string, texts: (string | undefined)[]): boolean {
  return texts.some((text) => text !== undefined && text.toLowerCase().includes(q))
}

/** A town's names, by its code: Chinese, English and the short ones (none for an unknown code). */
export type TownNames = (code: string) => (string | undefined)[]

/** The names of `region`'s towns, for hazardMatches. */
export const townNamesOf =
  (region: RegionIndex): TownNames =>
  (code) => {
    const t = region.townByCode.get(code)
    return t ? [t.name, t.nameEn, t.short, t.shortEn] : []
  }

/** An open hazard by its id, its ledger's number, title, enterprise or town name. */
export const hazardMatches = (
  h: { hazardId: string; number?: string; title: string; enterprise?: string; town: string },
  q: string,
  townNames: TownNames = () => [],
): boolean => anyContains(q, [h.hazardId, h.number, h.title, h.enterprise, ...townNames(h.town)])

/** An enterprise by its id or name. */
export const enterpriseMatches = (e: { enterpriseId: string; name: string }, q: string): boolean =>
  anyContains(q, [e.enterpriseId, e.name])
