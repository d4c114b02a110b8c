import { parseCell, type Cells } from '../cells.ts'
import type { Mandates } from './config.ts'

// Principal-person scoring this year, from the year's cells (server/store/lua/mandates.lua writes
// `ps.pts|town|enterpriseId|reason` and `ps.n|…`): what the wall's scoring panel shows.

export const SCORE_METRIC = { points: 'ps.pts', scores: 'ps.n' } as const

export interface ScoredEnterprise {
  enterpriseId: string
  town: string
  points: number
  scores: number
  /** Index of the highest threshold reached (−1: none). */
  level: number
}

export interface ScoringSummary {
  enterprises: ScoredEnterprise[]
  /** Enterprises with points by band: below the first threshold, then from each threshold up. */
  bands: { from: number; to: number | null; enterprises: number }[]
  /** Points and scores by reason, in the point table's order (reasons no longer in it last). */
  byReason: { reason: string; points: number; scores: number }[]
  /** At or over the first threshold, most points first. */
  flagged: ScoredEnterprise[]
  totalPoints: number
}

export function scoringSummary(year: Cells, m: Mandates): ScoringSummary {
  const byEnterprise = new Map<string, ScoredEnterprise>()
  const byReason = new Map<string, { reason: string; points: number; scores: number }>(
    m.scoring.pointTable.map((r) => [r.code, { reason: r.code, points: 0, scores: 0 }]),
  )
  let totalPoints = 0
  for (const key in year) {
    const { metric, town, domain: enterpriseId, grade: reason } = parseCell(key)
    if (metric !== SCORE_METRIC.points && metric !== SCORE_METRIC.scores) continue
    const value = year[key]
    let ent = byEnterprise.get(enterpriseId)
    if (!ent) byEnterprise.set(enterpriseId, (ent = { enterpriseId, town, points: 0, scores: 0, level: -1 }))
    let r = byReason.get(reason)
    if (!r) byReason.set(reason, (r = { reason, points: 0, scores: 0 }))
    if (metric === SCORE_METRIC.points) {
      ent.points += value
      r.points += value
      totalPoints += value
    } else {
      ent.scores += value
      r.scores += value
    }
  }
  const thresholds = m.scoring.thresholds.map((t) => t.points)
  const enterprises = [...byEnterprise.values()].filter((e) => e.points > 0)
  for (const e of enterprises) e.level = thresholds.filter((p) => e.points >= p).length - 1
  const edges = [1, ...thresholds]
  const bands = edges.map((from, i) => ({
    from,
    to: i + 1 < edges.length ? edges[i + 1] - 1 : null,
    enterprises: enterprises.filter((e) => e.level === i - 1).length,
  }))
  const flagged = enterprises
    .filter((e) => e.level >= 0)
    .sort((a, b) => b.points - a.points || a.enterpriseId.localeCompare(b.enterpriseId))
  return { enterprises, bands, byReason: [...byReason.values()], flagged, totalPoints }
}
