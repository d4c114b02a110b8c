import type { FastifyBaseLogger } from 'fastify'
import { applyDelta, mergeInto } from '../../shared/state.ts'
import { inDailyWindow } from '../../shared/summary.ts'
import { regionDay } from '../../shared/time.ts'
import type { Delta, WallState } from '../../shared/protocol.ts'
import type { Region } from '../../shared/region.ts'
import { entryMark, type RegionStore } from '../store/store.ts'
import type { UpdatesSubscription } from '../store/subscription.ts'
import type { Metrics } from '../plugins/metrics.ts'
import { deltaOf, readPublished, type Published } from './publish.ts'

// The node's copy of the region's state in Redis: a snapshot, then every publish on the updates
// channel in seq order. It knows nothing of viewers: it tells the hub when a snapshot was (re)read
// and when it can no longer vouch for what it holds.

/** A stray message on the updates channel is logged at most this often (see onBadPublish). */
const BAD_PUBLISH_LOG_EVERY_MS = 60_000
/** Marks of the last publishes seen, kept to tell a late copy from a publish of another history. */
const MARKS_KEPT = 256

const markOf = (pub: Published) => entryMark(pub.asOf, pub.seq - pub.from + 1)

export interface MirrorDeps {
  store: RegionStore
  region: Region
  /** The updates channel (its own connection: a subscribed connection cannot run commands). */
  subscription: UpdatesSubscription
  clock: () => number
  log: FastifyBaseLogger
  metrics: Metrics
}

export interface MirrorEvents {
  /** A fresh snapshot is the view now (pending changes dropped): every viewer needs it. */
  reloaded(view: WallState): void
  /** The view may no longer be what Redis holds: viewers must hear it. */
  degraded(reason: string): void
  /** A publish joined the pending changes. */
  changed(): void
}

export class RedisMirror {
  /**
   * The state as of the last flush: exactly what every viewer in step holds, the state digests
   * hash and snapshots are made of (a snapshot is never taken between flushes).
   */
  view: WallState | null = null
  /** What Redis published since the last flush, merged; applied to the view when flushed. */
  pending: Delta | null = null
  degraded = true
  /** Which `daily` fields the view holds (its day's trend window and last year's same period). */
  private inWindow: (field: string) => boolean = () => false
  private loading: Promise<void> | null = null
  /** Publishes that arrive while a snapshot is being read; applied after it. */
  private arrivedWhileLoading: Published[] = []
  private stopped = false
  /** Redis was seen ahead of the view at this seq with no publish arriving: see checkCaughtUp. */
  private behindAt = -1
  private badPublishLoggedAt = 0
  /**
   * The log entry this node's state ends at (seq, and its mark: see entryMark; null when unknown).
   * Redis's entry at that seq must stay this one: if not, its history changed under the node.
   */
  private applied: { seq: number; mark: string | null } = { seq: -1, mark: null }
  /** seq → mark of recent publishes (see MARKS_KEPT). */
  private readonly marks = new Map<number, string>()
  private verifying = false
  /** Counts snapshots read: a check begun before one is moot after it. */
  private generation = 0

  constructor(
    private readonly deps: MirrorDeps,
    private readonly events: MirrorEvents,
  ) {}

  get isLoading(): boolean {
    return this.loading !== null
  }

  /** The last seq published to this node (flushed or pending). */
  get lastSeq(): number {
    return this.pending?.seq ?? this.view?.seq ?? -1
  }

  async start(): Promise<void> {
    const { subscription } = this.deps
    subscription.on('message', (message: string) => this.onPublish(message))
    subscription.on('error-logged', (err) => this.deps.log.debug({ err }, 'feed subscriber error'))
    subscription.on('lost', (reason: string) => this.setDegraded(reason))
    // Subscribed again after a loss: the view may have missed publishes meanwhile.
    subscription.on('ready', () => {
      if (this.view) void this.reload('resubscribed')
    })
    await subscription.start()
    await this.reload('start')
  }

  stop(): void {
    this.stopped = true
    this.deps.subscription.stop()
  }

  /** The pending changes, now applied to the view (by the hub's flush, once it sent them). */
  applyPending(): Delta | null {
    const delta = this.pending
    this.pending = null
    if (delta && this.view) applyDelta(this.view, delta)
    return delta
  }

  private onPublish(message: string): void {
    const pub = readPublished(message)
    if (!pub) return this.onBadPublish(message)
    const known = this.marks.get(pub.seq)
    if (known === undefined) {
      this.marks.set(pub.seq, markOf(pub))
      if (this.marks.size > MARKS_KEPT) this.marks.delete(this.marks.keys().next().value!)
    } else if (known !== markOf(pub)) {
      // The same seq published twice for different batches: Redis's history forked (a failover
      // that lost writes numbered them again).
      return this.historyChanged(`seq ${pub.seq} was published again for another batch`)
    }
    if (this.loading || !this.view) {
      this.arrivedWhileLoading.push(pub)
      return
    }
    if (this.applyPublished(this.view, pub) && this.pending) this.events.changed()
  }

  /** Adds a publish to the pending changes; false on a gap (a publish was missed: reload). */
  private applyPublished(view: WallState, pub: Published): boolean {
    const last = this.lastSeq
    // At or below our seq: a late copy of what a snapshot already held, or a publish of a history
    // that went back under us (it is never simply dropped: the log says which).
    if (pub.seq <= last) {
      void this.verifyHistory()
      return true
    }
    if (pub.from !== last + 1) {
      void this.reload(`gap: have ${last}, got ${pub.from}..${pub.seq}`)
      return false
    }
    const delta = deltaOf(pub, view, this.inWindow)
    this.pending = this.pending ? mergeInto(this.pending, delta) : delta
    this.applied = { seq: pub.seq, mark: markOf(pub) }
    return true
  }

  /** Reads a fresh snapshot from Redis and hands it to the hub. Retries while Redis is down. */
  reload(reason: string): Promise<void> {
    if (this.loading) return this.loading
    this.deps.log.info({ reason }, 'feed reloading snapshot')
    this.loading = (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        this.arrivedWhileLoading = []
        try {
          const state = await this.readSnapshot()
          if (!state) continue
          // Redis behind what this node already showed: it lost data (restarted without its AOF, or
          // flushed). The wall now shows what Redis holds; the operator must hear of it.
          if (this.view && state.seq < this.view.seq)
            this.deps.log.error(
              { was: this.view.seq, now: state.seq },
              'Redis went back in time: it holds fewer events than it did (restarted without its data, or flushed); the wall shows what it holds now',
            )
          this.view = state
          this.pending = null
          this.degraded = !this.deps.subscription.ready
          this.deps.metrics.feedLive.set(this.degraded ? 0 : 1)
          this.events.reloaded(state)
          // The line an operator looks for after "feed degraded": when it ended.
          if (!this.degraded) this.deps.log.info({ seq: state.seq }, 'feed live')
          return
        } catch (err) {
          this.deps.log.warn({ err, attempt }, 'feed snapshot read failed; retrying')
          await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)))
        }
      }
    })().finally(() => {
      this.loading = null
    })
    return this.loading
  }

  /** A snapshot with the publishes that came in while it was read; null when one was missed. */
  private async readSnapshot(): Promise<WallState | null> {
    const now = this.deps.clock()
    const state = await this.deps.store.readState(regionDay(now, this.deps.region.timeZone), now)
    this.inWindow = inDailyWindow(state.day)
    let applied = { seq: state.seq, mark: (await this.deps.store.historyAt(state.seq)).mark ?? null }
    // Publishes that came in while we read: newer than the snapshot ones must follow it exactly.
    const arrived = this.arrivedWhileLoading.sort((a, b) => a.from - b.from)
    this.arrivedWhileLoading = []
    for (const pub of arrived) {
      if (pub.seq <= state.seq) continue
      if (pub.from !== state.seq + 1) return null
      applyDelta(state, deltaOf(pub, state, this.inWindow))
      applied = { seq: pub.seq, mark: markOf(pub) }
    }
    this.applied = applied
    this.generation++
    return state
  }

  private setDegraded(reason: string): void {
    if (this.degraded || this.stopped) return
    this.degraded = true
    this.deps.metrics.feedLive.set(0)
    this.deps.log.warn({ reason }, 'feed degraded')
    this.events.degraded(reason)
  }

  /**
   * A publish lost while the subscription was being re-established leaves the view behind with
   * nothing to reveal it in a quiet period. Redis ahead of us twice in a row at the same seq: reload.
   */
  async checkCaughtUp(): Promise<void> {
    const seenSeq = this.lastSeq
    const redisSeq = await this.verifyHistory()
    if (redisSeq === null) return
    if (redisSeq <= seenSeq) this.behindAt = -1
    else if (this.behindAt === seenSeq) void this.reload('behind redis with no publish')
    else this.behindAt = seenSeq
  }

  /**
   * Whether Redis still holds the history this node shows: the log entry at its seq must be the one
   * it applied. A failover that lost writes, a restore of an older backup, an emptied instance: the
   * entry is gone or another. Then the node reloads. Returns Redis's seq (null: not checked now).
   */
  async verifyHistory(): Promise<number | null> {
    const applied = this.applied
    const generation = this.generation
    if (this.verifying || this.loading || applied.seq < 0) return null
    this.verifying = true
    try {
      const { redisSeq, mark } = await this.deps.store.historyAt(applied.seq)
      if (this.loading || generation !== this.generation) return null // reloaded meanwhile
      if (redisSeq < applied.seq)
        this.historyChanged(`Redis holds seq ${redisSeq}, this node showed ${applied.seq}`)
      else if (applied.seq > 0 && mark === undefined)
        this.historyChanged(`no log entry ends at seq ${applied.seq}`)
      else if (mark && applied.mark && mark !== applied.mark)
        this.historyChanged(`the log entry at seq ${applied.seq} is another batch than the one shown`)
      return redisSeq
    } catch {
      return null // Redis down: the subscription's loss already marked us degraded
    } finally {
      this.verifying = false
    }
  }

  /** Redis's history is not the one this node shows: viewers hear it at once, and the node reloads. */
  private historyChanged(why: string): void {
    if (this.loading) return
    this.deps.log.error(
      { why, seq: this.lastSeq },
      'Redis history changed under this node (a failover that lost writes, a restore, an emptied Redis): the wall is marked degraded and reloads what Redis holds now',
    )
    this.marks.clear()
    this.setDegraded('redis history changed')
    void this.reload('redis history changed')
  }

  checkDayRollover(): void {
    const view = this.view
    if (view && !this.loading && regionDay(this.deps.clock(), this.deps.region.timeZone) !== view.day) {
      void this.reload('day rollover')
    }
  }

  /**
   * Something on the updates channel that no script of ours published. It is ignored, and since a
   * publish of ours may have been lost with it, the node reloads (a reload is one snapshot read, and
   * runs once however many arrive meanwhile). Logged once per quiet spell, not once per message.
   */
  private onBadPublish(message: string): void {
    this.deps.metrics.badPublishes.inc()
    const now = Date.now()
    if (now - this.badPublishLoggedAt > BAD_PUBLISH_LOG_EVERY_MS) {
      this.badPublishLoggedAt = now
      this.deps.log.error(
        { channel: this.deps.store.keys.updates, message: message.slice(0, 200) },
        'a message on the updates channel is not a publish of Lookout: ignored, reloading from Redis (who else publishes there?)',
      )
    }
    void this.reload('a message on the updates channel was not a publish')
  }
}
