import type { Campaign, Campaigns } from './config.ts'
import { addDays } from '../time.ts'

// Which campaign a day belongs to, which campaign an event counts in, and which campaigns the wall's
// campaign slot shows on a day. Pure, on region-time days (YYYY-MM-DD): server and wall share it.

/** Days the sweep panel stays on the wall after its sweep ends: closures go on after it. */
export const SWEEP_SHOWN_AFTER_DAYS = 7

/** The campaign of `list` whose days include `day` (campaignProblems allows one at most). */
export const campaignOn = (list: readonly Campaign[], day: string): Campaign | undefined =>
  list.find((c) => c.start <= day && day <= c.end)

/** What the event is, as far as campaigns care (a structural subset of the events of shared/events.ts). */
type Countable = { type: string; source?: string }

/**
 * The id of the campaign an event on region day `day` counts in, if any: a hazard found by the
 * pre-holiday sweep (source `pre_holiday_sweep`) in a sweep's days, an enterprise stopping or
 * resuming in a season's days. The server stamps it on the event as logged (`campaign`).
 */
export function campaignIdFor(e: Countable, day: string, c: Campaigns): string | undefined {
  if (e.type === 'hazard.reported' && e.source === 'pre_holiday_sweep') return campaignOn(c.sweeps, day)?.id
  if (e.type === 'enterprise.work') return campaignOn(c.seasons, day)?.id
  return undefined
}

/** A campaign as the wall shows it on a day: under way, or over (its figures as they ended, or still moving). */
export interface ShownCampaign {
  campaign: Campaign
  running: boolean
}

/**
 * What the wall's campaign slot shows on `day`. The sweep: while it runs and SWEEP_SHOWN_AFTER_DAYS
 * after. The season: while it runs; outside every season the last season dated, unless a sweep is
 * shown (the season gives its place to it). Both together only while a season runs: they take turns.
 */
export function campaignsShown(
  day: string,
  c: Campaigns,
): { sweep: ShownCampaign | null; season: ShownCampaign | null } {
  const sweep = latest(
    c.sweeps.filter((s) => s.start <= day && day <= addDays(s.end, SWEEP_SHOWN_AFTER_DAYS)),
  )
  const running = campaignOn(c.seasons, day)
  const shownSweep = sweep ? { campaign: sweep, running: day <= sweep.end } : null
  if (running) return { sweep: shownSweep, season: { campaign: running, running: true } }
  if (shownSweep) return { sweep: shownSweep, season: null }
  const last = latest(c.seasons.filter((s) => s.end < day))
  return { sweep: null, season: last ? { campaign: last, running: false } : null }
}

/** The one that started last. */
function latest(list: Campaign[]): Campaign | undefined {
  return list.reduce<Campaign | undefined>((a, b) => (a && a.start >= b.start ? a : b), undefined)
}
