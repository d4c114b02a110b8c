import type { WebSocket } from 'ws'
import { mergeDelta } from '../../shared/state.ts'
import type { Delta } from '../../shared/protocol.ts'

/** One viewer's socket and where it stands in the sequence. */
export class FeedConnection {
  /** The seq this viewer holds (last snapshot or delta sent). */
  sentSeq = -1
  /** Changes held back while the socket is backed up, merged into one delta: bounded by the cell count. */
  held: Delta | null = null
  /** Owed a snapshot that waits until the socket drains (a resync while backed up). */
  owedSnapshot = false
  backedUpSince = 0
  alive = true
  /** Its name on /metrics: conn-<id> until it names itself (see ScreenHealth.record). */
  screen: string

  constructor(
    readonly socket: WebSocket,
    readonly id: number,
    /** Asked for the headline numbers in each delta (`/ws?kpis=1`). */
    readonly wantsKpis: boolean,
  ) {
    this.screen = `conn-${id}`
  }

  get buffered(): number {
    return this.socket.bufferedAmount
  }

  hold(delta: Delta): void {
    this.held = this.held ? mergeDelta(this.held, delta) : delta
  }
}
