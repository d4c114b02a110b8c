import { clockOffsetMs } from '../../shared/time.ts'

// The server's time, as this phone best knows it. A phone whose clock runs fast would stamp its
// reports in the future, and the server refuses an event more than 10 minutes ahead; one that runs
// slow would date them wrong. Every answer's Date header corrects it (to within a second or two).

/** Moves smaller than this are the header's rounding and the network, not the clock. */
const SLACK_MS = 2_000
let offsetMs = 0

/** Learns the offset from an answer to a request sent at `sentAt`. */
export function learnServerTime(res: Response, sentAt: number): void {
  const offset = clockOffsetMs(res.headers.get('date'), sentAt, Date.now())
  if (offset !== null && Math.abs(offset - offsetMs) > SLACK_MS) offsetMs = offset
}

/** Now, by the server's clock (the phone's own until an answer has come). */
export function serverNow(): number {
  return Date.now() + offsetMs
}
