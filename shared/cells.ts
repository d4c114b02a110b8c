// Cells: every number Lookout keeps is a counter field `metric|town|domain|grade` in Redis
// (DESIGN.md "Cells"). Only touched cells exist. Every chart is a roll-up of cells.

export type Cells = Record<string, number>

/** The metrics, by scope. Grade is the hazard grade, accident grade or risk level; '-' when none. */
export const METRIC = {
  // gauges (scope `now`): current state
  /** Open hazards by their status (the three open statuses sum to "open"). */
  hazardReported: 'hz.reported',
  hazardRectifying: 'hz.rectifying',
  hazardAwaiting: 'hz.awaiting_acceptance',
  hazardOverdue: 'hz.overdue',
  /** 临期: open, not overdue, deadline at most the region's dueSoonDays away (moved by the deadline tick). */
  hazardDueSoon: 'hz.duesoon',
  /** Registered enterprises by risk level (grade = level). */
  enterpriseRisk: 'ent.risk',
  enterpriseStopped: 'ent.stopped',
  enterpriseResumed: 'ent.resumed',
  /** Resumed without the pre-resumption safety check (should be 0). */
  enterpriseResumedNoCheck: 'ent.resumed_nocheck',
  /** Unacknowledged alarms (grade = alarm kind; shared/alarms.ts). */
  alarmOpen: 'alarm.open',
  // counters (scopes `today` and `year`): things that happened in the period
  hazardFound: 'hz.found',
  hazardClosed: 'hz.closed',
  inspection: 'insp',
  inspectionHazards: 'insp.hazards',
  /** Accidents, grade = accident grade; deaths, injuries and loss summed beside them. */
  accident: 'acc',
  accidentDeaths: 'acc.deaths',
  accidentInjuries: 'acc.injuries',
  accidentLoss: 'acc.loss',
} as const

export const OPEN_STATUS_METRICS = [
  METRIC.hazardReported,
  METRIC.hazardRectifying,
  METRIC.hazardAwaiting,
] as const

/** Per-day totals kept for trends (scope `daily`, field `<YYYY-MM-DD>|<name>`). */
export const DAILY = {
  found: 'found',
  closed: 'closed',
  inspections: 'insp',
  accidents: 'acc',
  deaths: 'acc.deaths',
  injuries: 'acc.injuries',
  significant: 'acc.sig',
} as const

/**
 * The per-day totals kept for each town as well (field `<YYYY-MM-DD>|<name>|<town>`): a town's
 * trend and its accidents in last year's same period (shared/town-view.ts reads them).
 */
export const TOWN_DAILY = [DAILY.found, DAILY.closed, DAILY.accidents, DAILY.deaths] as const

export interface CellParts {
  metric: string
  town: string
  domain: string
  grade: string
}

export function parseCell(key: string): CellParts {
  const [metric, town, domain, grade] = key.split('|')
  return { metric, town, domain, grade }
}

export function dailyKey(day: string, name: string): string {
  return `${day}|${name}`
}

/** The `daily` field of one town's total (ingest.lua `bumpDailyTown` writes it). */
export function townDailyKey(day: string, name: string, town: string): string {
  return `${day}|${name}|${town}`
}

type Dimension = 'town' | 'domain' | 'grade'

interface IndexedCell {
  parts: CellParts
  value: number
}

/**
 * While `withCellIndex` runs, each cells object is parsed once into lists by metric, and every
 * sumCells/rollup over it reads only its metrics' lists: summarize() makes ~150 roll-ups over a few
 * thousand cells, ~160 ms by plain scans, a few ms this way. The index lives for one call only,
 * because states are changed in place by deltas between calls.
 */
let indexScope: WeakMap<Cells, Map<string, IndexedCell[]>> | null = null

export function withCellIndex<T>(fn: () => T): T {
  if (indexScope) return fn()
  indexScope = new WeakMap()
  try {
    return fn()
  } finally {
    indexScope = null
  }
}

/** The cells of `metrics`, from the index when one is in scope, else by a scan. */
function cellsOf(cells: Cells, metrics: string | readonly string[]): IndexedCell[] {
  const wanted = typeof metrics === 'string' ? [metrics] : metrics
  if (!indexScope) {
    const out: IndexedCell[] = []
    for (const key in cells) {
      const parts = parseCell(key)
      if (wanted.includes(parts.metric)) out.push({ parts, value: cells[key] })
    }
    return out
  }
  let byMetric = indexScope.get(cells)
  if (!byMetric) {
    byMetric = new Map()
    for (const key in cells) {
      const parts = parseCell(key)
      let list = byMetric.get(parts.metric)
      if (!list) byMetric.set(parts.metric, (list = []))
      list.push({ parts, value: cells[key] })
    }
    indexScope.set(cells, byMetric)
  }
  if (wanted.length === 1) return byMetric.get(wanted[0]) ?? []
  return wanted.flatMap((m) => byMetric.get(m) ?? [])
}

const matches = (p: CellParts, where: Partial<CellParts>) =>
  (where.town === undefined || p.town === where.town) &&
  (where.domain === undefined || p.domain === where.domain) &&
  (where.grade === undefined || p.grade === where.grade)

/** Sum of the cells of `metrics` that match `where`. */
export function sumCells(
  cells: Cells,
  metrics: string | readonly string[],
  where: Partial<CellParts> = {},
): number {
  let total = 0
  for (const { parts: p, value } of cellsOf(cells, metrics)) if (matches(p, where)) total += value
  return total
}

/** Totals of `metrics` (those that match `where`) grouped by one dimension: `{ [town|domain|grade]: sum }`. */
export function rollup(
  cells: Cells,
  metrics: string | readonly string[],
  by: Dimension,
  where: Partial<CellParts> = {},
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const { parts: p, value } of cellsOf(cells, metrics))
    if (matches(p, where)) out[p[by]] = (out[p[by]] ?? 0) + value
  return out
}

/** The cells of `metrics` that match `where`, each with its parts (a list of what the cells name). */
export function cellsWhere(
  cells: Cells,
  metrics: string | readonly string[],
  where: Partial<CellParts> = {},
): { parts: CellParts; value: number }[] {
  return cellsOf(cells, metrics).filter((c) => matches(c.parts, where))
}
