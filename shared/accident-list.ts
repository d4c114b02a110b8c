import { Type, type Static } from 'typebox'
import { accidentGrade } from './accident.ts'

// The accident list the wall rotates through (GET /api/accidents): what a leader reads of each
// accident this year, graded by Decree 493 from its figures.

export const AccidentRecordSchema = Type.Object({
  accidentId: Type.String(),
  /** When it happened (ISO 8601). */
  at: Type.String(),
  town: Type.String(),
  domain: Type.String(),
  industry: Type.Optional(Type.String()),
  grade: Type.String(),
  deaths: Type.Integer(),
  seriousInjuries: Type.Integer(),
  directLossYuan: Type.Number(),
  /** What happened and where (an enterprise or a place), as reported. */
  title: Type.Optional(Type.String()),
})
export type AccidentRecord = Static<typeof AccidentRecordSchema>

export function accidentRecord(e: {
  accidentId: string
  at: string
  town: string
  domain: string
  industry?: string
  deaths: number
  seriousInjuries: number
  directLossYuan: number
  title?: string
}): AccidentRecord {
  return {
    accidentId: e.accidentId,
    at: e.at,
    town: e.town,
    domain: e.domain,
    industry: e.industry,
    grade: accidentGrade(e),
    deaths: e.deaths,
    seriousInjuries: e.seriousInjuries,
    directLossYuan: e.directLossYuan,
    title: e.title,
  }
}
