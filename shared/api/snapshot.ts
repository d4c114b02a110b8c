import { Type, type Static, type TSchema } from 'typebox'
import { TickerItemSchema, OverdueItemSchema, WallStateSchema } from '../protocol.ts'

// GET /api/snapshot (and the websocket's first message): the raw state at one seq plus every view
// the wall shows, as shared/summary.ts computes them. The views' types come from here.

const Count = Type.Number()
/** A ratio, or null while its whole is 0 (nothing found yet). */
const Rate = Type.Union([Type.Number(), Type.Null()])
const closed = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false })

export const Kpis = closed({
  hazardsFoundToday: Count,
  hazardsClosedToday: Count,
  hazardsOpen: Count,
  hazardsOverdue: Count,
  /** 临期: open hazards whose deadline is at most the region's dueSoonDays away, not yet overdue. */
  hazardsDueSoon: Count,
  majorHazardsOpen: Count,
  majorHazardsOverdue: Count,
  hazardsFoundYtd: Count,
  hazardsClosedYtd: Count,
  /** 整改率: closed ÷ found this year (null before anything is found). */
  rectificationRateYtd: Rate,
  majorRectificationRateYtd: Rate,
  inspectionsToday: Count,
  inspectionsYtd: Count,
  accidentsYtd: Count,
  accidentDeathsYtd: Count,
  accidentInjuriesYtd: Count,
  accidentLossYtd: Count,
  /** 较大及以上 this year: the campaign's goal is 0. */
  significantAccidentsYtd: Count,
  accidentsLastYearToDate: Count,
  accidentDeathsLastYearToDate: Count,
  enterprisesRegistered: Count,
  redRiskEnterprises: Count,
  enterprisesStopped: Count,
  enterprisesResumed: Count,
  enterprisesResumedWithoutCheck: Count,
  /** Alarms not yet acknowledged (shared/alarms.ts). */
  alarmsOpen: Count,
})
export type Kpis = Static<typeof Kpis>

/** One town's row of the ranking (most overdue first). */
export const TownRow = closed({
  town: Type.String(),
  open: Count,
  overdue: Count,
  majorOpen: Count,
  foundToday: Count,
  foundYtd: Count,
  closedYtd: Count,
  rectificationRateYtd: Rate,
})
export type TownRow = Static<typeof TownRow>

/** Open hazards of one domain by grade, and how many of them are overdue. */
export const DomainRow = closed({ domain: Type.String(), major: Count, general: Count, overdue: Count })
export type DomainRow = Static<typeof DomainRow>

const ByRiskLevel = { major: Count, significant: Count, general: Count, low: Count }
export const RiskDistribution = closed({
  total: closed(ByRiskLevel),
  byTown: Type.Array(closed({ town: Type.String(), ...ByRiskLevel })),
})
export type RiskDistribution = Static<typeof RiskDistribution>

export const FunnelStep = closed({ status: Type.String(), count: Count })
export const Trend = closed({
  days: Type.Array(Type.String()),
  found: Type.Array(Count),
  closed: Type.Array(Count),
})
export const AccidentRow = closed({ grade: Type.String(), count: Count, deaths: Count, injuries: Count })

/** A campaign as the region file dates it, and whether it is under way on the state's day. */
const CampaignShown = {
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  start: Type.String(),
  end: Type.String(),
  running: Type.Boolean(),
}

/** One town's part of a pre-holiday sweep (shared/campaigns/figures.ts). */
export const SweepTown = closed({ town: Type.String(), found: Count, closed: Count, rate: Rate })
export type SweepTown = Static<typeof SweepTown>
export const SweepFigures = closed({ found: Count, closed: Count, rate: Rate, byTown: Type.Array(SweepTown) })
export type SweepFigures = Static<typeof SweepFigures>

/** One town's part of a stop/resume season. */
export const SeasonTown = closed({
  town: Type.String(),
  stopped: Count,
  resumed: Count,
  withoutCheck: Count,
  rate: Rate,
})
export type SeasonTown = Static<typeof SeasonTown>
export const SeasonFigures = closed({
  stopped: Count,
  resumed: Count,
  withoutCheck: Count,
  rate: Rate,
  byTown: Type.Array(SeasonTown),
  withoutCheckList: Type.Array(closed({ enterpriseId: Type.String(), town: Type.String() })),
})
export type SeasonFigures = Static<typeof SeasonFigures>

/** What the campaign slot shows (shared/campaigns/window.ts `campaignsShown`), with its figures; null: nothing of that kind. */
export const CampaignViews = closed({
  sweep: Type.Union([closed({ ...CampaignShown, ...SweepFigures.properties }), Type.Null()]),
  season: Type.Union([closed({ ...CampaignShown, ...SeasonFigures.properties }), Type.Null()]),
})
export type CampaignViews = Static<typeof CampaignViews>

export const Summary = closed({
  kpis: Kpis,
  byTown: Type.Array(TownRow),
  byDomain: Type.Array(DomainRow),
  risk: RiskDistribution,
  funnel: Type.Array(FunnelStep),
  trend: Trend,
  accidents: Type.Array(AccidentRow),
  campaigns: CampaignViews,
})
export type Summary = Static<typeof Summary>

export const Snapshot = closed({
  ...WallStateSchema.properties,
  ticker: Type.Array(closed(TickerItemSchema.properties)),
  overdue: Type.Array(closed(OverdueItemSchema.properties)),
  /** The region's code. */
  region: Type.String(),
  ...Summary.properties,
})
export type Snapshot = Static<typeof Snapshot>
