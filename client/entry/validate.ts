import {
  DEADLINE_BEFORE_FOUND,
  eventRuleErrors,
  eventSchemaErrors,
  type ErrorDetail,
} from '../../shared/events.ts'
import type { RegionIndex } from '../../shared/region.ts'
import type { LookoutEvent } from '../../shared/events.ts'
import { i18n } from './i18n/index.ts'

// The form checks an event with the very functions the server uses (shared/events.ts), then shows
// each problem beside its field. The shared messages are English; known ones are said in the
// reporter's language, anything else is shown as the server wrote it.

/** Field name (the event property) → messages to show beside it. */
export type FieldErrors = Record<string, string[]>

export function validateEvent(event: LookoutEvent, region: RegionIndex): FieldErrors {
  const schema = eventSchemaErrors(event)
  return byField(schema.length ? schema : eventRuleErrors(event, region))
}

/** Groups details by their top-level field: `/title` → title, `/events/0/town` → town. */
export function byField(details: ErrorDetail[]): FieldErrors {
  const errors: FieldErrors = {}
  for (const d of details) {
    const field = fieldOf(d.path)
    ;(errors[field] ??= []).push(localize(d.message))
  }
  return errors
}

export function fieldOf(path: string): string {
  const parts = path
    .replace(/^\/events\/\d+/, '')
    .split('/')
    .filter(Boolean)
  return parts[0] ?? ''
}

/** Says a hazard status in the reporter's language (labels come from /api/regions). */
export type StatusLabel = (status: string) => string

const RULES: [RegExp, string, (m: RegExpMatchArray, status: StatusLabel) => Record<string, unknown>][] = [
  [/^is required$/, 'messages.required', () => ({})],
  [/^must not have fewer than 1 characters$/, 'messages.required', () => ({})],
  [/^must not have fewer than (\d+) characters$/, 'messages.tooShort', (m) => ({ n: m[1] })],
  [/^must not have more than (\d+) characters$/, 'messages.tooLong', (m) => ({ n: m[1] })],
  [/^must be one of /, 'messages.chooseOne', () => ({})],
  [/^must be >= (\S+)$/, 'messages.atLeast', (m) => ({ n: m[1] })],
  [/^must be <= (\S+)$/, 'messages.atMost', (m) => ({ n: m[1] })],
  [/^must be integer$/, 'messages.integer', () => ({})],
  [/characters of A-Z a-z 0-9/, 'messages.idChars', () => ({})],
  [/^must be an ISO date or date-time$/, 'messages.date', () => ({})],
  [/^is not a real date$/, 'messages.realDate', () => ({})],
  [DEADLINE_BEFORE_FOUND, 'messages.deadlinePast', (m) => ({ day: m[1] })],
  [/^must be an ISO 8601 date-time/, 'messages.dateTime', () => ({})],
  [/^unknown town /, 'messages.unknownTown', () => ({})],
  [/^unknown domain /, 'messages.unknownDomain', () => ({})],
  [/is not an industry of domain/, 'messages.notIndustryOfDomain', () => ({})],
  [/^is in the future$/, 'messages.future', () => ({})],
  [/^is not a known field$/, 'messages.notKnown', () => ({})],
  // The ingest script's refusals (409): the state changed since the form was filled in.
  [
    /^hazard \S+ cannot move from (\S+) to (\S+)$/,
    'messages.illegalMove',
    (m, status) => ({ from: status(m[1]), to: status(m[2]) }),
  ],
  [/^unknown hazard (\S+)$/, 'messages.unknownHazard', (m) => ({ id: m[1] })],
  [/^enterprise (\S+) is not registered$/, 'messages.unknownEnterprise', (m) => ({ id: m[1] })],
  [/ was already reported$/, 'messages.alreadyReported', () => ({})],
]

/** A shared/server message in the reporter's language when it is a known one, else as written. */
export function localize(message: string, status: StatusLabel = (s) => s): string {
  for (const [pattern, key, params] of RULES) {
    const m = message.match(pattern)
    if (m) return i18n.global.t(key, params(m, status))
  }
  return message
}
