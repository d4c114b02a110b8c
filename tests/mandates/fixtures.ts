import type {
  DrillCompleted,
  DutyAssigned,
  TaskDefined,
  TaskProgress,
  PrincipalScoreRevoked,
  PrincipalScored,
  ResourceRegistered,
  ResourceRetired,
} from '../../shared/mandates/events.ts'
import { TOWN, eid } from '../helpers/app.ts'
import { entityId } from '../ingest/fixtures.ts'

// Valid events of the mandates (shared/mandates/events.ts), overridden where a test needs it.

type Over<T> = Partial<Omit<T, 'type'>>

export const score = (enterpriseId: string, over: Over<PrincipalScored> = {}): PrincipalScored => ({
  id: eid('ps'),
  type: 'principal.scored',
  scoreId: entityId('PS'),
  enterpriseId,
  reason: 'major_hazard_unrectified',
  ...over,
})

export const revoke = (scoreId: string, over: Over<PrincipalScoreRevoked> = {}): PrincipalScoreRevoked => ({
  id: eid('pr'),
  type: 'principal.score_revoked',
  scoreId,
  ...over,
})

export const resource = (over: Over<ResourceRegistered> = {}): ResourceRegistered => ({
  id: eid('rr'),
  type: 'resource.registered',
  resourceId: entityId('RS'),
  kind: 'rescue_team',
  name: '泰兴市危化品应急救援队',
  town: TOWN,
  domain: 'production',
  size: 24,
  ...over,
})

export const retire = (resourceId: string): ResourceRetired => ({
  id: eid('rt'),
  type: 'resource.retired',
  resourceId,
})

export const drill = (over: Over<DrillCompleted> = {}): DrillCompleted => ({
  id: eid('dr'),
  type: 'drill.completed',
  drillId: entityId('DR'),
  town: TOWN,
  domain: 'production',
  participants: 40,
  scenario: '储罐泄漏处置',
  ...over,
})

export const duty = (over: Over<DutyAssigned> = {}): DutyAssigned => ({
  id: eid('du'),
  type: 'duty.assigned',
  day: '2026-05-06',
  leader: '王建国',
  leaderExt: '8001',
  officer: '陈晓',
  officerExt: '8101',
  ...over,
})

export const task = (over: Over<TaskDefined> = {}): TaskDefined => ({
  id: eid('td'),
  type: 'task.defined',
  taskId: entityId('TK'),
  title: '开展危化品企业安全专项整治',
  owner: 'yjj',
  year: 2026,
  quarter: 2,
  due: '2026-06-30',
  ...over,
})

export const progress = (taskId: string, status: TaskProgress['status']): TaskProgress => ({
  id: eid('tp'),
  type: 'task.progress',
  taskId,
  status,
})
