import type { LookoutEvent } from '../../../shared/events.ts'
import type { SendAnswer } from '../api.ts'
import type { OutboxDb } from './db.ts'

// Drains the outbox oldest first, one request at a time. A submission leaves the outbox only on a
// definite answer (applied, duplicate, refused); a network failure, timeout or 5xx keeps it at the
// head and retries later with the same id (the server dedupes), with full-jitter backoff.

export type SenderState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'offline' }
  | { kind: 'waiting'; retryAt: number; reason: string }
  /** The server refused the token: nothing more is tried until the reporter changes it. */
  | { kind: 'unauthorized'; error: string; viewOnly?: boolean }

export interface SenderOptions {
  outbox: Pick<OutboxDb, 'first' | 'noteAttempt' | 'settle'>
  /** Sends one event, giving up after `timeoutMs`. */
  send: (event: LookoutEvent, timeoutMs: number) => Promise<SendAnswer>
  /** Called after every change of state or of the outbox's contents. */
  onChange: (state: SenderState) => void
  isOnline?: () => boolean
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** Runs the drain while holding a lock, so two open tabs do not send side by side. */
  withLock?: (fn: () => Promise<void>) => Promise<void>
}

const MIN_DELAY_MS = 500
const OFFLINE_RECHECK_MS = 30_000
/**
 * How long one send may take: 20 s, doubled after each send that ran out of time, up to 2 min. On a
 * link that slow a fixed 20 s would give up on every answer for ever, though the server applied the
 * report the first time.
 */
export const SEND_TIMEOUT_MS = 20_000
const SEND_TIMEOUT_MAX_MS = 120_000

export class OutboxSender {
  state: SenderState = { kind: 'idle' }
  private running = false
  private again = false
  private failures = 0
  /** Sends in a row that ran out of time: each next one is given twice as long. */
  private timeouts = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private readonly opts: Required<Omit<SenderOptions, 'withLock'>> & Pick<SenderOptions, 'withLock'>

  constructor(opts: SenderOptions) {
    this.opts = { isOnline: () => navigator.onLine, backoffBaseMs: 1000, backoffMaxMs: 30_000, ...opts }
  }

  /** Try now: on load, after a submission, when the network returns, when the token changes. */
  wake(opts: { resetBackoff?: boolean } = {}): void {
    if (this.stopped) return
    if (opts.resetBackoff) this.failures = 0
    clearTimeout(this.timer)
    if (this.running) {
      this.again = true
      return
    }
    void this.run()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  private async run(): Promise<void> {
    this.running = true
    try {
      do {
        this.again = false
        clearTimeout(this.timer)
        const drain = () => this.drain()
        await (this.opts.withLock ? this.opts.withLock(drain) : drain())
      } while (this.again && !this.stopped)
    } catch (err) {
      // IndexedDB failed (storage evicted, quota): show it as a wait and try again later.
      this.retryLater(`storage: ${(err as Error).message}`)
    } finally {
      this.running = false
    }
  }

  private async drain(): Promise<void> {
    const { outbox } = this.opts
    while (!this.stopped) {
      const item = await outbox.first()
      if (!item) return this.setState({ kind: 'idle' })
      if (!this.opts.isOnline()) {
        // The `online` event wakes us; the slow timer covers browsers whose onLine is stuck at false.
        this.timer = setTimeout(() => this.wake(), OFFLINE_RECHECK_MS)
        return this.setState({ kind: 'offline' })
      }
      this.setState({ kind: 'sending' })
      const answer = await this.opts.send(item.event, this.timeoutMs)
      this.timeouts = answer.kind === 'retry' && answer.reason === 'timeout' ? this.timeouts + 1 : 0
      if (answer.kind === 'retry' || answer.kind === 'unauthorized') {
        const status = answer.kind === 'unauthorized' && answer.viewOnly ? 'HTTP 403' : 'HTTP 401'
        await outbox.noteAttempt(item.key!, answer.kind === 'retry' ? answer.reason : status)
        if (answer.kind === 'unauthorized')
          return this.setState({ kind: 'unauthorized', error: answer.error, viewOnly: answer.viewOnly })
        return this.retryLater(answer.reason, answer.retryAfterMs)
      }
      this.failures = 0
      if (answer.kind === 'refused') {
        await outbox.settle(item, {
          outcome: 'refused',
          status: answer.status,
          error: answer.error,
          details: answer.details,
        })
      } else {
        await outbox.settle(item, { outcome: answer.kind })
      }
      this.opts.onChange(this.state)
    }
  }

  get timeoutMs(): number {
    return Math.min(SEND_TIMEOUT_MAX_MS, SEND_TIMEOUT_MS * 2 ** this.timeouts)
  }

  private retryLater(reason: string, atLeastMs = 0): void {
    this.failures++
    const ceiling = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (this.failures - 1))
    const delay = Math.max(MIN_DELAY_MS, atLeastMs, Math.random() * ceiling)
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.wake(), delay)
    this.setState({ kind: 'waiting', retryAt: Date.now() + delay, reason })
  }

  private setState(state: SenderState): void {
    this.state = state
    this.opts.onChange(state)
  }
}
