import type { Cells } from '../../shared/cells.ts'
import type { Delta, FeedItem, OverdueItem, WallState } from '../../shared/protocol.ts'

/** What the ingest and tick scripts publish on the updates channel after each applied batch. */
export interface Published {
  from: number
  seq: number
  asOf: number
  now: Cells
  /** Counter changes by region day / year: a node keeps only those of the day and year it shows. */
  day: Record<string, Cells>
  year: Record<string, Cells>
  daily: Cells
  feed: FeedItem[]
  overdue?: OverdueItem[]
}

const nonEmpty = (cells: Cells | undefined): Cells | undefined =>
  cells && Object.keys(cells).length ? cells : undefined

/** The delta a wall showing `view.day` sees of a publish: only today's, this year's and the trend window's cells. */
export function deltaOf(pub: Published, view: WallState, dailyWindow: Set<string>): Delta {
  const delta: Delta = { type: 'delta', from: pub.from, seq: pub.seq, asOf: pub.asOf }
  const daily: Cells = {}
  for (const field in pub.daily) if (dailyWindow.has(field)) daily[field] = pub.daily[field]
  const scopes = {
    now: nonEmpty(pub.now),
    today: nonEmpty(pub.day[view.day]),
    year: nonEmpty(pub.year[view.day.slice(0, 4)]),
    daily: nonEmpty(daily),
  }
  for (const [scope, cells] of Object.entries(scopes)) if (cells) delta[scope as 'now'] = cells
  if (pub.feed.length) delta.feed = pub.feed
  if (pub.overdue) delta.overdue = pub.overdue
  return delta
}
