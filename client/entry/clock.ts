import { clockOffsetMs } from '../../shared/time.ts'

// The server's time, as this phone best knows it. A phone whose clock runs fast would stamp its
// reports in the future, and the server refuses an event more than 10 minutes ahead; one that runs
// slow would date them wrong. Every answer's Date header corrects it (to within a second or two).

/** Moves smaller than this are the header's rounding and the network, not the clock. */
const SLACK_MS = 2_000
/** Kept on the phone: a page opened offline (from the phone's cache) stamps its reports right too. */
const STORAGE_KEY = 'lookout.entry.clockOffset'
let offsetMs = kept()

function kept(): number {
  try {
    return Number(localStorage.getItem(STORAGE_KEY)) || 0
  } catch {
    return 0
  }
}

/** Learns the offset from an answer to a request sent at `sentAt`. */
export function learnServerTime(res: Response, sentAt: number): void {
  const offset = clockOffsetMs(res.headers.get('date'), sentAt, Date.now())
  if (offset === null || Math.abs(offset - offsetMs) <= SLACK_MS) return
  offsetMs = offset
  try {
    localStorage.setItem(STORAGE_KEY, String(Math.round(offset)))
  } catch {
    /* not kept: learned again at the next answer */
  }
}

/** Now, by the server's clock (the phone's own until an answer has come). */
export function serverNow(): number {
  return Date.now() + offsetMs
}
