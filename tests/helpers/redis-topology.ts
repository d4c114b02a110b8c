import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { freePort, redisAnswers } from '../../server/store/redis-process.ts'
import type { RedisTarget } from '../../server/store/connect.ts'

// Real Redis topologies for tests, on free loopback ports (never 6379): a Sentinel set (1 primary,
// 2 replicas, 3 sentinels) and a Cluster (3 primaries, 3 replicas). Timeouts are short so a failover
// takes seconds. One per test file: they cost a few seconds to build.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/**
 * Every node started and not yet killed, killed when the test process exits: a set-up that timed
 * out (a cluster still forming under load when beforeAll gave up) returns no cleanup to call, and
 * its redis-servers would otherwise outlive the run.
 */
const started = new Set<ChildProcess>()
process.once('exit', () => {
  for (const c of started) c.kill('SIGKILL')
})

/** One redis-server (or sentinel) process that a test can kill, pause and start again. */
export class RedisNode {
  private child: ChildProcess | null = null

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
  ) {}

  /** Started and not killed (it may be paused). */
  get running(): boolean {
    return this.child !== null
  }

  get address(): string {
    return `127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', this.args, { cwd: this.dir, stdio: 'ignore' })
    this.child = child
    started.add(child)
    child.once('exit', () => started.delete(child))
    await until(() => redisAnswers(this.port), `redis on ${this.port}`)
  }

  /** A crash: SIGKILL, nothing flushed. */
  async kill(): Promise<void> {
    const c = this.child
    this.child = null
    if (!c || c.exitCode !== null) return
    const exited = new Promise((r) => c.once('exit', r))
    c.kill('SIGKILL')
    await exited
  }

  /** Stops answering (SIGSTOP) with its sockets open: a replica that falls behind. */
  pause(): void {
    this.child?.kill('SIGSTOP')
  }

  resume(): void {
    this.child?.kill('SIGCONT')
  }

  /** A connection of the test's own (the caller disconnects it). */
  client(): Redis {
    return new Redis({ port: this.port, lazyConnect: false, maxRetriesPerRequest: 1 })
  }

  async call(...args: (string | number)[]): Promise<unknown> {
    const c = this.client()
    try {
      return await c.call(String(args[0]), ...args.slice(1).map(String))
    } finally {
      c.disconnect()
    }
  }

  async role(): Promise<string> {
    return ((await this.call('ROLE')) as string[])[0]
  }

  /** The replication offset this node has: a primary's master_repl_offset, a replica's applied one. */
  async replOffset(): Promise<number> {
    const info = String(await this.call('INFO', 'replication'))
    const field = /slave_repl_offset:(\d+)/.exec(info) ?? /master_repl_offset:(\d+)/.exec(info)
    return Number(field?.[1] ?? 0)
  }

  /** Waits until this replica holds everything `primary` had written when called. */
  async catchUpWith(primary: RedisNode): Promise<void> {
    const target = await primary.replOffset()
    await until(async () => (await this.replOffset()) >= target, `replica ${this.port} in step`, 10_000)
  }
}

const DATA_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec']

async function node(base: string, name: string, extra: string[]): Promise<RedisNode> {
  const port = await freePort()
  const dir = join(base, name)
  spawnSync('mkdir', ['-p', dir])
  return new RedisNode(port, dir, ['--port', String(port), ...DATA_ARGS, ...extra])
}

export interface SentinelSet {
  target: RedisTarget
  name: string
  nodes: RedisNode[]
  sentinels: RedisNode[]
  /** The node that is primary now (as the sentinels say). */
  primary(): Promise<RedisNode>
  replicas(): Promise<RedisNode[]>
  /** Waits until the sentinels name a primary other than `old` and it takes writes. */
  waitForNewPrimary(old: RedisNode): Promise<RedisNode>
  cleanup(): Promise<void>
}

/**
 * 1 primary, 2 replicas, 3 sentinels (quorum 2). The primary refuses writes with no replica in
 * step (min-replicas-to-write 1, max lag 2 s): a deposed primary stops taking them (docs/redis.md).
 */
export async function sentinelSet(name = 'lookout'): Promise<SentinelSet> {
  const base = mkdtempSync(join(tmpdir(), 'lookout-sentinel-'))
  const safety = ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '2']
  const primary = await node(base, 'n0', safety)
  await primary.start()
  const nodes = [primary]
  for (const i of [1, 2]) {
    const r = await node(base, `n${i}`, [...safety, '--replicaof', '127.0.0.1', String(primary.port)])
    await r.start()
    nodes.push(r)
  }
  const sentinels: RedisNode[] = []
  for (const i of [0, 1, 2]) {
    const port = await freePort()
    const dir = join(base, `s${i}`)
    spawnSync('mkdir', ['-p', dir])
    writeFileSync(
      join(dir, 'sentinel.conf'),
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 4000`,
        `sentinel parallel-syncs ${name} 2`,
        '',
      ].join('\n'),
    )
    const s = new RedisNode(port, dir, [join(dir, 'sentinel.conf'), '--sentinel'])
    await s.start()
    sentinels.push(s)
  }
  const byPort = (port: number) => nodes.find((n) => n.port === port)!
  const primaryNow = async () => {
    const [, port] = (await sentinels[0].call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[]
    return byPort(Number(port))
  }
  // Every sentinel knows both replicas, and the replicas are in step.
  await until(async () => {
    for (const s of sentinels) {
      const replicas = (await s.call('SENTINEL', 'REPLICAS', name)) as unknown[]
      if (replicas.length !== 2) return false
    }
    const info = String(await primary.call('INFO', 'replication'))
    return (info.match(/state=online/g) ?? []).length === 2
  }, 'the sentinel set to settle')
  return {
    target: {
      kind: 'sentinel',
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name,
      tls: false,
    },
    name,
    nodes,
    sentinels,
    primary: primaryNow,
    replicas: async () => {
      const p = await primaryNow()
      return nodes.filter((n) => n !== p)
    },
    waitForNewPrimary: async (old) => {
      let found: RedisNode | undefined
      await until(
        async () => {
          const p = await primaryNow()
          if (p === old || (await p.role()) !== 'master') return false
          found = p
          return true
        },
        'a new primary',
        30_000,
      )
      return found!
    },
    cleanup: async () => {
      for (const n of [...sentinels, ...nodes]) {
        n.resume()
        await n.kill()
      }
      rmSync(base, { recursive: true, force: true })
    },
  }
}

export interface RedisClusterSet {
  target: RedisTarget
  nodes: RedisNode[]
  /** The primary that owns `key`'s slot now, and its replica. */
  ownerOf(key: string): Promise<{ primary: RedisNode; replica: RedisNode }>
  /**
   * Waits until every live node says cluster_state:ok and `key`'s slot has a primary among them
   * (`withReplica`: and a replica in step with it).
   */
  waitHealthy(key: string, withReplica?: boolean): Promise<void>
  cleanup(): Promise<void>
}

/** 3 primaries, 3 replicas (`redis-cli --cluster create --cluster-replicas 1`), node timeout 1 s. */
export async function redisCluster(): Promise<RedisClusterSet> {
  const base = mkdtempSync(join(tmpdir(), 'lookout-cluster-'))
  const nodes: RedisNode[] = []
  for (let i = 0; i < 6; i++) {
    const n = await node(base, `c${i}`, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '1000',
      // A replica that lost its primary for a while still takes over (the tests stop one on purpose).
      '--cluster-replica-validity-factor',
      '0',
      '--min-replicas-to-write',
      '1',
      '--min-replicas-max-lag',
      '2',
    ])
    await n.start()
    nodes.push(n)
  }
  const created = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '1', '--cluster-yes'],
    { encoding: 'utf8' },
  )
  if (created.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`)
  const live = () => nodes.filter((n) => n.running)
  const ownerOf = async (key: string) => {
    const slot = Number(await live()[0].call('CLUSTER', 'KEYSLOT', key))
    for (const n of live()) {
      const ranges = (await n.call('CLUSTER', 'SLOTS')) as [
        number,
        number,
        [string, number],
        [string, number]?,
      ][]
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)
      if (!range) continue
      const primary = nodes.find((x) => x.port === Number(range[2][1]))!
      const replica = nodes.find((x) => x.port === Number(range[3]?.[1]))!
      return { primary, replica }
    }
    throw new Error(`no owner of slot ${slot}`)
  }
  const waitHealthy = async (key: string, withReplica = true) =>
    until(async () => {
      for (const n of live())
        if (!/cluster_state:ok/.test(String(await n.call('CLUSTER', 'INFO')))) return false
      const { primary } = await ownerOf(key)
      if ((await primary.role()) !== 'master') return false
      const info = String(await primary.call('INFO', 'replication'))
      return !withReplica || /state=online/.test(info)
    }, 'the cluster to be healthy')
  await waitHealthy('lk:{0}:seq')
  return {
    target: { kind: 'cluster', seeds: [{ host: '127.0.0.1', port: nodes[0].port }], tls: false },
    nodes,
    ownerOf,
    waitHealthy,
    cleanup: async () => {
      for (const n of nodes) {
        n.resume()
        await n.kill()
      }
      rmSync(base, { recursive: true, force: true })
    },
  }
}
