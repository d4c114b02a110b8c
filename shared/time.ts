import { LIMITS } from './limits.ts'

// Region time: "today", "this year" and day buckets follow the region's zone, never the process's.

const RANGE_START_MS = Date.UTC(LIMITS.yearMin, 0, 1)
const RANGE_END_MS = Date.UTC(LIMITS.yearMax + 1, 0, 1)

/** Whether instant `ms` falls in the years events and deadlines may name (LIMITS.yearMin–yearMax, UTC). */
export const inDateRange = (ms: number) => ms >= RANGE_START_MS && ms < RANGE_END_MS

/** The refusal of a time or deadline outside those years (the import says it in its own words). */
export const OUT_OF_DATE_RANGE = `must be in the years ${LIMITS.yearMin}–${LIMITS.yearMax}`

/** The region's calendar date (YYYY-MM-DD) at instant `ms`. */
export function regionDay(ms: number, timeZone: string): string {
  return new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString().slice(0, 10)
}

// Making a formatter costs ~0.5 ms, formatting with one ~10 µs: keep one per zone.
const partsFormatters = new Map<string, Intl.DateTimeFormat>()

/** Offset of `timeZone` from UTC at instant `ms`, in ms, asked of Intl. */
function intlOffsetMs(ms: number, timeZone: string): number {
  let f = partsFormatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    partsFormatters.set(timeZone, f)
  }
  const parts = f.formatToParts(ms)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(ms / 1000) * 1000
}

// Every event's day and every hazard's deadline pass through here. Zones change their offset only
// at whole quarter hours (UTC), so one Intl lookup per zone and quarter hour serves every instant in it.
const QUARTER_HOUR_MS = 900_000
const offsets = new Map<string, number>()

/** Offset of `timeZone` from UTC at instant `ms`, in ms (Asia/Shanghai: +8 h). */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS)
  const key = `${timeZone} ${quarter}`
  let offset = offsets.get(key)
  if (offset === undefined) {
    offset = intlOffsetMs(quarter * QUARTER_HOUR_MS, timeZone)
    if (offsets.size >= 10_000) offsets.clear()
    offsets.set(key, offset)
  }
  return offset
}

/** The instant the region's day `YYYY-MM-DD` starts. */
export function dayStartMs(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number)
  const guess = Date.UTC(y, m - 1, d)
  return guess - zoneOffsetMs(guess - zoneOffsetMs(guess, timeZone), timeZone)
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** The `n` days ending with `lastDay`, oldest first. */
export function daysEnding(lastDay: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => addDays(lastDay, i - n + 1))
}

/** Whole days from `fromDay` to `toDay` (positive when toDay is later). */
export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000)
}

/**
 * A deadline given as a date means "by the end of that day" in region time;
 * a date-time is taken as it is. Returns the instant after which the hazard is overdue.
 */
export function deadlineMs(deadline: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(deadline)) return dayStartMs(addDays(deadline, 1), timeZone)
  return Date.parse(deadline)
}

/** Year to date of last year: the days of last year up to the same month-day as `today`. */
export function lastYearSamePeriod(today: string): string[] {
  const lastYear = Number(today.slice(0, 4)) - 1
  let end = `${lastYear}${today.slice(4)}`
  if (end.endsWith('-02-29')) end = `${lastYear}-02-28`
  const start = `${lastYear}-01-01`
  return daysEnding(end, daysBetween(start, end) + 1)
}

/**
 * The server's clock minus this device's, from a response's Date header (whole seconds: +500 ms
 * centres it) read at the request's midpoint; null without a usable header. Screens and phones on
 * closed networks often run without NTP.
 */
export function clockOffsetMs(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  const serverMs = Date.parse(dateHeader ?? '')
  return Number.isNaN(serverMs) ? null : serverMs + 500 - (sentAt + receivedAt) / 2
}
