import { Type, type Static } from 'typebox'

// The conference's other mandates in a region file (`mandates`): the principal-person point table
// and thresholds, the duty handover time and the drill plan, and the departments that own work-list
// items. Every city publishes its own; a region file without the section gets DEFAULT_MANDATES
// (defaults.ts).

const Named = {
  name: Type.String({ minLength: 1 }),
  nameEn: Type.String({ minLength: 1 }),
}
const Code = Type.String({ pattern: '^[a-z0-9_]{1,32}$' })

/** One item of the point table: a fixed number of points (min = max) or a range the scorer picks from. */
export const PointRuleSchema = Type.Object(
  {
    code: Code,
    ...Named,
    min: Type.Integer({ minimum: 1, maximum: 12 }),
    max: Type.Integer({ minimum: 1, maximum: 12 }),
  },
  { additionalProperties: false },
)

/** What a principal's points this year lead to (约谈 at 9, 重新考核 at 12 in most tables). */
export const ScoreThresholdSchema = Type.Object(
  { points: Type.Integer({ minimum: 1, maximum: 100 }), ...Named },
  { additionalProperties: false },
)

export const MandatesSchema = Type.Object(
  {
    scoring: Type.Object(
      {
        pointTable: Type.Array(PointRuleSchema, { minItems: 1 }),
        /** Lowest first. */
        thresholds: Type.Array(ScoreThresholdSchema, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    readiness: Type.Object(
      {
        /** The daily duty handover, region time (HH:MM). */
        handover: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
        /** Drills each town plans per quarter, unless `drillPlan` names it. */
        drillsPerQuarter: Type.Integer({ minimum: 0, maximum: 100 }),
        drillPlan: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: 100 }))),
      },
      { additionalProperties: false },
    ),
    /** Lead departments (牵头单位) of work-list items. */
    departments: Type.Array(Type.Object({ id: Code, ...Named }, { additionalProperties: false }), {
      minItems: 1,
    }),
  },
  { additionalProperties: false },
)

export type Mandates = Static<typeof MandatesSchema>
export type PointRule = Static<typeof PointRuleSchema>

/** Problems the schema cannot see: duplicate codes, min above max, thresholds out of order, unknown towns. */
export function mandateProblems(m: Mandates, townCodes: Set<string>): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const rule of m.scoring.pointTable) {
    if (seen.has(rule.code)) problems.push(`point table code "${rule.code}" appears twice`)
    seen.add(rule.code)
    if (rule.min > rule.max)
      problems.push(`point table "${rule.code}": min ${rule.min} is above max ${rule.max}`)
  }
  m.scoring.thresholds.forEach((th, i) => {
    if (i > 0 && th.points <= m.scoring.thresholds[i - 1].points)
      problems.push('scoring thresholds must go up, lowest first')
  })
  for (const town of Object.keys(m.readiness.drillPlan ?? {}))
    if (!townCodes.has(town)) problems.push(`drill plan names unknown town "${town}"`)
  const departments = new Set<string>()
  for (const d of m.departments) {
    if (departments.has(d.id)) problems.push(`department id "${d.id}" appears twice`)
    departments.add(d.id)
  }
  return problems
}
