import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnChild, type Child } from './procs.ts'
import type { BenchOptions } from './options.ts'

// Starting the server side of a scenario: Lookout nodes as `npm start` runs them, and the baselines.

const PROFILES = fileURLToPath(new URL('../results/profiles/', import.meta.url))

function profileFlags(opts: BenchOptions, name: string): string[] {
  if (!opts.profile) return []
  // A folder per process: each of its threads (tsx's loader runs in one) writes its own profile.
  const dir = `${PROFILES}${name}-${Date.now()}`
  mkdirSync(dir, { recursive: true })
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`]
}

export interface Node extends Child {
  url: string
}

/**
 * A Lookout node on a free port against `redisUrl`, or the Redis that `redisEnv` names
 * (REDIS_SENTINELS, REDIS_CLUSTER, REDIS_WAIT_REPLICAS…); auth off: the bench has no tokens.
 */
export async function lookoutNode(
  redisUrl: string,
  opts: BenchOptions,
  name = 'lookout',
  redisEnv: Record<string, string> = {},
): Promise<Node> {
  const child = await spawnChild(name, 'nodes/lookout.ts', {
    env: {
      REDIS_URL: redisUrl,
      ...redisEnv,
      AUTH: 'off',
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
    },
    nodeFlags: profileFlags(opts, name),
  })
  return Object.assign(child, { url: String(child.ready.url) })
}

export async function barePipelineNode(redisUrl: string, opts: BenchOptions): Promise<Node> {
  const child = await spawnChild('bare-pipeline', 'nodes/bare-pipeline.ts', {
    env: { REDIS_URL: redisUrl },
    nodeFlags: profileFlags(opts, 'bare-pipeline'),
  })
  return Object.assign(child, { url: String(child.ready.url) })
}

export async function bareWsNode(opts: BenchOptions): Promise<Node> {
  const child = await spawnChild('bare-ws', 'nodes/bare-ws.ts', { nodeFlags: profileFlags(opts, 'bare-ws') })
  return Object.assign(child, { url: String(child.ready.url) })
}

/** Several viewer processes sharing `count` viewers (a process holds many sockets). */
export async function viewerProcesses(count: number, perProcess = 1250): Promise<Child[]> {
  const n = Math.max(1, Math.ceil(count / perProcess))
  return Promise.all(Array.from({ length: n }, (_, i) => spawnChild(`viewers-${i}`, 'clients/viewers.ts')))
}

/** Splits `count` as evenly as possible over `parts`. */
export function shares(count: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0))
}
