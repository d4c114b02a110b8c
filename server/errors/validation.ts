import type { FastifySchemaValidationError } from 'fastify'
import { detail } from '../../shared/api/error-codes.ts'
import type { ErrorDetail } from '../../shared/api/errors.ts'

// A route schema's refusal (ajv: querystring, params, body) as coded details, the same codes the
// event checks use. `where` is the part of the request: /querystring/limit, /params/fileHash.

export function validationDetails(where: string, errors: FastifySchemaValidationError[]): ErrorDetail[] {
  return errors.map((v) => {
    const params = (v.params ?? {}) as Record<string, unknown>
    const at = `/${where}${v.instancePath}`
    const limit = Number(params.limit)
    switch (v.keyword) {
      case 'required':
        return detail(`${at}/${String(params.missingProperty)}`, 'required')
      case 'additionalProperties':
        return detail(`${at}/${String(params.additionalProperty)}`, 'not_known_field')
      case 'enum':
        return detail(at, 'one_of', { allowed: ((params.allowedValues as unknown[]) ?? []).map(String) })
      case 'minLength':
        return detail(at, 'too_short', { min: limit })
      case 'maxLength':
        return detail(at, 'too_long', { max: limit })
      case 'minimum':
        return detail(at, 'too_small', { min: limit })
      case 'maximum':
        return detail(at, 'too_large', { max: limit })
      case 'type':
        return detail(at, 'wrong_type', { type: String(params.type) })
      default:
        return detail(at, 'invalid', { keyword: v.keyword, message: v.message ?? 'is invalid' })
    }
  })
}
