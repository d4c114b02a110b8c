import { Type, type Static } from 'typebox'

// The one shape of every error answer (4xx and 5xx): what went wrong, and where, field by field.

/** One problem with a request: where in it (a JSON pointer), and what. */
export const ErrorDetail = Type.Object(
  {
    /** JSON pointer into the request, e.g. `/events/3/town` (`/querystring/limit` for a query). */
    path: Type.String(),
    message: Type.String(),
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
