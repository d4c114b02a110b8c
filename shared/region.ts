import { Type, type Static } from 'typebox'
import { AlarmRulesSchema, DEFAULT_ALARM_RULES, type AlarmRules } from './alarms.ts'
import { MandatesSchema, mandateProblems } from './mandates/config.ts'
import { CampaignsSchema, campaignProblems } from './campaigns/config.ts'

// A region's configuration: the one file another city edits to run Lookout (server/regions/<code>.json).

const Named = {
  name: Type.String({ minLength: 1 }),
  nameEn: Type.String({ minLength: 1 }),
}

export const TownSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9A-Za-z]{6,12}$' }),
    ...Named,
    /** Shorter names for the wall's tight places (tiles, ranking, ticker, lists); the full ones elsewhere. */
    short: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
    shortEn: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    /** Position [column, row] on the wall's schematic tile map. */
    tile: Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]),
  },
  { additionalProperties: false },
)

export const IndustrySchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9_]+$' }), ...Named },
  { additionalProperties: false },
)

export const DomainSchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9_]+$' }), ...Named, industries: Type.Array(IndustrySchema) },
  { additionalProperties: false },
)

const AliasMap = Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))

/**
 * Other spellings a ledger uses, by what they name: towns by code, domains and industries by id,
 * statuses, sources and grades by value. Matched like the names themselves (full-width forms and
 * spaces do not count). Lookout adds its own for statuses, sources and grades (server/import/values.ts).
 */
export const ImportAliasesSchema = Type.Object(
  {
    town: Type.Optional(AliasMap),
    domain: Type.Optional(AliasMap),
    industry: Type.Optional(AliasMap),
    status: Type.Optional(AliasMap),
    source: Type.Optional(AliasMap),
    grade: Type.Optional(AliasMap),
  },
  { additionalProperties: false },
)
export type ImportAliases = Static<typeof ImportAliasesSchema>

export const RegionSchema = Type.Object(
  {
    /** The county-level city itself: its administrative code and names. */
    city: Type.Object(
      {
        code: Type.String({ pattern: '^[0-9]{6}$' }),
        ...Named,
        province: Type.String(),
        provinceEn: Type.String(),
      },
      { additionalProperties: false },
    ),
    timeZone: Type.String({ minLength: 1 }),
    thresholds: Type.Object(
      { dueSoonDays: Type.Integer({ minimum: 0, maximum: 60 }) },
      { additionalProperties: false },
    ),
    towns: Type.Array(TownSchema, { minItems: 1 }),
    domains: Type.Array(DomainSchema, { minItems: 1 }),
    /** Which events raise an alarm and when one escalates (shared/alarms.ts); defaults when absent. */
    alarms: Type.Optional(AlarmRulesSchema),
    /** The ledger import's alias table. */
    importAliases: Type.Optional(ImportAliasesSchema),
    /** Principal-person scoring, emergency readiness, work lists (shared/mandates/config.ts). */
    mandates: Type.Optional(MandatesSchema),
    /** The pre-holiday sweeps and stop/resume seasons, dated (shared/campaigns/config.ts); defaults when absent. */
    campaigns: Type.Optional(CampaignsSchema),
  },
  { additionalProperties: false },
)

export type Region = Static<typeof RegionSchema>
export type Town = Static<typeof TownSchema>
export type Domain = Static<typeof DomainSchema>

/** Lookups the validator and the wall need; built once per region. */
export interface RegionIndex extends Region {
  townByCode: Map<string, Town>
  domainById: Map<string, Domain>
}

export function indexRegion(region: Region): RegionIndex {
  return {
    ...region,
    townByCode: new Map(region.towns.map((t) => [t.code, t])),
    domainById: new Map(region.domains.map((d) => [d.id, d])),
  }
}

/** The region file itself, without the lookups an index adds (what GET /api/regions sends). */
export function regionFileOf(region: Region | RegionIndex): Region {
  const { townByCode: _towns, domainById: _domains, ...file } = region as Partial<RegionIndex> & Region
  return file
}

/** Checks a region file beyond its schema: unique codes and ids. Returns the problems found. */
export function regionProblems(region: Region): string[] {
  const problems: string[] = []
  const dup = (list: string[], what: string) => {
    const seen = new Set<string>()
    for (const x of list) {
      if (seen.has(x)) problems.push(`${what} "${x}" appears twice`)
      seen.add(x)
    }
  }
  dup(
    region.towns.map((t) => t.code),
    'town code',
  )
  dup(
    region.domains.map((d) => d.id),
    'domain id',
  )
  for (const d of region.domains)
    dup(
      d.industries.map((i) => i.id),
      `industry id in domain ${d.id}`,
    )
  const aliases = region.importAliases ?? {}
  const towns = new Set(region.towns.map((t) => t.code))
  const domains = new Set(region.domains.map((d) => d.id))
  const industries = new Set(region.domains.flatMap((d) => d.industries.map((i) => i.id)))
  const aliasTargets: [keyof ImportAliases, Set<string>][] = [
    ['town', towns],
    ['domain', domains],
    ['industry', industries],
  ]
  for (const [kind, known] of aliasTargets) {
    for (const [alias, target] of Object.entries(aliases[kind] ?? {}))
      if (!known.has(target))
        problems.push(`importAliases.${kind} "${alias}" names "${target}", which is not one`)
  }
  if (region.mandates)
    problems.push(...mandateProblems(region.mandates, new Set(region.towns.map((t) => t.code))))
  if (region.campaigns) problems.push(...campaignProblems(region.campaigns))
  if (!isTimeZone(region.timeZone)) problems.push(`timeZone "${region.timeZone}" is not a known IANA zone`)
  return problems
}

/** Whether `name` is a time zone this runtime knows (an IANA name such as Asia/Shanghai). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** The region's alarm rules, or the defaults. */
export const alarmRules = (region: Pick<Region, 'alarms'>): AlarmRules => region.alarms ?? DEFAULT_ALARM_RULES
