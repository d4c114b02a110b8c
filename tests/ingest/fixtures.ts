import { expect } from 'vitest'
import type { App } from '../../server/app.ts'
import type {
  AccidentReported,
  EnterpriseRegistered,
  EnterpriseWork,
  HazardReported,
  HazardStatusChanged,
  InspectionCompleted,
} from '../../shared/events.ts'
import type { Snapshot } from '../../shared/summary.ts'
import { TOWN, eid } from '../helpers/app.ts'

// Event builders and request helpers for the ingest tests: a valid event of each type,
// which a test overrides only where it matters.

type Over<T> = Partial<Omit<T, 'type'>>

let entity = 0
/** A unique entity id (hazard, inspection, accident, enterprise). */
export const entityId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(entity++).toString(36)}`

export const hazard = (over: Over<HazardReported> = {}): HazardReported => ({
  id: eid('hr'),
  type: 'hazard.reported',
  hazardId: entityId('HZ'),
  town: TOWN,
  domain: 'production',
  industry: 'construction',
  grade: 'general',
  title: '脚手架未设置防护栏杆',
  deadline: '2099-12-31',
  ...over,
})

export const status = (
  hazardId: string,
  to: HazardStatusChanged['status'],
  over: Over<HazardStatusChanged> = {},
): HazardStatusChanged => ({ id: eid('hs'), type: 'hazard.status', hazardId, status: to, ...over })

export const inspection = (over: Over<InspectionCompleted> = {}): InspectionCompleted => ({
  id: eid('in'),
  type: 'inspection.completed',
  inspectionId: entityId('IN'),
  town: TOWN,
  domain: 'fire',
  hazardsFound: 2,
  ...over,
})

export const accident = (over: Over<AccidentReported> = {}): AccidentReported => ({
  id: eid('ac'),
  type: 'accident.reported',
  accidentId: entityId('AC'),
  town: TOWN,
  domain: 'traffic',
  deaths: 0,
  seriousInjuries: 1,
  directLossYuan: 20_000,
  ...over,
})

export const enterprise = (over: Over<EnterpriseRegistered> = {}): EnterpriseRegistered => ({
  id: eid('er'),
  type: 'enterprise.registered',
  enterpriseId: entityId('EN'),
  name: '泰兴市某化工有限公司',
  town: TOWN,
  domain: 'production',
  industry: 'hazardous_chemicals',
  riskLevel: 'general',
  ...over,
})

export const work = (
  enterpriseId: string,
  state: EnterpriseWork['state'],
  preCheckDone = true,
  over: Over<EnterpriseWork> = {},
): EnterpriseWork => ({ id: eid('ew'), type: 'enterprise.work', enterpriseId, state, preCheckDone, ...over })

export function post(app: App, body: unknown) {
  return app.inject({ method: 'POST', url: '/api/events', payload: body as object })
}

/** Posts and expects every event to be applied; returns the reply. */
export async function postOk(app: App, body: unknown) {
  const res = await post(app, body)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as { applied: string[]; duplicates: string[]; seq: number }
}

export async function snapshot(app: App): Promise<Snapshot> {
  const res = await app.inject('/api/snapshot')
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

export async function kpis(app: App) {
  return (await snapshot(app)).kpis
}

export interface LogPage {
  entries: { seq: number; event: Record<string, unknown> }[]
  next: number | null
}

export async function logPage(app: App, after = 0, limit = 1000): Promise<LogPage> {
  const res = await app.inject(`/api/events?after=${after}&limit=${limit}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
