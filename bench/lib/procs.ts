import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRedisServer, type RedisProcess } from '../../server/store/redis-process.ts'

// Every server, baseline and client of a benchmark is a separate OS process: a child forked with
// tsx, spoken to over the IPC channel with small request/answer messages ("calls").

export interface Call {
  callId: number
  name: string
  args: unknown
}
export type Answer =
  { callId: number; ok: true; value: unknown } | { callId: number; ok: false; error: string }

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  /** What the child sent with its `ready` message (a port, say). */
  ready: Record<string, unknown>
  call<T = unknown>(name: string, args?: unknown, timeoutMs?: number): Promise<T>
  /** Resident set size of the process now, in bytes (from /proc). */
  rss(): number
  stop(): Promise<void>
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Extra node flags for server processes (`--cpu-prof` when the bench is asked to profile). */
export const serverNodeFlags: string[] = []

export interface SpawnOptions {
  env?: Record<string, string>
  /** Node flags before the tsx loader (e.g. --cpu-prof, --max-old-space-size). */
  nodeFlags?: string[]
  /** How long the child may take to say `ready`. */
  readyTimeoutMs?: number
}

const children = new Set<Child>()

/** Forks `bench/<entry>` (a TypeScript module) and waits for its `ready` message. */
export async function spawnChild(name: string, entry: string, opts: SpawnOptions = {}): Promise<Child> {
  const proc = fork(here(`../${entry}`), [], {
    execArgv: ['--expose-gc', ...(opts.nodeFlags ?? []), '--import', 'tsx'],
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  let nextCall = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  proc.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${name} exited (${code ?? signal}) during a call`))
    pending.clear()
  })
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${opts.readyTimeoutMs ?? 120_000} ms`)),
      opts.readyTimeoutMs ?? 120_000,
    )
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code} before it was ready`))
    })
    proc.on('message', (msg: { type?: string } & Record<string, unknown>) => {
      if (msg.type === 'ready') {
        clearTimeout(timer)
        resolve(msg)
      }
    })
  })
  proc.on('message', (msg: Answer & { type?: string }) => {
    if (msg.type === 'ready' || typeof msg.callId !== 'number') return
    const p = pending.get(msg.callId)
    if (!p) return
    pending.delete(msg.callId)
    if (msg.ok) p.resolve(msg.value)
    else p.reject(new Error(`${name}: ${msg.error}`))
  })
  const child: Child = {
    name,
    proc,
    pid: proc.pid!,
    ready,
    call: <T>(callName: string, args?: unknown, timeoutMs = 300_000) =>
      new Promise<T>((resolve, reject) => {
        const callId = nextCall++
        const timer = setTimeout(() => {
          pending.delete(callId)
          reject(new Error(`${name}: ${callName} took longer than ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(callId, {
          resolve: (v) => {
            clearTimeout(timer)
            resolve(v as T)
          },
          reject: (e) => {
            clearTimeout(timer)
            reject(e)
          },
        })
        proc.send({ callId, name: callName, args } satisfies Call)
      }),
    rss: () => rssOf(proc.pid!),
    stop: async () => {
      children.delete(child)
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGTERM')
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    },
  }
  children.add(child)
  return child
}

/** Stops every child still running (after a failed scenario, so none outlives the bench). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()))
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb * 1024
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (here offset by the two before ") ").
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/**
 * CPU share (1 = one core) each named process (or group of processes) uses from now until
 * `shares()` is called: where a run's time went on a 2-core machine.
 */
export function cpuMeter(named: Record<string, Child | number | Child[]>) {
  const pids = (v: Child | number | Child[]) =>
    typeof v === 'number' ? [v] : Array.isArray(v) ? v.map((c) => c.pid) : [v.pid]
  const total = (v: Child | number | Child[]) => pids(v).reduce((s, pid) => s + cpuMsOf(pid), 0)
  const start = Date.now()
  const before = Object.fromEntries(Object.entries(named).map(([k, v]) => [k, total(v)]))
  return {
    /** CPU milliseconds each used since the meter began. */
    ms: () => Object.fromEntries(Object.entries(named).map(([k, v]) => [k, total(v) - before[k]])),
    shares: () =>
      Object.fromEntries(
        Object.entries(named).map(([k, v]) => [
          k,
          Math.round(((total(v) - before[k]) / (Date.now() - start)) * 100) / 100,
        ]),
      ),
  }
}

/** A private redis-server in a temporary folder, removed on stop. */
export async function privateRedis(): Promise<RedisProcess & { pid: number; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-bench-redis-'))
  const redis = await startRedisServer({ dir })
  const pid = findRedisPid(redis.port)
  return {
    ...redis,
    pid,
    cleanup: async () => {
      await redis.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The pid of the redis-server listening on `port` (startRedisServer does not expose its child). */
function findRedisPid(port: number): number {
  for (const entry of readdirProc()) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (!cmdline[0]?.includes('redis-server')) continue
      const i = cmdline.indexOf('--port')
      if ((i >= 0 && cmdline[i + 1] === String(port)) || cmdline.some((a) => a.endsWith(`:${port}`)))
        return Number(entry)
    } catch {
      /* the process ended meanwhile */
    }
  }
  return 0
}

function readdirProc(): string[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e))
}
