import { Type, type Static } from 'typebox'

// Who may do what, as the server and the pages both see it.

/**
 * Roles, weakest first. A reporter reports; a duty officer (值班员) acknowledges alarms; an admin may
 * do everything; every role may do what a viewer may.
 */
export const ROLES = ['viewer', 'duty', 'reporter', 'admin'] as const
export const RoleSchema = Type.Enum([...ROLES])
export type Role = Static<typeof RoleSchema>

/** What each role may do, as the roles whose rights it has. */
const GRANTS: Record<Role, readonly Role[]> = {
  viewer: ['viewer'],
  duty: ['viewer', 'duty'],
  reporter: ['viewer', 'reporter'],
  admin: ROLES,
}

/** True when `role` may do what `needed` may. */
export const roleAllows = (role: Role, needed: Role) => GRANTS[role].includes(needed)

/** Whether `role` may acknowledge alarms (the duty view of the entry page shows for these). */
export const mayAcknowledge = (role: Role) => roleAllows(role, 'duty')

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
