import { Type, type Static } from 'typebox'
import { AccidentGrade, HazardGrade, HazardSource, HazardStatus, RiskLevel, WorkState } from '../enums.ts'
import { RegionSchema, alarmRules, regionFileOf, type Region } from '../region.ts'
import { RegionCallerSchema, type RegionCaller } from '../access.ts'
import { mandatesOf } from '../mandates/defaults.ts'
import { campaignsOf } from '../campaigns/defaults.ts'

// GET /api/regions: the region file (its mandates and campaigns sections filled with the defaults), every enumeration with its labels, and who asked. Both pages
// build their forms and labels from it; the lookups below are the only place a label is chosen.

/** The enumerations the pages label, by name. */
export const REGION_ENUMS = { HazardGrade, HazardStatus, RiskLevel, AccidentGrade, WorkState, HazardSource }
export type EnumKind = keyof typeof REGION_ENUMS

const EnumEntry = Type.Object(
  { value: Type.String(), zh: Type.String(), en: Type.String() },
  { additionalProperties: false },
)
const EnumEntries = Type.Array(EnumEntry)

export const RegionsReply = Type.Object(
  {
    ...RegionSchema.properties,
    enums: Type.Object(
      {
        HazardGrade: EnumEntries,
        HazardStatus: EnumEntries,
        RiskLevel: EnumEntries,
        AccidentGrade: EnumEntries,
        WorkState: EnumEntries,
        HazardSource: EnumEntries,
      } satisfies Record<EnumKind, typeof EnumEntries>,
      { additionalProperties: false },
    ),
    caller: RegionCallerSchema,
  },
  { additionalProperties: false },
)
export type RegionsReply = Static<typeof RegionsReply>

const ENUM_ENTRIES = Object.fromEntries(
  Object.entries(REGION_ENUMS).map(([name, e]) => [name, e.entries]),
) as RegionsReply['enums']

/** The reply for `region` and `caller` (the enumerations are the same for every region). */
export const regionsReply = (region: Region, caller: RegionCaller): RegionsReply => ({
  ...regionFileOf(region),
  mandates: mandatesOf(region),
  campaigns: campaignsOf(region),
  alarms: alarmRules(region),
  enums: ENUM_ENTRIES,
  caller,
})

export type Lang = 'zh' | 'en'

/** A town's, domain's or industry's name in `lang`. */
export const nameIn = (named: { name: string; nameEn: string }, lang: Lang): string =>
  lang === 'en' ? named.nameEn : named.name

/** An enumeration value's label in `lang`; an unknown value shows as itself rather than vanishing. */
export function enumLabel(
  enums: Partial<Record<EnumKind, readonly { value: string; zh: string; en: string }[]>> | undefined,
  kind: EnumKind,
  value: string,
  lang: Lang,
): string {
  const entry = enums?.[kind]?.find((e) => e.value === value)
  return entry ? entry[lang] : value
}
