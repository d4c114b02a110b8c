import { Type, type Static } from 'typebox'
import { ERROR_CODES } from './error-codes.ts'

// The one shape of every error answer (4xx and 5xx): what went wrong, and where, field by field.

/** One problem with a request: where in it (a JSON pointer), and what. */
export const ErrorDetail = Type.Object(
  {
    /** JSON pointer into the request, e.g. `/events/3/town` (`/querystring/limit` for a query). */
    path: Type.String(),
    /** In English, for a log or a person; clients say `code` with `params` in their own words. */
    message: Type.String(),
    /** Stable: what is wrong (shared/api/error-codes.ts lists every code and its params). */
    code: Type.Enum(ERROR_CODES),
    params: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
)
export type ErrorDetail = Static<typeof ErrorDetail>

export const ErrorReply = Type.Object(
  {
    error: Type.String(),
    details: Type.Optional(Type.Array(ErrorDetail)),
    /** On a 403: `role` when the token's role may not do this (a viewer's token posting events). */
    reason: Type.Optional(Type.Literal('role')),
  },
  { additionalProperties: false },
)
export type ErrorReply = Static<typeof ErrorReply>
