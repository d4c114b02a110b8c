import type { HazardStatus } from './enums.ts'

/**
 * Legal lifecycle moves (DOMAIN.md): reported → rectifying → awaiting_acceptance → closed;
 * a failed acceptance returns to rectifying; a hazard fixed on the spot goes reported → closed.
 * The ingest script receives this table, so it is the only place the rule is written.
 */
export const HAZARD_TRANSITIONS: Record<HazardStatus, readonly HazardStatus[]> = {
  reported: ['rectifying', 'closed'],
  rectifying: ['awaiting_acceptance'],
  awaiting_acceptance: ['closed', 'rectifying'],
  closed: [],
}

export function isLegalTransition(from: HazardStatus, to: HazardStatus): boolean {
  return HAZARD_TRANSITIONS[from].includes(to)
}

/** Statuses in which the deadline still runs (a hazard in them can be overdue). */
export const DEADLINE_RUNS_IN: readonly HazardStatus[] = ['reported', 'rectifying']
