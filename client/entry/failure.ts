import { ApiError } from './api.ts'
import { i18n } from './i18n/index.ts'

// Why a read from the server failed, in the reporter's language: the browser's and the server's own
// words ("signal timed out", "Failed to fetch", "storage unavailable") mean nothing in a yard.

/** What kind of failure: no network, no answer in time, the server could not read, the token, or a refusal. */
export type FailureKind = 'network' | 'timeout' | 'server' | 'token' | 'refused'

export function failureKind(err: unknown): FailureKind {
  if (err instanceof ApiError) {
    if (err.status >= 500) return 'server'
    return err.status === 401 || err.status === 403 ? 'token' : 'refused'
  }
  return err instanceof DOMException && err.name === 'TimeoutError' ? 'timeout' : 'network'
}

export function failureReason(err: unknown): string {
  const kind = failureKind(err)
  return kind === 'refused' ? (err as Error).message : i18n.global.t(`failure.${kind}`)
}

/** A failure for which the list saved on the phone is the best there is: no answer, or the server could not read. */
export function savedListWillDo(kind: FailureKind): kind is 'network' | 'timeout' | 'server' {
  return kind === 'network' || kind === 'timeout' || kind === 'server'
}
