import { AccidentGrade, HazardGrade, HazardStatus, RiskLevel } from './enums.ts'
import {
  DAILY,
  METRIC,
  OPEN_STATUS_METRICS,
  dailyKey,
  rollup,
  townDailyKey,
  sumCells,
  withCellIndex,
  type Cells,
} from './cells.ts'
import { daysEnding, lastYearSamePeriod } from './time.ts'
import { LIMITS } from './limits.ts'
import type { Region } from './region.ts'
import type { WallState } from './protocol.ts'
import type {
  CampaignViews,
  DomainRow,
  Kpis,
  RiskDistribution,
  Snapshot,
  Summary,
  TownRow,
} from './api/snapshot.ts'
import { campaignsOf } from './campaigns/defaults.ts'
import { campaignsShown } from './campaigns/window.ts'
import { seasonFigures, sweepFigures } from './campaigns/figures.ts'

export type { Kpis, Snapshot, Summary }

// Every number the wall shows, derived from the raw state by pure functions.
// Server (GET /api/snapshot) and wall call the same code: to find where a number comes from, start here.

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null)

function dailySum(daily: Cells, days: string[], name: string): number {
  let total = 0
  for (const d of days) total += daily[dailyKey(d, name)] ?? 0
  return total
}

export function computeKpis(s: WallState): Kpis {
  const foundYtd = sumCells(s.year, METRIC.hazardFound)
  const closedYtd = sumCells(s.year, METRIC.hazardClosed)
  const lastYear = lastYearSamePeriod(s.day)
  return {
    hazardsFoundToday: sumCells(s.today, METRIC.hazardFound),
    hazardsClosedToday: sumCells(s.today, METRIC.hazardClosed),
    hazardsOpen: sumCells(s.now, OPEN_STATUS_METRICS),
    hazardsOverdue: sumCells(s.now, METRIC.hazardOverdue),
    /** 临期: open hazards whose deadline is at most the region's dueSoonDays away, not yet overdue. */
    hazardsDueSoon: sumCells(s.now, METRIC.hazardDueSoon),
    majorHazardsOpen: sumCells(s.now, OPEN_STATUS_METRICS, { grade: 'major' }),
    majorHazardsOverdue: sumCells(s.now, METRIC.hazardOverdue, { grade: 'major' }),
    hazardsFoundYtd: foundYtd,
    hazardsClosedYtd: closedYtd,
    /** 整改率: closed ÷ found this year (null before anything is found). */
    rectificationRateYtd: ratio(closedYtd, foundYtd),
    majorRectificationRateYtd: ratio(
      sumCells(s.year, METRIC.hazardClosed, { grade: 'major' }),
      sumCells(s.year, METRIC.hazardFound, { grade: 'major' }),
    ),
    inspectionsToday: sumCells(s.today, METRIC.inspection),
    inspectionsYtd: sumCells(s.year, METRIC.inspection),
    accidentsYtd: sumCells(s.year, METRIC.accident),
    accidentDeathsYtd: sumCells(s.year, METRIC.accidentDeaths),
    accidentInjuriesYtd: sumCells(s.year, METRIC.accidentInjuries),
    accidentLossYtd: sumCells(s.year, METRIC.accidentLoss),
    /** 较大及以上 this year: the campaign's goal is 0. */
    significantAccidentsYtd:
      sumCells(s.year, METRIC.accident) - sumCells(s.year, METRIC.accident, { grade: 'general' }),
    accidentsLastYearToDate: dailySum(s.daily, lastYear, DAILY.accidents),
    accidentDeathsLastYearToDate: dailySum(s.daily, lastYear, DAILY.deaths),
    enterprisesRegistered: sumCells(s.now, METRIC.enterpriseRisk),
    redRiskEnterprises: sumCells(s.now, METRIC.enterpriseRisk, { grade: 'major' }),
    enterprisesStopped: sumCells(s.now, METRIC.enterpriseStopped),
    enterprisesResumed: sumCells(s.now, METRIC.enterpriseResumed),
    enterprisesResumedWithoutCheck: sumCells(s.now, METRIC.enterpriseResumedNoCheck),
    /** Alarms not yet acknowledged (the wall's queue lists the newest LIMITS.alarmListLength). */
    alarmsOpen: sumCells(s.now, METRIC.alarmOpen),
  }
}

export function townRanking(s: WallState, region: Region): TownRow[] {
  const open = rollup(s.now, OPEN_STATUS_METRICS, 'town')
  const overdue = rollup(s.now, METRIC.hazardOverdue, 'town')
  const found = rollup(s.year, METRIC.hazardFound, 'town')
  const closed = rollup(s.year, METRIC.hazardClosed, 'town')
  const foundToday = rollup(s.today, METRIC.hazardFound, 'town')
  const majorOpen: Record<string, number> = {}
  for (const t of region.towns)
    majorOpen[t.code] = sumCells(s.now, OPEN_STATUS_METRICS, { town: t.code, grade: 'major' })
  return region.towns
    .map((t) => ({
      town: t.code,
      open: open[t.code] ?? 0,
      overdue: overdue[t.code] ?? 0,
      majorOpen: majorOpen[t.code],
      foundToday: foundToday[t.code] ?? 0,
      foundYtd: found[t.code] ?? 0,
      closedYtd: closed[t.code] ?? 0,
      rectificationRateYtd: ratio(closed[t.code] ?? 0, found[t.code] ?? 0),
    }))
    .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.town.localeCompare(b.town))
}

export function openByDomain(s: WallState, region: Region): DomainRow[] {
  return region.domains.map((d) => {
    const row: Record<string, number | string> = { domain: d.id }
    for (const g of HazardGrade.values)
      row[g] = sumCells(s.now, OPEN_STATUS_METRICS, { domain: d.id, grade: g })
    row.overdue = sumCells(s.now, METRIC.hazardOverdue, { domain: d.id })
    return row as { domain: string; major: number; general: number; overdue: number }
  })
}

export function riskDistribution(s: WallState, region: Region): RiskDistribution {
  const total = rollup(s.now, METRIC.enterpriseRisk, 'grade')
  const byTown = region.towns.map((t) => {
    const row: Record<string, number | string> = { town: t.code }
    for (const level of RiskLevel.values)
      row[level] = sumCells(s.now, METRIC.enterpriseRisk, { town: t.code, grade: level })
    return row as { town: string } & Record<(typeof RiskLevel.values)[number], number>
  })
  return {
    total: Object.fromEntries(RiskLevel.values.map((l) => [l, total[l] ?? 0])) as Record<
      (typeof RiskLevel.values)[number],
      number
    >,
    byTown,
  }
}

/** Open hazards in each status now, and closed this year: the rectification funnel. */
export function statusFunnel(s: WallState) {
  return HazardStatus.values.map((status) => ({
    status,
    count: status === 'closed' ? sumCells(s.year, METRIC.hazardClosed) : sumCells(s.now, `hz.${status}`),
  }))
}

export function trend(s: WallState) {
  const days = daysEnding(s.day, LIMITS.trendDays)
  return {
    days,
    found: days.map((d) => s.daily[dailyKey(d, DAILY.found)] ?? 0),
    closed: days.map((d) => s.daily[dailyKey(d, DAILY.closed)] ?? 0),
  }
}

export function accidentsByGrade(s: WallState) {
  return AccidentGrade.values.map((grade) => ({
    grade,
    count: sumCells(s.year, METRIC.accident, { grade }),
    deaths: sumCells(s.year, METRIC.accidentDeaths, { grade }),
    injuries: sumCells(s.year, METRIC.accidentInjuries, { grade }),
  }))
}

/**
 * The `daily` fields a snapshot for `day` reads by name: the trend window (the city's and each of
 * `towns`') and the city's last year's same period. Each town's accidents of that period are read
 * only for the days the city had one (snapshot.lua): a year of fields per town would be mostly empty.
 */
export function dailyWindow(day: string, towns: readonly string[] = []): string[] {
  const fields: string[] = []
  for (const d of daysEnding(day, LIMITS.trendDays)) {
    fields.push(dailyKey(d, DAILY.found), dailyKey(d, DAILY.closed))
    for (const town of towns)
      fields.push(townDailyKey(d, DAILY.found, town), townDailyKey(d, DAILY.closed, town))
  }
  for (const d of lastYearSamePeriod(day))
    fields.push(dailyKey(d, DAILY.accidents), dailyKey(d, DAILY.deaths))
  return fields
}

/**
 * Whether a state for `day` holds the `daily` field `field` (a city's `<day>|<name>` or a town's
 * `<day>|<name>|<town>`): found and closed in the trend window, accidents and deaths in last year's
 * same period. What a node keeps of each publish.
 */
export function inDailyWindow(day: string): (field: string) => boolean {
  const trendDays = new Set(daysEnding(day, LIMITS.trendDays))
  const lastYear = lastYearSamePeriod(day)
  const from = lastYear[0]
  const to = lastYear[lastYear.length - 1]
  return (field) => {
    const [d, name] = field.split('|', 2)
    if (name === DAILY.found || name === DAILY.closed) return trendDays.has(d)
    if (name === DAILY.accidents || name === DAILY.deaths) return d >= from && d <= to
    return false
  }
}

/**
 * The campaign slot: the pre-holiday sweep and the stop/resume season shown on the state's day, each
 * with its dates and figures (shared/campaigns/).
 */
export function campaignViews(s: WallState, region: Region): CampaignViews {
  const { sweep, season } = campaignsShown(s.day, campaignsOf(region))
  return {
    sweep: sweep && {
      ...sweep.campaign,
      running: sweep.running,
      ...sweepFigures(s.now, sweep.campaign.id, region.towns),
    },
    season: season && {
      ...season.campaign,
      running: season.running,
      ...seasonFigures(s.now, season.campaign.id, region.towns),
    },
  }
}

/** Everything the wall shows, derived from `s`. */
export function summarize(s: WallState, region: Region): Summary {
  return withCellIndex(() => ({
    kpis: computeKpis(s),
    byTown: townRanking(s, region),
    byDomain: openByDomain(s, region),
    risk: riskDistribution(s, region),
    funnel: statusFunnel(s),
    trend: trend(s),
    accidents: accidentsByGrade(s),
    campaigns: campaignViews(s, region),
  }))
}

/** The snapshot as `GET /api/snapshot` and the websocket's first message carry it: raw state plus every view. */
export function buildSnapshot(s: WallState, region: Region): Snapshot {
  return { ...s, region: region.city.code, ...summarize(s, region) }
}

/** Enterprise resumption (停工复工): how far it has come, and resumptions without the pre-check (goal 0). */
export function resumption(k: Kpis) {
  return {
    stopped: k.enterprisesStopped,
    resumed: k.enterprisesResumed,
    withoutCheck: k.enterprisesResumedWithoutCheck,
    /** resumed ÷ (stopped + resumed); null while no enterprise has stopped or resumed. */
    rate: ratio(k.enterprisesResumed, k.enterprisesStopped + k.enterprisesResumed),
  }
}

/**
 * Accidents this year against the same period last year. `lastYear` is null when last year's period
 * holds no record at all: "none recorded", not a comparison with a zero that may only mean no data.
 */
export function accidentsYearOnYear(k: Kpis) {
  const recorded = k.accidentsLastYearToDate > 0 || k.accidentDeathsLastYearToDate > 0
  return {
    accidents: k.accidentsYtd,
    deaths: k.accidentDeathsYtd,
    lastYear: recorded
      ? { accidents: k.accidentsLastYearToDate, deaths: k.accidentDeathsLastYearToDate }
      : null,
    change: recorded ? k.accidentsYtd - k.accidentsLastYearToDate : null,
  }
}

/** How long a hazard has been overdue at `nowMs` (0 before its deadline): whole days and the rest, for a ticking display. */
export function overdueFor(deadlineMs: number, nowMs: number) {
  const ms = Math.max(0, nowMs - deadlineMs)
  const days = Math.floor(ms / 86_400_000)
  return { ms, days, restMs: ms - days * 86_400_000 }
}
