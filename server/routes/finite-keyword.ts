import type { Ajv } from 'ajv'

/** The ajv plugin that defines `finite` for the route schemas (shared/api/query.ts; app.ts adds it). */
export function finiteKeyword(ajv: Ajv): Ajv {
  // No `type: 'number'`: ajv would then skip it for non-finite numbers as it does its own keywords.
  return ajv.addKeyword({
    keyword: 'finite',
    schemaType: 'boolean',
    validate: (_schema: boolean, data: unknown) => Number.isFinite(data),
    error: { message: 'must be a finite number' },
  })
}
