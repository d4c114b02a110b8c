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
  /** Registered enterprises by risk level (grade = level). */
  enterpriseRisk: 'ent.risk',
  enterpriseStopped: 'ent.stopped',
  enterpriseResumed: 'ent.resumed',
  /** Resumed without the pre-resumption safety check (should be 0). */
  enterpriseResumedNoCheck: 'ent.resumed_nocheck',
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

export const OPEN_STATUS_METRICS = [METRIC.hazardReported, METRIC.hazardRectifying, METRIC.hazardAwaiting] as const

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

export function cellKey(metric: string, town: string, domain: string, grade = '-'): string {
  return `${metric}|${town}|${domain}|${grade}`
}

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

type Dimension = 'town' | 'domain' | 'grade'

/** Sum of the cells of `metrics` that match `where`. */
export function sumCells(cells: Cells, metrics: string | readonly string[], where: Partial<CellParts> = {}): number {
  const wanted = typeof metrics === 'string' ? [metrics] : metrics
  let total = 0
  for (const key in cells) {
    const p = parseCell(key)
    if (!wanted.includes(p.metric)) continue
    if (where.town !== undefined && p.town !== where.town) continue
    if (where.domain !== undefined && p.domain !== where.domain) continue
    if (where.grade !== undefined && p.grade !== where.grade) continue
    total += cells[key]
  }
  return total
}

/** Totals of `metrics` grouped by one dimension: `{ [town|domain|grade]: sum }`. */
export function rollup(cells: Cells, metrics: string | readonly string[], by: Dimension): Record<string, number> {
  const wanted = typeof metrics === 'string' ? [metrics] : metrics
  const out: Record<string, number> = {}
  for (const key in cells) {
    const p = parseCell(key)
    if (!wanted.includes(p.metric)) continue
    out[p[by]] = (out[p[by]] ?? 0) + cells[key]
  }
  return out
}
