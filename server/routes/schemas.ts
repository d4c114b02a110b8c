import { Type } from 'typebox'

// Request and response shapes shared by the routes.

export const ErrorReply = Type.Object({
  error: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  /** On a 403: `role` when the token's role may not do this (a viewer's token posting events). */
  reason: Type.Optional(Type.Literal('role')),
})

export const IngestReply = Type.Object({
  applied: Type.Array(Type.String()),
  duplicates: Type.Array(Type.String()),
  seq: Type.Integer(),
})

/** The query of a list the entry page picks from: towns (comma-separated codes), a search text, how many. */
export const PickListQuery = Type.Object(
  {
    towns: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]+(,[0-9A-Za-z]+)*$' })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
)
