import { Type, type Static } from 'typebox'
import { QueryInteger } from './query.ts'

// POST /api/events and GET /api/events. The events themselves are shared/events.ts (API contract v1).

/**
 * One event or `{ events: [...] }`: checked by checkEvents (shared/events.ts, also the entry form's
 * check), for one error per field with its path, not by the route's schema validator.
 */
export const IngestBody = Type.Unknown()

/** What an accepted push answers: ids applied now, ids applied before, and the seq after it. */
export const IngestReply = Type.Object(
  {
    applied: Type.Array(Type.String()),
    duplicates: Type.Array(Type.String()),
    seq: Type.Integer(),
  },
  { additionalProperties: false },
)
export type IngestReply = Static<typeof IngestReply>

export const LogQuery = Type.Object(
  {
    after: QueryInteger({ minimum: 0, default: 0 }),
    limit: QueryInteger({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
)

/** One page of the log, oldest first; `next` is the `after` of the next page, or null. */
export const LogPage = Type.Object(
  {
    entries: Type.Array(
      Type.Object(
        {
          seq: Type.Integer(),
          /** An accepted event as logged (with `by`, the token's name), or an `overdue.tick`. */
          event: Type.Record(Type.String(), Type.Unknown()),
        },
        { additionalProperties: false },
      ),
    ),
    next: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
)
export type LogPage = Static<typeof LogPage>
