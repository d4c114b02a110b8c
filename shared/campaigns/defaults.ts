import type { Campaign, Campaigns } from './config.ts'
import { SPRING_FESTIVAL } from './spring-festival.ts'
import { addDays } from '../time.ts'

// The campaigns a region file without its own `campaigns` section gets: each Spring Festival's, by
// DOMAIN.md's rule. No TypeBox here: the wall bundles this file (only types come from config.ts).

/** DOMAIN.md: the sweep runs from about three weeks before Spring Festival to the holiday (除夕 is its eve). */
const SWEEP_FROM_DAYS = -21
const SWEEP_TO_DAYS = -2
/** DOMAIN.md: the stop/resume season runs from about two weeks before Spring Festival to four weeks after. */
const SEASON_FROM_DAYS = -14
const SEASON_TO_DAYS = 28

function springFestivalCampaigns(kind: 'sweep' | 'season'): Campaign[] {
  return Object.entries(SPRING_FESTIVAL).map(([year, day]) => {
    const [from, to] =
      kind === 'sweep' ? [SWEEP_FROM_DAYS, SWEEP_TO_DAYS] : [SEASON_FROM_DAYS, SEASON_TO_DAYS]
    return {
      id: `${year}-spring`,
      name: kind === 'sweep' ? `${year}年春节节前安全大排查` : `${year}年春节停工复工`,
      nameEn: kind === 'sweep' ? `${year} Spring Festival sweep` : `${year} Spring Festival stop and resume`,
      start: addDays(day, from),
      end: addDays(day, to),
    }
  })
}

export const DEFAULT_CAMPAIGNS: Campaigns = {
  sweeps: springFestivalCampaigns('sweep'),
  seasons: springFestivalCampaigns('season'),
}

/** The region's campaigns section, or the defaults. */
export const campaignsOf = (region: { campaigns?: Campaigns }): Campaigns =>
  region.campaigns ?? DEFAULT_CAMPAIGNS
