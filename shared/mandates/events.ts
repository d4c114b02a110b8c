import { Type, type Static } from 'typebox'
import { LIMITS } from '../limits.ts'
import { Code, EntityId, event } from '../event-base.ts'

// Events of the conference's other mandates (docs/mandates.md), additive to API contract v1: a v1
// client never sends them and never needs to read them.

/** 主要负责人安全生产记分: points against an enterprise's principal, for a reason of the region's point table. */
export const PrincipalScored = event('principal.scored', {
  scoreId: EntityId,
  enterpriseId: EntityId,
  reason: Code,
  /** Required when the reason's points are a range; filled in by the server when they are fixed. */
  points: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
  /** The principal's name: kept in the log, never shown on the wall. */
  principal: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.nameMax })),
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

/** A wrong score undone (admins only); the score and its undoing both stay in the log. */
export const PrincipalScoreRevoked = event('principal.score_revoked', {
  scoreId: EntityId,
  note: Type.Optional(Type.String({ maxLength: LIMITS.noteMax })),
})

export const MANDATE_EVENT_SCHEMAS = {
  'principal.scored': PrincipalScored,
  'principal.score_revoked': PrincipalScoreRevoked,
} as const

export type PrincipalScored = Static<typeof PrincipalScored>
export type PrincipalScoreRevoked = Static<typeof PrincipalScoreRevoked>
export type MandateEvent = PrincipalScored | PrincipalScoreRevoked
export type MandateEventType = keyof typeof MANDATE_EVENT_SCHEMAS

/** Events only an admin may push (a reporter's token is refused 403 for them). */
export const ADMIN_EVENT_TYPES: ReadonlySet<string> = new Set<MandateEventType>(['principal.score_revoked'])
