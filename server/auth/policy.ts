import type { Role } from './tokens.ts'

// Who may call what: one table for every route, so an audit reads it in one place.
// `public`: holds no data (health checks, the pages and their scripts and styles, the API reference).
// `socket`: the route authenticates itself (the websocket: a token in a cookie or in its first message).

/** A role, or any one of several roles (`['reporter', 'duty']`). */
export type Access = Role | readonly Role[] | 'public' | 'socket'

const POLICY: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/snapshot': 'viewer',
  'GET /api/regions': 'viewer',
  'GET /api/events': 'viewer',
  'GET /api/hazards': 'viewer',
  'GET /api/enterprises': 'viewer',
  'GET /api/enterprise-names': 'viewer',
  'GET /api/duty': 'viewer',
  'GET /api/tasks/overdue': 'viewer',
  'GET /metrics': 'viewer',
  'GET /ws': 'socket',
  'GET /api/alarms': 'viewer',
  'GET /api/accidents': 'viewer',
  // Reporters report, duty officers acknowledge alarms (which events each may send: auth/event-roles.ts).
  'POST /api/events': ['reporter', 'duty'],
  // The API's shape, for integrators: no data in it.
  'GET /api/openapi.json': 'public',
}

/** The API reference page and its scripts and styles (server/plugins/openapi.ts): public. */
const DOCS = /^\/api\/docs(\/|$)/

/** Paths that hold data: a route there that the table does not name is for admins only. */
const DATA_PATH = /^\/(api|ws|metrics)(\/|$)/

/** The access a route needs; HEAD follows GET. */
export function accessFor(method: string, url: string): Access {
  const listed = POLICY[`${method === 'HEAD' ? 'GET' : method} ${url}`]
  if (listed) return listed
  if (DOCS.test(url)) return 'public'
  return DATA_PATH.test(url) ? 'admin' : 'public'
}

/** True for a path that holds data (a viewer link `?token=` is only taken on a page). */
export const isDataPath = (path: string) => DATA_PATH.test(path)
