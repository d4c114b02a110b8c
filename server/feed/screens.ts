import type { ClientMessage } from '../../shared/protocol.ts'
import { SCREEN_NAME } from '../../shared/protocol.ts'
import type { Metrics } from '../plugins/metrics.ts'
import type { FeedConnection } from './connection.ts'

// Screen health: what each wall reports of itself (heap, frame rate, seq, reconnects), kept on
// /metrics under the screen's name.

export class ScreenHealth {
  constructor(private readonly metrics: Metrics) {}

  private get gauges() {
    const m = this.metrics
    return [m.wallHeapMb, m.wallFps, m.wallSeq, m.wallReconnects]
  }

  /** A viewer gone (or renamed): its series go with it. */
  forget(c: FeedConnection): void {
    for (const g of this.gauges) g.remove(c.screen)
  }

  record(
    c: FeedConnection,
    msg: Extract<ClientMessage, { type: 'health' }>,
    viewers: Iterable<FeedConnection>,
  ): void {
    const m = this.metrics
    // Worked out at every report: a screen that reconnected while its old socket still held the name
    // takes it back once that socket is gone.
    const name =
      typeof msg.screen === 'string' && SCREEN_NAME.test(msg.screen)
        ? unusedScreenName(msg.screen, c, viewers)
        : c.screen
    if (name !== c.screen) {
      this.forget(c)
      c.screen = name
    }
    const set = (g: typeof m.wallFps, v: unknown) => {
      if (typeof v === 'number' && Number.isFinite(v)) g.set({ screen: c.screen }, v)
    }
    set(m.wallHeapMb, msg.heapMb)
    set(m.wallFps, msg.fps)
    set(m.wallSeq, msg.seq)
    set(m.wallReconnects, msg.reconnects)
  }
}

/**
 * `name`, or `name~<id>` when another viewer has it already (one link opened on two screens, two
 * tabs of one browser): two screens must not take turns on one series.
 */
function unusedScreenName(name: string, c: FeedConnection, viewers: Iterable<FeedConnection>): string {
  for (const other of viewers) if (other !== c && other.screen === name) return `${name}~${c.id}`
  return name
}
