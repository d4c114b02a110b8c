import type { PrincipalScoreRevoked, PrincipalScored } from '../../shared/mandates/events.ts'
import { eid } from '../helpers/app.ts'
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
