import { Type, type TNumberOptions } from 'typebox'
import type { Ajv } from 'ajv'

// Request and response shapes shared by the routes.

/**
 * An integer in a query string. ajv coerces `Infinity` (and `-Infinity`) to a number and then skips
 * `minimum` and `maximum`, which test finite numbers only: `finite` (added by finiteKeyword) refuses
 * it. The maximum defaults to the largest integer a double holds exactly: `after=1e30` is refused too.
 */
export const QueryInteger = (opts: TNumberOptions & { minimum: number; default: number }) =>
  Type.Integer({ maximum: Number.MAX_SAFE_INTEGER, ...opts, finite: true })

/** The ajv plugin that defines `finite` for the route schemas (app.ts). */
export function finiteKeyword(ajv: Ajv): Ajv {
  // No `type: 'number'`: ajv would then skip it for non-finite numbers as it does its own keywords.
  return ajv.addKeyword({
    keyword: 'finite',
    schemaType: 'boolean',
    validate: (_schema: boolean, data: unknown) => Number.isFinite(data),
    error: { message: 'must be a finite number' },
  })
}

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
    limit: QueryInteger({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
)
