import { expect, test } from 'vitest'
import { OutboxSender, SEND_TIMEOUT_MS } from '../../client/entry/outbox/sender.ts'
import type { OutboxItem } from '../../client/entry/outbox/db.ts'
import type { SendAnswer } from '../../client/entry/api.ts'
import type { LookoutEvent } from '../../shared/events.ts'

// The phone's outbox sender on a link slower than a send's time limit: each send that runs out of
// time gives the next one twice as long (up to 2 min), so the answer can come back at last.

test('on a link slower than 20 s the time limit grows until an answer comes back, then returns to 20 s', async () => {
  const event = { id: 'ev-slow-0001', type: 'inspection.completed' } as unknown as LookoutEvent
  let waiting: OutboxItem[] = [{ key: 1, event, context: {}, createdAt: 0, attempts: 0 }]
  const limits: number[] = []
  // The link takes 50 s to answer: any limit under that runs out.
  const send = async (_e: LookoutEvent, timeoutMs: number): Promise<SendAnswer> => {
    limits.push(timeoutMs)
    return timeoutMs >= 50_000 ? { kind: 'applied', seq: 1 } : { kind: 'retry', reason: 'timeout' }
  }
  let settled = () => {}
  const done = new Promise<void>((r) => (settled = r))
  const sender = new OutboxSender({
    outbox: {
      first: async () => waiting[0],
      noteAttempt: async () => {},
      settle: async () => {
        waiting = []
        settled()
      },
    },
    send,
    onChange: () => {},
    isOnline: () => true,
    backoffBaseMs: 1,
    backoffMaxMs: 1,
  })
  sender.wake()
  await done
  sender.stop()
  expect(limits).toEqual([SEND_TIMEOUT_MS, 2 * SEND_TIMEOUT_MS, 4 * SEND_TIMEOUT_MS])
  expect(sender.timeoutMs).toBe(SEND_TIMEOUT_MS)
})
