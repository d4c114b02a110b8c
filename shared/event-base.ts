import { Type, type TSchema } from 'typebox'
import { LIMITS } from './limits.ts'

// The parts every event schema is built of (shared/events.ts, shared/mandates/events.ts).

export const Id = Type.String({
  minLength: LIMITS.eventIdMin,
  maxLength: LIMITS.eventIdMax,
  pattern: LIMITS.idPattern,
})
export const EntityId = Type.String({
  minLength: 1,
  maxLength: LIMITS.entityIdMax,
  pattern: LIMITS.idPattern,
})
export const Code = Type.String({ minLength: 1, maxLength: 32 })
export const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 })
export const Enum = <V extends string>(values: V[]) => Type.Enum(values)
export const DATE_OR_DATETIME =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$'

export function event<T extends string, P extends Record<string, TSchema>>(type: T, props: P) {
  return Type.Object(
    {
      id: Id,
      type: Type.Literal(type),
      /** When it happened (ISO 8601 with offset); the server fills in "now" when absent. */
      at: Type.Optional(Type.String({ format: 'date-time' })),
      ...props,
    },
    { additionalProperties: false },
  )
}
