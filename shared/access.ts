import { Type, type Static } from 'typebox'

// Who may do what, as the server and the pages both see it.

/** Roles, weakest first: each may do what the ones before it may. */
export const ROLES = ['viewer', 'reporter', 'admin'] as const
export const RoleSchema = Type.Enum([...ROLES])
export type Role = Static<typeof RoleSchema>

/**
 * Who asked for the region (`caller` in GET /api/regions), so a page offers only what that token may
 * do: a reporter limited to some towns gets only those towns, only an admin gets the import.
 * `towns: null`: every town. With AUTH=off the caller is an unnamed admin.
 */
export const RegionCallerSchema = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  towns: Type.Union([Type.Array(Type.String()), Type.Null()]),
})
export type RegionCaller = Static<typeof RegionCallerSchema>
