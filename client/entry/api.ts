import type { LookoutEvent } from '../../shared/events.ts'
import type { ErrorDetail, ErrorReply } from '../../shared/api/errors.ts'
import type { IngestReply } from '../../shared/api/events.ts'
import type { Enterprise, EnterprisesReply, HazardsReply, OpenHazard } from '../../shared/api/lists.ts'
import type { RegionsReply as Regions } from '../../shared/api/regions.ts'
import type { Alarm } from '../../shared/alarms.ts'
import { learnServerTime } from './clock.ts'

// The server's HTTP API as the entry page uses it. Every request carries the reporter's token.

/** GET /api/regions; `caller` is absent in an answer cached by an earlier build. */
export type RegionsReply = Omit<Regions, 'caller'> & { caller?: Regions['caller'] }
export type { Enterprise, OpenHazard }

/** What a picker list is asked for: the reporter's towns (none: all), a search text, how many. */
export interface ListQuery {
  towns: string[]
  q: string
  limit: number
}

function listQuery(opts: ListQuery): URLSearchParams {
  const query = new URLSearchParams({ limit: String(opts.limit) })
  if (opts.towns.length) query.set('towns', opts.towns.join(','))
  if (opts.q.trim()) query.set('q', opts.q.trim())
  return query
}

const READ_TIMEOUT_MS = 15_000

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function headers(token: string, json = false): HeadersInit {
  const h: Record<string, string> = { accept: 'application/json' }
  if (token) h.authorization = `Bearer ${token}`
  if (json) h['content-type'] = 'application/json'
  return h
}

async function getJson<T>(path: string, token: string): Promise<T> {
  const sentAt = Date.now()
  const res = await fetch(path, { headers: headers(token), signal: AbortSignal.timeout(READ_TIMEOUT_MS) })
  learnServerTime(res, sentAt)
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as Partial<ErrorReply> | null
    throw new ApiError(res.status, body?.error ?? `HTTP ${res.status}`)
  }
  return (await res.json()) as T
}

export const getRegions = (token: string) => getJson<RegionsReply>('/api/regions', token)

export async function getOpenHazards(opts: ListQuery, token: string): Promise<OpenHazard[]> {
  return (await getJson<HazardsReply>(`/api/hazards?${listQuery(opts)}`, token)).hazards
}

export async function getEnterprises(opts: ListQuery, token: string): Promise<Enterprise[]> {
  return (await getJson<EnterprisesReply>(`/api/enterprises?${listQuery(opts)}`, token)).enterprises
}

/** GET /api/alarms: open ones, or every one kept (newest first). */
export async function getAlarms(open: boolean, token: string): Promise<Alarm[]> {
  return (await getJson<{ alarms: Alarm[] }>(`/api/alarms?open=${open}&limit=50`, token)).alarms
}

/** What one attempt to send an event came to. Only `retry` leaves it in the outbox for another try. */
export type SendAnswer =
  | { kind: 'applied' | 'duplicate'; seq: number }
  | { kind: 'refused'; status: number; error: string; details: ErrorDetail[] }
  /** 401, or 403 about the token rather than the event (a viewer's token): kept until the token changes. */
  | { kind: 'unauthorized'; error: string; viewOnly?: boolean }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }

/**
 * POSTs one event, giving up after `timeoutMs` (the sender lengthens it on a slow link). Network
 * failures, timeouts, 408, 429 and 5xx are worth retrying with the same id.
 */
export async function sendEvent(event: LookoutEvent, token: string, timeoutMs: number): Promise<SendAnswer> {
  let res: Response
  const sentAt = Date.now()
  try {
    res = await fetch('/api/events', {
      method: 'POST',
      headers: headers(token, true),
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    return { kind: 'retry', reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network' }
  }
  learnServerTime(res, sentAt)
  // A body cut off mid-way is as good as no answer: the retry is deduped by id.
  // The body as the API contract says, each field still checked: it may come from a proxy instead.
  const body = (await res.json().catch(() => null)) as Partial<IngestReply & ErrorReply> | null
  if (res.status === 200 && body) {
    const duplicates = Array.isArray(body.duplicates) ? body.duplicates : []
    return { kind: duplicates.includes(event.id) ? 'duplicate' : 'applied', seq: Number(body.seq) }
  }
  if (res.status === 401) return { kind: 'unauthorized', error: String(body?.error ?? 'unauthorized') }
  // A token that may only view: the same event goes once the reporter pastes one that may write.
  if (res.status === 403 && body?.reason === 'role')
    return { kind: 'unauthorized', error: String(body.error ?? 'forbidden'), viewOnly: true }
  // A 403 about no field of the event (the server's ALLOWED_ORIGINS refusing this page): the
  // operator's to fix; kept and retried, not dropped as refused.
  if (res.status === 403 && !Array.isArray(body?.details)) return { kind: 'retry', reason: 'origin' }
  if (res.status === 408 || res.status === 429 || res.status >= 500 || res.status < 400) {
    const retryAfter = Number(res.headers.get('retry-after'))
    return {
      kind: 'retry',
      reason: `HTTP ${res.status}`,
      retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : undefined,
    }
  }
  return {
    kind: 'refused',
    status: res.status,
    error: String(body?.error ?? `HTTP ${res.status}`),
    details: Array.isArray(body?.details) ? body.details : [],
  }
}
