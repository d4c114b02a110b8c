import type { LookoutEvent } from '../../shared/events.ts'
import { atMinute, inOfficeHours } from './calendar.ts'
import { Rng } from './random.ts'

// The simulated city's principal-person scores (主要负责人安全生产记分), ~20 a month: most for its own
// accidents and hazards left overdue, a few for duties not done (no training, no investigation, an
// order not carried out). Every draw is seeded by the id of what the score is about, so a rerun of a
// seed sends the same scores (the server answers "duplicate").

type WithoutAt<E> = E extends unknown ? Omit<E, 'at'> : never
export interface Planned {
  at: number
  body: WithoutAt<LookoutEvent>
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Of an enterprise's hazards that go overdue, the share its principal is scored for. */
const LATE_SCORE_CHANCE = { major: 0.7, general: 0.2 }
/** Scores for duties not done, per working day, city-wide. */
const DUTY_SCORES_PER_DAY = 0.15

function scored(id: string, at: number, enterpriseId: string, reason: string, points?: number): Planned {
  return {
    at: at - (at % 1000),
    body: {
      id,
      type: 'principal.scored',
      scoreId: id,
      enterpriseId,
      reason,
      ...(points === undefined ? {} : { points }),
    },
  }
}

/** A score a few days after the deadline of an enterprise's hazard that was not rectified in time, or none. */
export function lateHazardScore(
  seed: number,
  hazardId: string,
  enterpriseId: string,
  major: boolean,
  dueMs: number,
  timeZone: string,
): Planned | undefined {
  const r = new Rng(seed, hazardId, 'score')
  if (!r.chance(major ? LATE_SCORE_CHANCE.major : LATE_SCORE_CHANCE.general)) return undefined
  const at = inOfficeHours(dueMs + r.between(1, 3) * DAY, timeZone, r.int(0, 120))
  return major
    ? scored(`${hazardId}:ps`, at, enterpriseId, 'major_hazard_unrectified')
    : scored(`${hazardId}:ps`, at, enterpriseId, 'rectification_overdue', r.int(2, 4))
}

/** The score of an enterprise's accident, after the investigation's first days. */
export function accidentScore(
  seed: number,
  accidentId: string,
  enterpriseId: string,
  significant: boolean,
  accidentAt: number,
  timeZone: string,
): Planned {
  const r = new Rng(seed, accidentId, 'score')
  const at = inOfficeHours(accidentAt + r.between(2, 6) * DAY, timeZone, r.int(0, 120))
  return scored(
    `${accidentId}:ps`,
    at,
    enterpriseId,
    significant ? 'significant_accident' : 'general_accident',
  )
}

/** Scores for duties not done found on `day` (a working day's inspections), at enterprises drawn for the day. */
export function dutyScores(
  seed: number,
  day: string,
  stem: string,
  enterpriseIds: readonly string[],
  timeZone: string,
): Planned[] {
  const r = new Rng(seed, day, 'duty-scores')
  const n = r.round(DUTY_SCORES_PER_DAY * r.between(0.5, 1.5))
  return Array.from({ length: n }, (_, k) => {
    const at = atMinute(day, r.int(9 * 60, 17 * 60), timeZone)
    const reason = r.weighted([
      ['no_training', 40],
      ['no_investigation', 35],
      ['order_not_done', 20],
      ['obstruction', 5],
    ] as const)
    const points = reason === 'no_training' || reason === 'no_investigation' ? r.int(2, 3) : undefined
    return scored(`${stem}-P${k + 1}`, at, r.pick(enterpriseIds), reason, points)
  })
}
