import type { Campaigns } from '../../shared/campaigns/config.ts'
import { indexRegion } from '../../shared/region.ts'
import { region } from '../helpers/app.ts'

// A region with campaigns of its own (not the Taixing file's, which a city edits year by year).

export const CAMPAIGNS: Campaigns = {
  sweeps: [
    {
      id: '2026-spring',
      name: '2026年春节节前安全大排查',
      nameEn: '2026 Spring Festival sweep',
      start: '2026-01-27',
      end: '2026-02-15',
    },
    {
      id: '2026-national',
      name: '2026年国庆节前安全大排查',
      nameEn: '2026 National Day sweep',
      start: '2026-09-15',
      end: '2026-09-30',
    },
  ],
  seasons: [
    {
      id: '2026-spring',
      name: '2026年春节停工复工',
      nameEn: '2026 Spring Festival stop and resume',
      start: '2026-01-27',
      end: '2026-03-17',
    },
  ],
}

export const campaignRegion = indexRegion({ ...region, campaigns: CAMPAIGNS })
