import { afterAll, beforeAll, expect, test } from 'vitest'
import { testApp } from '../helpers/app.ts'
import { listen, viewer, eventually } from '../helpers/viewers.ts'
import { sentinelSet, type SentinelSet } from '../helpers/redis-topology.ts'
import { OutboxWriter, expectNothingLost } from '../helpers/failover.ts'
import type { App } from '../../server/app.ts'
import type { FeedClient } from '../../client/feed/feed-client.ts'

// A Sentinel set (1 primary, 2 replicas, 3 sentinels) under two Lookout nodes with
// REDIS_WAIT_REPLICAS=1. Each failover happens while a writer posts through both nodes and viewers
// watch each; nothing acknowledged may be lost or doubled, and no wall may show what Redis lost.

let set: SentinelSet
const apps: App[] = []
const urls: string[] = []
const viewers: FeedClient[] = []

beforeAll(async () => {
  set = await sentinelSet()
  for (let i = 0; i < 2; i++) {
    const app = await testApp({
      redis: set.target,
      config: { redisWaitReplicas: 1, redisWaitMs: 500 },
      hub: { digestMs: 300 },
    })
    apps.push(app)
    urls.push(await listen(app))
  }
  for (const url of urls) viewers.push(viewer(url))
  await eventually(() => viewers.every((v) => v.status === 'live'), 'viewers live')
}, 60_000)

afterAll(async () => {
  for (const v of viewers) v.stop()
  for (const a of apps) await a.close()
  await set?.cleanup()
})

/** Writes for a while, runs `failover` meanwhile, writes on after it, then drains the outbox. */
async function underLoad(tag: string, failover: () => Promise<void>): Promise<OutboxWriter> {
  const writer = new OutboxWriter()
  writer.start(urls, tag)
  await new Promise((r) => setTimeout(r, 800))
  await failover()
  let why = ''
  await eventually(
    async () => {
      const res = await apps[0].inject('/readyz')
      why = res.body
      return res.statusCode === 200
    },
    'node ready',
    30_000,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}: ${why}`)
  })
  await new Promise((r) => setTimeout(r, 800))
  await writer.drain()
  return writer
}

/** Back to a primary with two replicas in step before the next failover. */
async function settled(): Promise<void> {
  await eventually(
    async () => {
      const info = String(await (await set.primary()).call('INFO', 'replication'))
      return (info.match(/state=online/g) ?? []).length === 2
    },
    'two replicas in step',
    30_000,
  )
}

test('a planned failover (SENTINEL FAILOVER): every acknowledged event kept once, every wall equal to Redis', async () => {
  const writer = await underLoad('planned', async () => {
    const old = await set.primary()
    await set.sentinels[0].call('SENTINEL', 'FAILOVER', set.name)
    await set.waitForNewPrimary(old)
  })
  expect(writer.acked.size).toBeGreaterThan(0)
  await expectNothingLost(writer, apps, viewers)
  await settled()
}, 90_000)

test('the primary killed (SIGKILL): the sentinels promote a replica; nothing acknowledged is lost', async () => {
  let old!: Awaited<ReturnType<SentinelSet['primary']>>
  const writer = await underLoad('killed', async () => {
    old = await set.primary()
    await old.kill()
    await set.waitForNewPrimary(old)
  })
  await expectNothingLost(writer, apps, viewers)
  await old.start() // it comes back as a replica of the new primary
  await settled()
}, 90_000)

test('a replica falls behind (stopped), then the primary is killed: the replica in step is promoted, and nothing acknowledged is lost', async () => {
  let old!: Awaited<ReturnType<SentinelSet['primary']>>
  const writer = await underLoad('lagging', async () => {
    old = await set.primary()
    const [behind, inStep] = await set.replicas()
    behind.pause()
    // An event acknowledged just before the pause may have reached only the replica now stopped
    // (WAIT 1 counts whichever answers first): a second copy lost, beyond what WAIT 1 covers. The
    // case is the primary lost while the other replica is in step, so let it catch up first.
    await inStep.catchUpWith(old)
    await new Promise((r) => setTimeout(r, 1000))
    await old.kill()
    const promoted = await set.waitForNewPrimary(old)
    expect(promoted).not.toBe(behind)
    behind.resume()
  })
  await expectNothingLost(writer, apps, viewers)
  await old.start()
  await settled()
}, 90_000)
