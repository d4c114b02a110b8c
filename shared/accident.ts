import type { AccidentGrade } from './enums.ts'

/**
 * Decree 493, art. 3: the grade is the highest that any one measure reaches.
 * Lower bounds are inclusive ("以上" includes the number).
 */
const THRESHOLDS: {
  grade: AccidentGrade
  deaths: number
  seriousInjuries: number
  directLossYuan: number
}[] = [
  { grade: 'especially_major', deaths: 30, seriousInjuries: 100, directLossYuan: 100_000_000 },
  { grade: 'major', deaths: 10, seriousInjuries: 50, directLossYuan: 50_000_000 },
  { grade: 'significant', deaths: 3, seriousInjuries: 10, directLossYuan: 10_000_000 },
]

export interface AccidentFigures {
  deaths: number
  seriousInjuries: number
  directLossYuan: number
}

export function accidentGrade(f: AccidentFigures): AccidentGrade {
  for (const t of THRESHOLDS) {
    if (
      f.deaths >= t.deaths ||
      f.seriousInjuries >= t.seriousInjuries ||
      f.directLossYuan >= t.directLossYuan
    ) {
      return t.grade
    }
  }
  return 'general'
}

/** 较大及以上: the grades the campaign's "curb significant-and-above" goal counts. */
export function isSignificantOrWorse(grade: AccidentGrade): boolean {
  return grade !== 'general'
}
