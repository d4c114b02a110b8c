import { addDays, dayStartMs, regionDay } from '../time.ts'

// The duty roster (值班值守): one pair per region-time day — the duty leader (值班领导) and the duty
// officer (值班员), each with an extension (分机) — on duty from that day's handover (the region
// file's `mandates.readiness.handover`, 08:30 in Taixing) to the next day's. No TypeBox here: the
// wall bundles this file.

/** An extension: digits, maybe with a hyphen or a leading area code (0523-87654321). */
export const EXTENSION_PATTERN = '^[0-9][0-9-]{0,19}$'

/** The metric of the `now` cell counting roster assignments applied: the wall re-reads the roster when it moves. */
export const DUTY_METRIC = 'duty.n'
export const DUTY_CELL = `${DUTY_METRIC}|-|-|-`

/** Milliseconds into the day of a handover time HH:MM. */
const handoverOffsetMs = (handover: string) =>
  (Number(handover.slice(0, 2)) * 60 + Number(handover.slice(3, 5))) * 60_000

/**
 * The roster day on duty at instant `ms`, and when it hands over: before the day's handover it is
 * still the previous day's pair. (A handover time is added to the day's start: exact for zones
 * without daylight saving, off by the shift only on a switch day.)
 */
export function dutyDayAt(ms: number, timeZone: string, handover: string): { day: string; untilMs: number } {
  const today = regionDay(ms, timeZone)
  const todayHandover = dayStartMs(today, timeZone) + handoverOffsetMs(handover)
  if (ms < todayHandover) return { day: addDays(today, -1), untilMs: todayHandover }
  const tomorrow = addDays(today, 1)
  return { day: today, untilMs: dayStartMs(tomorrow, timeZone) + handoverOffsetMs(handover) }
}
