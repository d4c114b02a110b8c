import { Type, type TNumberOptions } from 'typebox'

/**
 * An integer in a query string. ajv coerces `Infinity` (and `-Infinity`) to a number and then skips
 * `minimum` and `maximum`, which test finite numbers only: `finite` (a keyword the server's ajv
 * defines: server/routes/finite-keyword.ts) refuses it. The maximum defaults to the largest integer
 * a double holds exactly: `after=1e30` is refused too.
 */
export const QueryInteger = (opts: TNumberOptions & { minimum: number; default: number }) =>
  Type.Integer({ maximum: Number.MAX_SAFE_INTEGER, ...opts, finite: true })
