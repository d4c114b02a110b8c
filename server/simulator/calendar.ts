import { addDays, dayStartMs, regionDay } from '../../shared/time.ts'
import { SPRING_FESTIVAL } from '../../shared/campaigns/spring-festival.ts'

// The working calendar the simulated inspectors keep: weekends, public holidays, Spring Festival, and
// office hours, all in the region's time zone. The pre-holiday sweeps are the region's (its
// campaigns: the days the wall counts them on).

/** Public holidays as [first day, days]; the lunar ones that move (端午, 中秋) are left out. */
function holidays(year: number): [string, number][] {
  const list: [string, number][] = [
    [`${year}-01-01`, 1],
    [`${year}-04-04`, 3],
    [`${year}-05-01`, 5],
    [`${year}-10-01`, 7],
  ]
  const sf = SPRING_FESTIVAL[year]
  if (sf) list.push([addDays(sf, -1), 8]) // 除夕 to 初七
  return list
}

export function isHoliday(day: string): boolean {
  const year = Number(day.slice(0, 4))
  return holidays(year).some(([first, n]) => day >= first && day < addDays(first, n))
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay()
}

/** How busy inspectors are on `day`, relative to an ordinary weekday; `sweeping`: a day of a pre-holiday sweep (节前大排查). */
export function activity(day: string, sweeping: boolean): number {
  if (isHoliday(day)) return 0.15
  const dow = weekday(day)
  const base = dow === 6 ? 0.4 : dow === 0 ? 0.2 : 1
  return sweeping ? base * 1.4 : base
}

/** The Spring Festival whose stop-and-resume season has begun by `today` (the latest one). */
export function latestSpringFestival(today: string): string | undefined {
  const year = Number(today.slice(0, 4))
  for (const y of [year + 1, year, year - 1]) {
    const sf = SPRING_FESTIVAL[y]
    if (sf && addDays(sf, -20) <= today) return sf
  }
  return undefined
}

const MINUTE = 60_000

/** The instant `minute` minutes into region day `day`. */
export function atMinute(day: string, minute: number, timeZone: string): number {
  return dayStartMs(day, timeZone) + Math.round(minute) * MINUTE
}

const OFFICE_OPENS = 8 * 60 + 30
const OFFICE_CLOSES = 18 * 60

/**
 * `ms`, or if it falls outside office hours (08:30–18:00), the next opening plus `lateMinutes`:
 * rectification reports and acceptances are made in the daytime.
 */
export function inOfficeHours(ms: number, timeZone: string, lateMinutes: number): number {
  const day = regionDay(ms, timeZone)
  const minute = (ms - dayStartMs(day, timeZone)) / MINUTE
  if (minute >= OFFICE_OPENS && minute < OFFICE_CLOSES) return ms
  const openDay = minute < OFFICE_OPENS ? day : addDays(day, 1)
  return atMinute(openDay, OFFICE_OPENS + lateMinutes, timeZone)
}
