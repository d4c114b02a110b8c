import { cellsWhere, rollup, type Cells } from '../cells.ts'
import type { SeasonFigures, SeasonTown, SweepFigures, SweepTown } from '../api/snapshot.ts'

// A campaign's figures from the `now` cells the ingest script keeps for it (server/store/lua/
// campaigns.lua), the campaign's id as the cell's grade. What the wall's campaign slot shows.

export const CAMPAIGN_METRIC = {
  /** sw.found|town|-|sweep: hazards of source pre_holiday_sweep found on the sweep's days. */
  sweepFound: 'sw.found',
  /** sw.closed|town|-|sweep: those of them closed since (whenever). */
  sweepClosed: 'sw.closed',
  /** sr.stopped|town|-|season: enterprises whose last stop or resumption in the season is a stop. */
  seasonStopped: 'sr.stopped',
  /** sr.resumed|town|-|season: … is a resumption. */
  seasonResumed: 'sr.resumed',
  /** sr.nocheck|town|enterpriseId|season: 1 while that resumption was made without the pre-resumption check. */
  seasonNoCheck: 'sr.nocheck',
} as const

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null)
/** Every town's together (a town no longer in the region file included). */
const sum = (byTown: Record<string, number>) => Object.values(byTown).reduce((n, v) => n + v, 0)

/** The sweep's hazards found and closed, in all and by town. */
export function sweepFigures(now: Cells, sweepId: string, towns: readonly { code: string }[]): SweepFigures {
  const where = { grade: sweepId }
  const found = rollup(now, CAMPAIGN_METRIC.sweepFound, 'town', where)
  const closed = rollup(now, CAMPAIGN_METRIC.sweepClosed, 'town', where)
  const byTown: SweepTown[] = towns.map((t) => {
    const f = found[t.code] ?? 0
    const c = closed[t.code] ?? 0
    return { town: t.code, found: f, closed: c, rate: ratio(c, f) }
  })
  const open = (t: SweepTown) => t.found - t.closed
  return {
    found: sum(found),
    closed: sum(closed),
    rate: ratio(sum(closed), sum(found)),
    // sort is stable: ties keep the region's order.
    byTown: [...byTown].sort((a, b) => open(b) - open(a) || b.found - a.found),
  }
}

/** The season's enterprises stopped, resumed and resumed without the check, in all and by town, and those last by id. */
export function seasonFigures(
  now: Cells,
  seasonId: string,
  towns: readonly { code: string }[],
): SeasonFigures {
  const where = { grade: seasonId }
  const stopped = rollup(now, CAMPAIGN_METRIC.seasonStopped, 'town', where)
  const resumed = rollup(now, CAMPAIGN_METRIC.seasonResumed, 'town', where)
  const noCheck = cellsWhere(now, CAMPAIGN_METRIC.seasonNoCheck, where).filter((c) => c.value > 0)
  const townIndex = new Map(towns.map((t, i) => [t.code, i]))
  const withoutCheckList = noCheck
    .map((c) => ({ enterpriseId: c.parts.domain, town: c.parts.town }))
    .sort(
      (a, b) =>
        (townIndex.get(a.town) ?? towns.length) - (townIndex.get(b.town) ?? towns.length) ||
        a.enterpriseId.localeCompare(b.enterpriseId),
    )
  const byTown: SeasonTown[] = towns.map((t) => {
    const s = stopped[t.code] ?? 0
    const r = resumed[t.code] ?? 0
    const n = withoutCheckList.filter((e) => e.town === t.code).length
    return { town: t.code, stopped: s, resumed: r, withoutCheck: n, rate: ratio(r, s + r) }
  })
  return {
    stopped: sum(stopped),
    resumed: sum(resumed),
    withoutCheck: withoutCheckList.length,
    rate: ratio(sum(resumed), sum(stopped) + sum(resumed)),
    // Towns with nothing to count (rate null) last; sort is stable: ties keep the region's order.
    byTown: [...byTown].sort(
      (a, b) => b.withoutCheck - a.withoutCheck || (a.rate ?? 2) - (b.rate ?? 2) || b.stopped - a.stopped,
    ),
    withoutCheckList,
  }
}
