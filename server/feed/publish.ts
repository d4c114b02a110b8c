import { Type, type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { Cells } from '../../shared/cells.ts'
import { AlarmSchema } from '../../shared/alarms.ts'
import { TickerItemSchema, OverdueItemSchema, type Delta, type WallState } from '../../shared/protocol.ts'

const CellsSchema = Type.Record(Type.String(), Type.Number())

/** What the ingest and tick scripts publish on the updates channel after each applied batch. */
export const PublishedSchema = Type.Object({
  from: Type.Integer({ minimum: 1 }),
  seq: Type.Integer({ minimum: 1 }),
  asOf: Type.Number(),
  now: CellsSchema,
  /** Counter changes by region day / year: a node keeps only those of the day and year it shows. */
  day: Type.Record(Type.String(), CellsSchema),
  year: Type.Record(Type.String(), CellsSchema),
  daily: CellsSchema,
  ticker: Type.Array(TickerItemSchema),
  overdue: Type.Optional(Type.Array(OverdueItemSchema)),
  alarms: Type.Optional(Type.Array(AlarmSchema)),
})
export type Published = Static<typeof PublishedSchema>

const fitsPublished = Compile(PublishedSchema)

/**
 * A message from the updates channel, or null when it is not a publish of ours: anyone who can
 * publish on that Redis can put anything there, and it must never stop a node.
 */
export function readPublished(message: string): Published | null {
  let value: unknown
  try {
    value = JSON.parse(message)
  } catch {
    return null
  }
  return fitsPublished.Check(value) && value.from <= value.seq ? value : null
}

const nonEmpty = (cells: Cells | undefined): Cells | undefined =>
  cells && Object.keys(cells).length ? cells : undefined

/**
 * The delta a wall showing `view.day` sees of a publish: only today's, this year's and the `daily`
 * fields `inWindow` keeps (summary.ts `inDailyWindow`).
 */
export function deltaOf(pub: Published, view: WallState, inWindow: (field: string) => boolean): Delta {
  const delta: Delta = { type: 'delta', from: pub.from, seq: pub.seq, asOf: pub.asOf }
  const daily: Cells = {}
  for (const field in pub.daily) if (inWindow(field)) daily[field] = pub.daily[field]
  const scopes = {
    now: nonEmpty(pub.now),
    today: nonEmpty(pub.day[view.day]),
    year: nonEmpty(pub.year[view.day.slice(0, 4)]),
    daily: nonEmpty(daily),
  }
  for (const [scope, cells] of Object.entries(scopes)) if (cells) delta[scope as 'now'] = cells
  if (pub.ticker.length) delta.ticker = pub.ticker
  if (pub.overdue) delta.overdue = pub.overdue
  if (pub.alarms) delta.alarms = pub.alarms
  return delta
}
