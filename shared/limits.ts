// Limits both the server's validation and the entry form's inputs use.
export const LIMITS = {
  eventIdMin: 8,
  eventIdMax: 64,
  /** Client-made ids: letters, digits and `_-:.`. */
  idPattern: '^[A-Za-z0-9_:.\\-]+$',
  entityIdMax: 64,
  /**
   * The years an event's time or a deadline may fall in. Outside them a date is a slip (9999-12-31
   * for "no deadline"), and the day and year buckets and the overdue index would be keyed by it.
   */
  yearMin: 1970,
  yearMax: 2999,
  /** A hazard's or accident's description: what ledgers hold (a clerk's 隐患描述 runs to a few hundred characters). */
  titleMax: 500,
  /** Characters of a description the wall's ticker shows before it cuts with an ellipsis (shortText). */
  wallTitleChars: 40,
  noteMax: 500,
  nameMax: 100,
  enterpriseMax: 100,
  /** Default batch limit; the server's BATCH_LIMIT can change it. */
  batchMax: 500,
  /**
   * Newest events the ticker keeps: the most lines any wall layout shows (EventTicker: 12 stacked on
   * a phone, about 5 on the 1920×1080 canvas). Each one more is carried in every snapshot and, at
   * high rates, in every delta.
   */
  tickerLength: 12,
  /**
   * An event that happened longer ago than this when applied (a ledger's history, the demo's
   * backfill) gets no ticker line: the ticker shows what is happening now.
   */
  tickerMaxAgeMs: 24 * 3_600_000,
  /** Oldest overdue hazards the wall lists. */
  overdueListLength: 20,
  /** Open alarms the wall's queue holds (newest first; the count beside it is exact). */
  alarmListLength: 20,
  /** Days in the found-vs-closed trend. */
  trendDays: 30,
} as const
