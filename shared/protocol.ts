import { Type, type Static } from 'typebox'
import { AlarmSchema } from './alarms.ts'

// What the server sends: the snapshot (HTTP and websocket), deltas, digests and status messages.
// DESIGN.md "Wire protocol"; docs/live-feed.md documents every field.

const Cells = Type.Record(Type.String(), Type.Number())

/** One line of the live ticker, built by the ingest script from the event (and the hazard it names). */
export const TickerItemSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  type: Type.String(),
  town: Type.Optional(Type.String()),
  domain: Type.Optional(Type.String()),
  grade: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  hazardId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  riskLevel: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  preCheckDone: Type.Optional(Type.Boolean()),
  deaths: Type.Optional(Type.Integer()),
  seriousInjuries: Type.Optional(Type.Integer()),
  hazardsFound: Type.Optional(Type.Integer()),
})
export type TickerItem = Static<typeof TickerItemSchema>

/** An overdue hazard as the overdue list shows it; `deadline` in ms since the epoch. */
export const OverdueItemSchema = Type.Object({
  hazardId: Type.String(),
  title: Type.String(),
  town: Type.String(),
  domain: Type.String(),
  grade: Type.String(),
  status: Type.String(),
  deadline: Type.Number(),
})
export type OverdueItem = Static<typeof OverdueItemSchema>

/**
 * The raw state every view is derived from, at sequence number `seq`:
 * `now` gauges, `today` and `year` counters (region time), `daily` totals for the trend windows,
 * the newest ticker lines (newest first) and the oldest overdue hazards (oldest first).
 */
export const WallStateSchema = Type.Object({
  seq: Type.Integer(),
  day: Type.String(),
  asOf: Type.Number(),
  now: Cells,
  today: Cells,
  year: Cells,
  daily: Cells,
  ticker: Type.Array(TickerItemSchema),
  overdue: Type.Array(OverdueItemSchema),
  /** Unacknowledged alarms, newest first (at most LIMITS.alarmListLength; the `alarm.open` cells count them all). */
  alarms: Type.Array(AlarmSchema),
})
export type WallState = Static<typeof WallStateSchema>

/** Changes between `from` and `seq`, as absolute values: applying one twice is harmless. */
export const DeltaSchema = Type.Object({
  type: Type.Literal('delta'),
  from: Type.Integer(),
  seq: Type.Integer(),
  asOf: Type.Number(),
  now: Type.Optional(Cells),
  today: Type.Optional(Cells),
  year: Type.Optional(Cells),
  daily: Type.Optional(Cells),
  /**
   * The cells of the four scopes, compact (what nodes send; shared/state.ts `compactDelta` and
   * `applyDelta` write and read it): per scope a flat list of `ref, value` entries, and under `ty`
   * `ref, today value, year value` for a cell that changed in both. A number `ref` is a step
   * forward in the scope's keys as the viewer holds them before this delta, sorted (the first
   * entry's step counts from -1; `ty` steps through `today`); a string `ref` is a key new to it.
   */
  cells: Type.Optional(
    Type.Partial(
      Type.Record(
        Type.Union([
          Type.Literal('now'),
          Type.Literal('today'),
          Type.Literal('year'),
          Type.Literal('daily'),
          Type.Literal('ty'),
        ]),
        Type.Array(Type.Union([Type.String(), Type.Number()])),
      ),
    ),
  ),
  /** New ticker lines, newest first. */
  ticker: Type.Optional(Type.Array(TickerItemSchema)),
  /**
   * `ticker` compact (what nodes send): each item as `[mask, ...values]`, the values of the fields
   * whose bits are set in `mask`, in TickerItemSchema's order, `type` as its index in EVENT_TYPES,
   * `at` as the ms before the delta's `asOf` (an item with a field this cannot carry comes as it is).
   */
  tickerRows: Type.Optional(
    Type.Array(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
  ),
  /** The whole overdue list, when it changed. */
  overdue: Type.Optional(Type.Array(OverdueItemSchema)),
  /** The whole list of open alarms, when it changed (one raised or acknowledged). */
  alarms: Type.Optional(Type.Array(AlarmSchema)),
  /**
   * `alarms` compact (what nodes send): each alarm the viewer already holds as its place in the
   * list before this delta, only a new one in full (a raise costs one alarm, not twenty).
   */
  alarmRefs: Type.Optional(Type.Array(Type.Union([Type.Integer({ minimum: 0 }), AlarmSchema]))),
  /** Headline numbers that changed (derived from the cells; for clients without the roll-up code, on `/ws?kpis=1`). */
  kpis: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]))),
})
export type Delta = Static<typeof DeltaSchema>

export type FeedState = 'live' | 'degraded'

export type ServerMessage =
  | ({ type: 'snapshot' } & Record<string, unknown> & WallState)
  | Delta
  | { type: 'digest'; seq: number; hash: string }
  | { type: 'status'; state: FeedState; reason?: string }
  | { type: 'pong'; t: number }

/** A figure a screen reports about itself; null when it cannot tell (no heap figure in some browsers). */
const HealthFigure = Type.Optional(Type.Union([Type.Number(), Type.Null()]))

/**
 * What a viewer may send. Anything else closes its socket (CLOSE.unsupportedData for a frame that is
 * not JSON text, CLOSE.policy for JSON that is none of these): a frame never reaches code that
 * trusts its shape.
 */
export const ClientMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('resync') }),
  Type.Object({ type: Type.Literal('ping'), t: Type.Number() }),
  Type.Object({ type: Type.Literal('auth'), token: Type.String() }),
  Type.Object({
    type: Type.Literal('health'),
    screen: Type.Optional(Type.String()),
    heapMb: HealthFigure,
    fps: HealthFigure,
    seq: HealthFigure,
    reconnects: HealthFigure,
  }),
])
export type ClientMessage = Static<typeof ClientMessageSchema>

/**
 * A screen's name on /metrics (`?screen=`, or one the wall makes): letters of any script, digits and
 * `_ . : -`, so 大厅左屏 works as well as hall-left, and nothing can break the metrics' text format.
 */
export const SCREEN_NAME = /^[\p{L}\p{N}_.:-]{1,40}$/u

/** Websocket close codes Lookout uses (4000–4999 are the application's); the wall acts on 4401. */
export const CLOSE = {
  /** A binary frame, or text that is not JSON. */
  unsupportedData: 1003,
  /** JSON that is not a message a viewer may send. */
  policy: 1008,
  slowConsumer: 4008,
  unauthorized: 4401,
  forbiddenOrigin: 4403,
  shuttingDown: 1001,
} as const
