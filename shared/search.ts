// What a search text finds in the entry page's pick lists: the server's search (GET /api/hazards,
// GET /api/enterprises) and the page's own search of its saved list when offline use these same rules.

/** A search text as matched: trimmed, any case. */
export const searchText = (q: string): string => q.trim().toLowerCase()

/** Whether any of `texts` contains `q` (a searchText). */
function anyContains(q: string, texts: (string | undefined)[]): boolean {
  return texts.some((text) => text !== undefined && text.toLowerCase().includes(q))
}

/** An open hazard by its id, title or enterprise. */
export const hazardMatches = (h: { hazardId: string; title: string; enterprise?: string }, q: string): boolean =>
  anyContains(q, [h.hazardId, h.title, h.enterprise])

/** An enterprise by its id or name. */
export const enterpriseMatches = (e: { enterpriseId: string; name: string }, q: string): boolean =>
  anyContains(q, [e.enterpriseId, e.name])
