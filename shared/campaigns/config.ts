import { Type, type Static } from 'typebox'

// The campaigns a region file dates (`campaigns`): pre-holiday sweeps (节前安全大排查) and stop/resume
// seasons (停工复工). Each city dates its own, year by year; a region file without the section gets
// the Spring Festival ones of DOMAIN.md's rule (defaults.ts). docs/campaigns.md says how they count.

const DAY = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })

/** A campaign: an id (kept in the cells that count it, so never reused), its names, its first and last region-time day. */
export const CampaignSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,32}$' }),
    name: Type.String({ minLength: 1, maxLength: 40 }),
    nameEn: Type.String({ minLength: 1, maxLength: 60 }),
    start: DAY,
    end: DAY,
  },
  { additionalProperties: false },
)

export const CampaignsSchema = Type.Object(
  {
    /** 节前安全大排查: hazards of source `pre_holiday_sweep` found on these days count in the sweep. */
    sweeps: Type.Array(CampaignSchema),
    /** 停工复工: enterprises' stops and resumptions on these days count in the season. */
    seasons: Type.Array(CampaignSchema),
  },
  { additionalProperties: false },
)

export type Campaign = Static<typeof CampaignSchema>
export type Campaigns = Static<typeof CampaignsSchema>

const isRealDay = (day: string) => {
  const ms = Date.parse(`${day}T00:00:00Z`)
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day
}

/**
 * Problems the schema cannot see: a date that does not exist, a campaign ending before it starts, an
 * id used twice, two campaigns of one kind on the same day (an event counts in one at most).
 */
export function campaignProblems(c: Campaigns): string[] {
  const problems: string[] = []
  for (const [kind, list] of [
    ['sweep', c.sweeps],
    ['season', c.seasons],
  ] as const) {
    const ids = new Set<string>()
    for (const x of list) {
      if (ids.has(x.id)) problems.push(`${kind} id "${x.id}" appears twice`)
      ids.add(x.id)
      for (const day of [x.start, x.end])
        if (!isRealDay(day)) problems.push(`${kind} "${x.id}": ${day} is not a real date`)
      if (x.end < x.start) problems.push(`${kind} "${x.id}" ends (${x.end}) before it starts (${x.start})`)
    }
    const sorted = [...list].sort((a, b) => a.start.localeCompare(b.start))
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i].start <= sorted[i - 1].end)
        problems.push(`${kind}s "${sorted[i - 1].id}" and "${sorted[i].id}" overlap`)
  }
  return problems
}
