import { Redis } from 'ioredis'
import type { RedisTarget } from './connect.ts'

// A Sentinel failover has a window where the old primary still takes writes and its other replica
// still confirms them (WAIT) while a replica is already being promoted: writes acknowledged there
// are lost when the old primary and that replica resync from the new one (issue 18: 211 of 322 in a
// planned failover). The Sentinels announce a failover before they promote anyone
// (+try-failover, +selected-slave, +failover-state-send-slaveof-noone…); from then until the new
// primary is announced (+switch-master, or the attempt abandoned), this node acknowledges no write:
// it answers 503 and the client's retry (same ids) lands on the new primary, applied once.

/** Announced by the Sentinels before and during a failover of a primary. */
const FAILOVER_BEGINS = [
  '+try-failover',
  '+elected-leader',
  '+failover-state-select-slave',
  '+selected-slave',
  '+failover-state-send-slaveof-noone',
  '+failover-state-wait-promotion',
  '+promoted-slave',
  '+failover-state-reconf-slaves',
]
const FAILOVER_ENDS = [
  '+switch-master',
  '+failover-end',
  '-failover-abort-not-elected',
  '-failover-abort-no-good-slave',
]
/** After the new primary is announced, while the nodes' connections move to it. */
const GRACE_MS = 1_000
/** A failover that never says it ended (a Sentinel lost meanwhile) stops fencing after this. */
const LONGEST_MS = 60_000

export class FailoverFence {
  private readonly watchers: Redis[] = []
  private fencedUntil = 0

  constructor(private readonly target: Extract<RedisTarget, { kind: 'sentinel' }>) {}

  /** A write acknowledged now could be lost: answer 503 instead. */
  get fenced(): boolean {
    return Date.now() < this.fencedUntil
  }

  async start(): Promise<void> {
    for (const s of this.target.sentinels) {
      const w = new Redis({
        host: s.host,
        port: s.port,
        lazyConnect: true,
        maxRetriesPerRequest: null,
        retryStrategy: (times) => Math.min(times * 200, 2000),
        ...(this.target.password ? { password: this.target.password } : {}),
        ...(this.target.tls ? { tls: {} } : {}),
      })
      w.on('error', () => {}) // a Sentinel down: the others still speak
      w.on('message', (channel: string, message: string) => this.onEvent(channel, message))
      this.watchers.push(w)
      // One Sentinel that does not answer must not stop the start: it is subscribed once it does.
      w.connect()
        .then(() => w.subscribe(...FAILOVER_BEGINS, ...FAILOVER_ENDS))
        .catch(() => {})
    }
  }

  stop(): void {
    for (const w of this.watchers) w.disconnect()
  }

  private onEvent(channel: string, message: string): void {
    // Every event names the primary it is about: "master <name> …", "slave … @ <name> …", or
    // "<name> <old ip> <old port> <new ip> <new port>" for +switch-master.
    const words = message.split(' ')
    const at = words.indexOf('@')
    const about = channel === '+switch-master' ? words[0] : at >= 0 ? words[at + 1] : words[1]
    if (about !== this.target.name) return
    if (FAILOVER_ENDS.includes(channel)) this.fencedUntil = Math.min(this.fencedUntil, Date.now() + GRACE_MS)
    else this.fencedUntil = Date.now() + LONGEST_MS
  }
}
