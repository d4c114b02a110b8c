import { parseCell, type Cells } from './cells.ts'
import { LIMITS } from './limits.ts'
import { summarize } from './summary.ts'
import type { Region } from './region.ts'
import type { TickerItem, WallState } from './protocol.ts'
import type { Summary } from './api/snapshot.ts'

// A town's page (`?town=<code>`): the state as that town alone would have it, so that every number
// on the page comes from the same roll-ups as the city's (summary.ts), and each equals what the
// city's page shows for that town (its row of the ranking, its risk mix).

/** The cells of `town`, under their own keys. */
function cellsOfTown(cells: Cells, town: string): Cells {
  const out: Cells = {}
  for (const key in cells) if (parseCell(key).town === town) out[key] = cells[key]
  return out
}

/** The town's per-day totals (`<day>|<name>|<town>`) under the city's names (`<day>|<name>`). */
function dailyOfTown(daily: Cells, town: string): Cells {
  const out: Cells = {}
  for (const field in daily) {
    const [day, name, fieldTown] = field.split('|')
    if (fieldTown === town) out[`${day}|${name}`] = daily[field]
  }
  return out
}

/**
 * `s` as town `town` alone would have it: its cells, its daily totals, and its lines of the ticker,
 * the overdue list and the alarms (those lists hold the city's newest or oldest: a town's part of
 * them may be shorter than its count, which its cells give exactly).
 */
export function townState(s: WallState, town: string): WallState {
  return {
    seq: s.seq,
    day: s.day,
    asOf: s.asOf,
    now: cellsOfTown(s.now, town),
    today: cellsOfTown(s.today, town),
    year: cellsOfTown(s.year, town),
    daily: dailyOfTown(s.daily, town),
    ticker: s.ticker.filter((line) => line.town === town),
    overdue: s.overdue.filter((o) => o.town === town),
    alarms: s.alarms.filter((a) => a.town === town),
  }
}

/** Everything a town's page shows: `summarize` of the town's state. */
export function summarizeTown(s: WallState, region: Region, town: string): Summary {
  return summarize(townState(s, town), region)
}

/**
 * A town's ticker lines as a screen showing it keeps them: the city's ticker holds the newest
 * LIMITS.tickerLength lines of every town, so a quiet town's lines would soon leave it. `kept` (the
 * lines kept so far, newest first) with the town's new lines of `s.ticker`, newest first, at most
 * LIMITS.tickerLength; a line past `s.seq` (a history the server no longer holds) is dropped.
 */
export function keepTownLines(kept: readonly TickerItem[], s: WallState, town: string): TickerItem[] {
  const bySeq = new Map<number, TickerItem>()
  for (const line of [...kept, ...s.ticker])
    if (line.town === town && line.seq <= s.seq) bySeq.set(line.seq, line)
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, LIMITS.tickerLength)
}
