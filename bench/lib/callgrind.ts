import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { redisAnswers } from '../../server/store/redis-process.ts'

// A private redis-server under valgrind's callgrind, for counting the instructions Redis spends on
// some work. Instructions, unlike seconds, come out the same on a busy machine, so a change to a
// Lua script can be judged exactly. (valgrind runs Redis ~50× slower: keep the work small.)
// CALLGRIND_REDIS_SERVER names another redis-server binary: Debian's is stripped, so to see where
// inside Lua the instructions go (--top), build Redis from source (its build keeps the symbols).

export interface CallgrindRedis {
  redis: Redis
  /** Starts counting from zero. */
  zero(): void
  /** Instructions executed since zero(). */
  instructions(): Promise<number>
  /** The functions that executed most of them (inclusive), as callgrind_annotate prints them. */
  topFunctions(count: number): string
  stop(): Promise<void>
}

export async function callgrindRedis(): Promise<CallgrindRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-callgrind-'))
  const port = 30_000 + Math.floor(Math.random() * 20_000)
  const proc = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${join(dir, 'out')}`,
      process.env.CALLGRIND_REDIS_SERVER ?? 'redis-server',
      '--port',
      String(port),
      '--save',
      '',
      '--dir',
      dir,
      // As the Redis Lookout starts itself (server/store/redis-process.ts): counter hashes past 128
      // fields as hash tables.
      '--hash-max-ziplist-entries',
      '128',
    ],
    { stdio: 'ignore' },
  )
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  for (let waited = 0; !(await redisAnswers(port)); waited += 200) {
    if (proc.exitCode !== null || waited > 60_000)
      throw new Error('valgrind redis-server did not start (is valgrind installed?)')
    await new Promise((r) => setTimeout(r, 200))
  }
  const redis = new Redis({ port })
  const control = (...args: string[]) =>
    execFileSync('callgrind_control', [...args, String(proc.pid)], { stdio: 'pipe' })
  let dumps = 0
  return {
    redis,
    zero: () => control('--zero'),
    async instructions() {
      control('--dump')
      dumps++
      // The dump is written asynchronously: wait for it.
      for (let i = 0; i < 50 && readdirSync(dir).filter((f) => f.startsWith('out.')).length < dumps; i++)
        await new Promise((r) => setTimeout(r, 100))
      const file = join(dir, `out.${dumps}`)
      const totals = execFileSync('callgrind_annotate', [file])
        .toString()
        .match(/([\d,]+) +\(100\.0%\) +PROGRAM TOTALS/)
      if (!totals) throw new Error(`no totals in ${file}`)
      return Number(totals[1].replace(/,/g, ''))
    },
    topFunctions(count) {
      const file = join(dir, `out.${dumps}`)
      const lines = execFileSync('callgrind_annotate', ['--inclusive=yes', file]).toString().split('\n')
      const first = lines.findIndex((l) => l.includes('file:function'))
      return lines.slice(first, first + 1 + count).join('\n')
    },
    async stop() {
      redis.disconnect()
      proc.kill('SIGTERM')
      await exited
      // CALLGRIND_KEEP=1 keeps the dumps, for callgrind_annotate --tree=caller and the like.
      if (process.env.CALLGRIND_KEEP) console.log(`callgrind dumps kept in ${dir}`)
      else rmSync(dir, { recursive: true, force: true })
    },
  }
}
