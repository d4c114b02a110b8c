import { isDeepStrictEqual } from 'node:util'
import { expect } from 'vitest'
import type { App } from '../../server/app.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'
import { rebuildCheck } from '../../server/store/rebuild.ts'
import { defineScripts } from '../../server/store/store.ts'
import { region, TOWN } from './app.ts'
import { eventually, rawState } from './viewers.ts'

// What a failover test checks, whatever the topology: an outbox-style writer posts through two
// nodes and retries with the same ids on 503 and connection errors; afterwards every acknowledged
// id is in the log exactly once, no seq was acknowledged for two events, every viewer equals a
// fresh snapshot, and the rebuild check finds no difference.

let counter = 0
const inspection = (tag: string) => {
  const n = counter++
  return {
    id: `fo-${tag}-${n}`,
    type: 'inspection.completed',
    inspectionId: `FO-${tag}-${n}`,
    town: TOWN,
    domain: 'fire',
    hazardsFound: 1 + (n % 3),
  }
}

/** Posts events one at a time through `baseUrl`, as a phone's outbox does: a refused send is retried as it was. */
class OutboxLoop {
  outbox: ReturnType<typeof inspection>[] = []
  generating = true
  done: Promise<void>
  refusals = 0

  constructor(
    private readonly baseUrl: string,
    private readonly writer: OutboxWriter,
    private readonly tag: string,
  ) {
    this.done = this.run()
  }

  private async run(): Promise<void> {
    for (;;) {
      if (!this.outbox.length) {
        if (!this.generating) return
        this.outbox.push(inspection(this.tag))
      }
      const event = this.outbox[0]
      let status = 0
      let body: { applied?: string[]; seq?: number } = {}
      try {
        const res = await fetch(`${this.baseUrl}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(5000),
        })
        status = res.status
        body = (await res.json()) as typeof body
      } catch {
        status = 0 // connection error or timeout: retried like a 503
      }
      if (status === 200) {
        this.outbox.shift()
        this.writer.acknowledge(event.id, body.applied?.includes(event.id) ? body.seq! : null)
      } else if (status === 503 || status === 0) {
        this.refusals++
        await new Promise((r) => setTimeout(r, 50))
      } else throw new Error(`POST answered ${status}: ${JSON.stringify(body)}`)
    }
  }
}

export class OutboxWriter {
  /** Every id acknowledged (applied or duplicate). */
  readonly acked = new Set<string>()
  /** seq → the id acknowledged as applied at it. */
  readonly seqs = new Map<number, string>()
  readonly twice: string[] = []
  private loops: OutboxLoop[] = []

  start(urls: string[], tag: string): void {
    this.loops = urls.map((u, i) => new OutboxLoop(u, this, `${tag}${i}`))
  }

  acknowledge(id: string, seq: number | null): void {
    this.acked.add(id)
    if (seq === null) return
    const before = this.seqs.get(seq)
    if (before !== undefined && before !== id) this.twice.push(`seq ${seq}: ${before} and ${id}`)
    this.seqs.set(seq, id)
  }

  get refusals(): number {
    return this.loops.reduce((n, l) => n + l.refusals, 0)
  }

  /** Stops making new events and waits until every outbox is empty. */
  async drain(): Promise<void> {
    for (const l of this.loops) l.generating = false
    await Promise.all(this.loops.map((l) => l.done))
  }
}

/** The whole event log, read through `app` (retried while it answers 503). */
async function logIds(app: App): Promise<string[]> {
  const ids: string[] = []
  for (let after = 0; ;) {
    const res = await app.inject(`/api/events?after=${after}&limit=1000`)
    if (res.statusCode === 503) {
      await new Promise((r) => setTimeout(r, 100))
      continue
    }
    const page = res.json() as { entries: { seq: number; event: { id?: string } }[]; next: number | null }
    for (const e of page.entries) if (e.event.id) ids.push(e.event.id)
    if (page.next === null) return ids
    after = page.next
  }
}

/** Everything the failover must not have broken. */
export async function expectNothingLost(
  writer: OutboxWriter,
  apps: App[],
  viewers: FeedClient[],
): Promise<void> {
  expect(writer.twice).toEqual([])
  const ids = await logIds(apps[0])
  const counts = new Map<string, number>()
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1)
  const missing = [...writer.acked].filter((id) => !counts.has(id))
  const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id)
  expect({ missing, doubled }).toEqual({ missing: [], doubled: [] })

  const fresh = async () => rawState((await apps[0].inject('/api/snapshot')).json())
  await eventually(
    async () => {
      const snapshot = await fresh()
      return viewers.every(
        (v) => v.status === 'live' && isDeepStrictEqual(rawState(v.state as never), snapshot),
      )
    },
    'every viewer equal to a fresh snapshot',
    20_000,
  )

  const redis = apps[0].store.redis
  defineScripts(redis)
  const report = await rebuildCheck({ redis, region, dedupeSeconds: 30 * 86_400, attempts: 3 })
  expect(report.differences).toEqual([])
  expect(report.keys).toBeGreaterThan(0)
}
