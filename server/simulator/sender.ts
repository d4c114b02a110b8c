import type { LookoutEvent } from '../../shared/events.ts'

// Sends events the way any data-entry client must: POST /api/events in batches, and when the server
// cannot take them right now (503 and other 5xx, 429, connection refused, timeout) the same batch
// again, same ids, after a backoff, until it is answered. The server dedupes by id, so a batch that was applied but
// whose answer got lost is counted once. Any other 4xx means the simulator sent something wrong: no retry.

/** Answers that mean "not now" rather than "not this": request timeout, too many requests. */
const RETRYABLE = new Set([408, 429])

export interface IngestAnswer {
  applied: string[]
  duplicates: string[]
  seq: number
}

/** The server refused a batch (4xx): the simulator has a bug, or its idea of the server's state is wrong. */
export class RejectedBatch extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly events: LookoutEvent[],
  ) {
    super(`the server refused a batch of ${events.length} events with ${status}: ${JSON.stringify(body)}`)
    this.name = 'RejectedBatch'
  }

  /** The refused events the server's details point at (`/events/<i>/…`). */
  culprits(): LookoutEvent[] {
    const details = (this.body as { details?: { path?: string }[] } | null)?.details ?? []
    const indexes = new Set(
      details
        .map((d) => Number(/^\/events\/(\d+)/.exec(d.path ?? '')?.[1]))
        .filter((i) => Number.isInteger(i)),
    )
    return [...indexes].map((i) => this.events[i]).filter(Boolean)
  }
}

export interface SenderOptions {
  /** The server, e.g. http://127.0.0.1:3000. */
  url: string
  /** Sent as `Authorization: Bearer` (a reporter or admin token) when the server has tokens on. */
  token?: string
  /** First wait after a failure; doubles up to `maxBackoffMs`, with full jitter. */
  backoffMs?: number
  maxBackoffMs?: number
  /** How long one request may take before it is given up and retried. */
  timeoutMs?: number
  /** Told about each retry (the simulator logs them). */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string; events: number }) => void
  signal?: AbortSignal
}

export class EventSender {
  private readonly endpoint: string

  constructor(private readonly opts: SenderOptions) {
    this.endpoint = new URL('/api/events', opts.url).toString()
  }

  /** Sends one batch until the server answers it; throws RejectedBatch on a 4xx, or the abort reason. */
  async send(events: LookoutEvent[]): Promise<IngestAnswer> {
    const body = JSON.stringify({ events })
    const base = this.opts.backoffMs ?? 250
    const cap = this.opts.maxBackoffMs ?? 10_000
    for (let attempt = 1; ; attempt++) {
      this.opts.signal?.throwIfAborted()
      let reason: string
      let retryAfterMs = 0
      try {
        const res = await fetch(this.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
          },
          body,
          signal: this.requestSignal(),
        })
        const answer: unknown = await res.json().catch(() => null)
        if (res.ok) return answer as IngestAnswer
        if (res.status < 500 && !RETRYABLE.has(res.status))
          throw new RejectedBatch(res.status, answer, events)
        reason = `${res.status} ${(answer as { error?: string } | null)?.error ?? res.statusText}`
        retryAfterMs = Number(res.headers.get('retry-after') ?? 0) * 1000 || 0
      } catch (err) {
        if (err instanceof RejectedBatch || this.opts.signal?.aborted) throw err
        reason = describe(err)
      }
      const waitMs = Math.max(retryAfterMs, Math.random() * Math.min(cap, base * 2 ** (attempt - 1)))
      this.opts.onRetry?.({ attempt, waitMs, reason, events: events.length })
      await sleep(waitMs, this.opts.signal)
    }
  }

  private requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000)
    return this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    if (err.name === 'TimeoutError') return 'no answer in time'
    return cause?.code ?? cause?.message ?? err.message
  }
  return String(err)
}

/** Waits `ms`, or less if `signal` aborts (then rejects with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
