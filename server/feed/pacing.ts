// When the hub flushes: every flushMs, and no faster than a byte budget per viewer allows (a token
// bucket); a change after a quiet spell (nothing sent for a whole flushMs) goes at once, so at a
// command center's usual rate (an event a second or less) it reaches the screens as fast as a bare
// broadcast would, not up to flushMs later. It decides timing only; what is sent is the hub's business.

export interface PacingOptions {
  /** Flush coalesced changes at most this often. */
  flushMs: number
  /** Delta bytes a viewer is sent per second, on average. */
  bytesPerSecond: number
}

export class FlushPacer {
  /** Delta bytes that may be sent now (a token bucket, refilled at bytesPerSecond). */
  private budgetBytes: number
  private refilledAt = Date.now()
  /** Bytes the budget lacked for the pending changes at the last try (0: none held back). */
  private shortBy = 0
  /** When the last delta was sent. */
  private sentAt = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  /** A fan-out (a delta going out to every viewer) is still being written. */
  private fanningOut = false
  /** A flush came due while a fan-out was still being written: it runs as soon as that ends. */
  private dueAfterFanOut = false
  /** An early flush (changes after a quiet spell) waits for this turn of the event loop to end. */
  private flushingEarly = false

  constructor(
    private readonly opts: PacingOptions,
    private readonly flush: () => void,
  ) {
    this.budgetBytes = this.bucketSize
  }

  /** Half a second's worth: a short burst (an import, a shift's reports at once) is not delayed. */
  private get bucketSize(): number {
    return this.opts.bytesPerSecond / 2
  }

  start(): void {
    this.loop()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  /**
   * Flushes every flushMs, counted from when each flush began (the time sending takes does not push
   * the next one back); when the byte budget held changes back, tries again as soon as it will
   * allow them (not a whole flushMs later: that would double the wait).
   */
  private readonly loop = (): void => {
    if (this.stopped) return
    const tickAt = Date.now()
    const sentBefore = this.sentAt
    this.flush()
    if (this.sentAt !== sentBefore) this.sentAt = tickAt
    const now = Date.now()
    const due = this.shortBy
      ? Math.max(this.sentAt + this.opts.flushMs, now + (this.shortBy / this.opts.bytesPerSecond) * 1000)
      : tickAt + this.opts.flushMs
    this.timer = setTimeout(this.loop, Math.max(5, due - now))
    this.timer.unref()
  }

  /**
   * Changes reached the hub. After a quiet spell they go out now — after this turn of the event
   * loop, so publishes that arrived together go as one delta — and the next flush is counted from
   * this one, so flushes stay at least flushMs apart.
   */
  changesArrived(): void {
    if (this.stopped || this.fanningOut || this.flushingEarly) return
    if (Date.now() - this.sentAt < this.opts.flushMs) return
    this.flushingEarly = true
    setImmediate(() => {
      this.flushingEarly = false
      if (this.stopped || this.fanningOut || Date.now() - this.sentAt < this.opts.flushMs) return
      clearTimeout(this.timer)
      this.loop()
    })
  }

  /**
   * Called at the start of each flush: false while the last delta is still going out (the changes
   * since follow as soon as it is out: waiting for the next tick would add up to a whole flushMs to
   * their way to the screens).
   */
  mayFlush(): boolean {
    this.shortBy = 0
    if (this.fanningOut) {
      this.dueAfterFanOut = true
      return false
    }
    this.dueAfterFanOut = false
    return true
  }

  /**
   * Whether `bytes` may be sent now. Changes bigger than the whole bucket go once it is full, so
   * nothing waits forever; otherwise the hub keeps merging until the budget allows them.
   */
  affords(bytes: number): boolean {
    const now = Date.now()
    this.budgetBytes = Math.min(
      this.bucketSize,
      this.budgetBytes + ((now - this.refilledAt) * this.opts.bytesPerSecond) / 1000,
    )
    this.refilledAt = now
    const affordable = bytes <= this.budgetBytes || this.budgetBytes >= this.bucketSize
    this.shortBy = affordable ? 0 : Math.min(bytes, this.bucketSize) - this.budgetBytes
    return affordable
  }

  /** A delta of `bytes` is going out now. */
  spend(bytes: number): void {
    this.budgetBytes -= bytes
    this.sentAt = Date.now()
  }

  fanOutBegins(): void {
    this.fanningOut = true
  }

  /**
   * A fan-out is written: a flush that came due meanwhile runs after a turn of the event loop (this
   * slice's requests have waited long enough already), through the loop, which counts the next
   * flushMs from it.
   */
  fanOutEnded(): void {
    this.fanningOut = false
    if (!this.dueAfterFanOut || this.stopped) return
    setImmediate(() => {
      if (!this.dueAfterFanOut || this.fanningOut || this.stopped) return
      clearTimeout(this.timer)
      this.loop()
    })
  }
}
