import type { ErrorDetail } from '../../shared/api/errors.ts'
import type { ErrorCode } from '../../shared/api/error-codes.ts'
import type { EnumKind } from '../../shared/api/regions.ts'
import { i18n } from './i18n/index.ts'

// The form checks an event with the very functions the server uses (shared/events.ts), then shows
// each problem beside its field, said from its code and params in the reporter's language
// (i18n `codes`). A detail without a code the page knows (from a newer server) is shown as written.

/** Field name (the event property) → messages to show beside it. */
export type FieldErrors = Record<string, string[]>

/** Groups details by their top-level field: `/title` → title, `/events/0/town` → town. */
export function byField(details: ErrorDetail[]): FieldErrors {
  const errors: FieldErrors = {}
  for (const d of details) {
    const field = fieldOf(d.path)
    ;(errors[field] ??= []).push(localize(d))
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

/** Says an enumeration's value in the reporter's language (labels come from /api/regions). */
export type Label = (kind: EnumKind, value: string) => string

/** A detail as kept in the outbox's history: one refused by an older server may have no code. */
type MaybeCoded = Pick<ErrorDetail, 'message'> & Partial<Pick<ErrorDetail, 'code' | 'params'>>

/** The params a message needs, said for the reporter (enumeration values by their labels). */
function paramsFor(code: ErrorCode, params: Record<string, unknown>, label: Label) {
  if (code === 'illegal_move') {
    const [from, to] = [params.from, params.to].map((s) => label('HazardStatus', String(s)))
    return { ...params, from, to }
  }
  if (code === 'grade_disagrees') return { ...params, grade: label('AccidentGrade', String(params.grade)) }
  return params
}

/** The message key of a detail: a few codes are said more plainly for some params. */
function keyOf(d: MaybeCoded & { code: ErrorCode }): string {
  // An empty text field (at least 1 character) is simply required; a number must be whole.
  if (d.code === 'too_short' && d.params?.min === 1) return 'codes.required'
  if (d.code === 'wrong_type' && d.params?.type === 'integer') return 'codes.integer'
  return `codes.${d.code}`
}

/** A detail in the reporter's language when its code is known, else its message as written. */
export function localize(d: MaybeCoded, label: Label = (_kind, value) => value): string {
  const { t, te } = i18n.global
  if (!d.code) return d.message
  const key = keyOf({ ...d, code: d.code })
  if (!te(key)) return d.message
  return t(key, paramsFor(d.code, d.params ?? {}, label))
}
