import { Type } from 'typebox'

// Response shapes shared by the routes.

export const ErrorReply = Type.Object({
  error: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
})

export const IngestReply = Type.Object({
  applied: Type.Array(Type.String()),
  duplicates: Type.Array(Type.String()),
  seq: Type.Integer(),
})
