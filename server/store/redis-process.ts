import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, realpathSync } from 'node:fs'
import { createServer, createConnection } from 'node:net'
import { resolve } from 'node:path'

// Starting a private redis-server: the embedded default of `npm start`, and every test run's own Redis.

export interface RedisProcess {
  port: number
  url: string
  /** Graceful stop (SHUTDOWN-like SIGTERM: AOF flushed). */
  stop(): Promise<void>
  /** Hard kill, as a crash would: only what AOF already has survives. */
  kill(): Promise<void>
  /** Starts it again on the same port and data folder (after stop or kill). */
  restart(): Promise<void>
}

export function redisServerAvailable(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
}

export const INSTALL_HINT =
  'redis-server is not on PATH and no Redis answers on 127.0.0.1:6379. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:port'

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolvePort(port))
    })
  })
}

/** True when something answers PING with PONG at host:port within `timeoutMs`. */
export function redisAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ port, host })
    const finish = (ok: boolean) => {
      socket.destroy()
      done(ok)
    }
    socket.setTimeout(timeoutMs, () => finish(false))
    socket.on('error', () => finish(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => finish(d.toString().startsWith('+PONG')))
  })
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

export interface StartRedisOptions {
  dir: string
  port?: number
  /** `always` for tests that kill Redis and count what survived; `everysec` for normal runs. */
  appendfsync?: 'always' | 'everysec'
}

/** The data folder's Redis cannot be had (another server uses it, or its leftover will not stop): one line at start. */
export class RedisStartError extends Error {}

interface ProcessInfo {
  command: string
  /** R, S, Z (zombie: gone, not yet reaped)… */
  state: string
  parent: number
}

/** What Linux says of a process; null when it is gone, or there is no /proc (then nothing is stopped). */
function processInfo(pid: number): ProcessInfo | null {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (name) state ppid …": the name may hold spaces, so read after its closing bracket.
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { command, state, parent: Number(parent) }
  } catch {
    return null
  }
}

function workingDir(pid: number): string | null {
  try {
    return realpathSync(`/proc/${pid}/cwd`)
  } catch {
    return null
  }
}

/**
 * Stops a redis-server left running on this folder by a server that was killed (kill -9, the OOM
 * killer: its child lives on), before another starts there: two on one AOF folder would clash, and
 * each crash would leave one more. SIGTERM, so it writes its AOF out first. One whose server still
 * runs (a second start on the same DATA_DIR) is not a leftover: that start is refused instead.
 */
async function stopLeftover(pidFile: string, dir: string): Promise<void> {
  let pid: number
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim())
  } catch {
    return
  }
  const info = Number.isInteger(pid) && pid > 0 ? processInfo(pid) : null
  // Gone, a zombie, or a pid reused by another program: a redis-server working in this folder only.
  if (
    !info ||
    info.state === 'Z' ||
    !info.command.startsWith('redis-server') ||
    workingDir(pid) !== realpathSync(dir)
  )
    return
  const parent = processInfo(info.parent)
  if (parent && parent.state !== 'Z' && /\bnode\b|tsx/.test(parent.command))
    throw new RedisStartError(
      `DATA_DIR ${dir} is in use by a running server (pid ${info.parent}) and its Redis (pid ${pid}): stop that server first, or give this one another DATA_DIR`,
    )
  try {
    process.kill(pid, 'SIGTERM')
    const stopped = async () => [undefined, 'Z'].includes(processInfo(pid)?.state)
    await waitUntil(stopped, 'it to stop')
  } catch (err) {
    throw new RedisStartError(
      `A redis-server left running on ${dir} (pid ${pid}) could not be stopped (${(err as Error).message}): stop it, then start again`,
    )
  }
}

export async function startRedisServer(opts: StartRedisOptions): Promise<RedisProcess> {
  const dir = resolve(opts.dir)
  mkdirSync(dir, { recursive: true })
  const port = opts.port ?? (await freePort())
  const pidFile = resolve(dir, 'redis.pid')
  let child: ChildProcess | undefined

  const launch = async () => {
    await stopLeftover(pidFile, dir)
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--pidfile',
        pidFile,
        '--appendonly',
        'yes',
        '--appendfsync',
        opts.appendfsync ?? 'everysec',
        '--save',
        '',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
        // Counter hashes of a few hundred fields as hash tables: kept as listpacks (up to 512
        // fields by default on Debian), every field lookup scans the hash, and ingest costs ~25 %
        // more Redis time (bench/tools/script-cost.ts). (The ziplist name works on 6.2 and 7.)
        '--hash-max-ziplist-entries',
        '128',
        // An expiring dedupe set (a period's event ids) is freed in the background, not in one pause.
        '--lazyfree-lazy-expire',
        'yes',
      ],
      { stdio: 'ignore' },
    )
    const exited = new Promise<void>((r) => child!.once('exit', () => r()))
    await Promise.race([
      waitUntil(() => redisAnswers(port), `redis-server on port ${port}`),
      exited.then(() => {
        throw new Error(`redis-server exited at start (is port ${port} taken?)`)
      }),
    ])
  }

  const end = async (signal: NodeJS.Signals) => {
    const c = child
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise<void>((r) => c.once('exit', () => r()))
    c.kill(signal)
    await exited
  }

  await launch()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: launch,
  }
}
