import { Type, type Static } from 'typebox'

// Replies of the mandates' read routes (server/routes/mandates.ts), for the server and the wall.

/** GET /api/enterprise-names?ids=…: the wall names the enterprises it holds points for. */
export const EnterpriseNamesQuery = Type.Object(
  { ids: Type.String({ minLength: 1, maxLength: 20_000 }) },
  { additionalProperties: false },
)
export const EnterpriseNamesReply = Type.Object({
  /** Id → name and town; an id not registered is absent. */
  names: Type.Record(Type.String(), Type.Object({ name: Type.String(), town: Type.String() })),
})
export type EnterpriseNamesReply = Static<typeof EnterpriseNamesReply>

/** Ids asked for at most per request. */
export const NAMES_MAX = 200
