import { ApiError } from './api.ts'
import { i18n } from './i18n/index.ts'

// Why a read from the server failed, in the reporter's language: the browser's and the server's own
// words ("signal timed out", "Failed to fetch", "storage unavailable") mean nothing in a yard.

export function failureReason(err: unknown): string {
  const t = i18n.global.t
  if (err instanceof ApiError) {
    if (err.status >= 500) return t('failure.server')
    if (err.status === 401 || err.status === 403) return t('failure.token')
    return err.message
  }
  if (err instanceof DOMException && err.name === 'TimeoutError') return t('failure.timeout')
  return t('failure.network')
}

/** A failed read for which the list saved on the phone is the best there is: no answer, or the server could not read. */
export function savedListWillDo(err: unknown): boolean {
  return !(err instanceof ApiError) || err.status >= 500
}
