import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import fastify from 'fastify'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { loadRegion } from '../../server/region.ts'
import { resolveRedis, NoRedisError } from '../../server/store/resolve-redis.ts'
import { freePort, redisAnswers, startRedisServer } from '../../server/store/redis-process.ts'
import { redisVersionProblem } from '../../server/store/redis-version.ts'
import { privateRedis } from '../helpers/redis.ts'
import { testApp } from '../helpers/app.ts'
import { logOptions } from '../../server/log.ts'
import { redisSettingsWarnings } from '../../server/store/redis-settings.ts'
import staticPlugin from '../../server/plugins/static.ts'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'lookout-start-'))
  dirs.push(d)
  return d
}
let redis: Awaited<ReturnType<typeof privateRedis>>
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

test('bad configuration stops the start with every bad variable named', () => {
  // Every bad variable at once, not one per start.
  expect(() => loadConfig({ PORT: 'eighty', BATCH_LIMIT: '0', AUTH: 'x', TRUST_PROXY: 'proxy' })).toThrow(
    /^Bad configuration: PORT must be a whole number \(got "eighty"\); BATCH_LIMIT must be >= 1 \(got 0\); AUTH must be .*; TRUST_PROXY entry "proxy" is not/,
  )
  // Origins as pasted from an address bar are taken as browsers send them.
  expect(
    loadConfig({ ALLOWED_ORIGINS: 'HTTPS://Wall.Example/, http://10.0.0.5:3000' }).allowedOrigins,
  ).toEqual(['https://wall.example', 'http://10.0.0.5:3000'])
  expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://wall.example/screens, wall.example' })).toThrow(
    /ALLOWED_ORIGINS must list origins such as https:\/\/wall\.example or http:\/\/10\.0\.0\.5:3000/,
  )
  expect(() => loadConfig({ BATCH_LIMIT: '0', DEDUPE_DAYS: '-1' })).toThrow(
    /BATCH_LIMIT must be >= 1 \(got 0\)/,
  )
  expect(() => loadConfig({ BATCH_LIMIT: '0', DEDUPE_DAYS: '-1' })).toThrow(
    /DEDUPE_DAYS must be >= 1 \(got -1\)/,
  )
  expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/)
  // An unknown word names the words that would do.
  expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(
    /LOG_LEVEL must be equal to one of the allowed values: fatal, error, warn, info, debug, trace, silent \(got "loud"\)/,
  )
  expect(() => loadConfig({ AUTH: 'none' })).toThrow(
    /AUTH must be equal to one of the allowed values: tokens, off/,
  )
  expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16' }).trustProxy).toEqual([
    '10.0.0.5',
    '192.168.0.0/16',
  ])
  for (const [bad, why] of [
    ['proxy.local', /is not an IP address or a CIDR range/],
    ['abc', /is not an IP address/],
    [':::', /is not an IP address/],
    ['1.2.3.4/99', /has a prefix that is not \/0–\/32/],
    ['0.0.0.0/1', /trusts too wide a range \(at most a \/8\)/],
    ['::ffff:0:0/96', /is an IPv4-mapped address/],
  ] as const) {
    expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(why)
  }
  expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,fd00::/16,::1' }).trustProxy).toHaveLength(3)
  expect(loadConfig({ PORT: '8080' }).port).toBe(8080)
  expect(() => loadRegion({ region: '999999' })).toThrow(/Cannot read region file/)
  // A bad TIME_ZONE is the variable's fault, not the region file's.
  expect(() => loadRegion({ region: '321283', timeZone: 'Mars/Olympus' })).toThrow(
    /^Bad configuration: TIME_ZONE "Mars\/Olympus" is not a known IANA zone/,
  )
})

test('with no Redis reachable and no redis-server on PATH, the start says how to get one', async () => {
  const port = await freePort()
  const oldPath = process.env.PATH
  process.env.PATH = tempDir() // a PATH with nothing on it
  try {
    await expect(resolveRedis({ dataDir: tempDir() }, port)).rejects.toThrow(NoRedisError)
    await expect(resolveRedis({ dataDir: tempDir() }, port)).rejects.toThrow(
      /apt-get install -y redis-server.*REDIS_URL/,
    )
  } finally {
    process.env.PATH = oldPath
  }
})

test('with no Redis reachable, the start runs its own redis-server with AOF under DATA_DIR and stops it on exit', async () => {
  const dataDir = tempDir()
  const resolved = await resolveRedis({ dataDir }, await freePort())
  expect(resolved.source).toBe('embedded')
  const port = Number(new URL((resolved.target as { url: string }).url).port)
  expect(await redisAnswers(port)).toBe(true)
  await resolved.stop()
  expect(await redisAnswers(port)).toBe(false)
  expect(readdirSync(dataDir).join(' ')).toMatch(/appendonly/)
})

test('a redis-server left running by a killed server is stopped before the next start runs one on its folder, its data kept', async () => {
  const dataDir = tempDir()
  // A server that runs its own Redis, killed as the OOM killer would: its redis-server lives on.
  const crashed = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./server/store/redis-process.ts').then(async (m) => console.log((await m.startRedisServer({ dir: ${JSON.stringify(dataDir)}, appendfsync: 'always' })).port))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const leftPort = await new Promise<number>((r) =>
    crashed.stdout.once('data', (d) => r(Number(String(d).trim()))),
  )
  const left = new Redis(leftPort)
  await left.set('kept', 'yes')
  left.disconnect()
  crashed.kill('SIGKILL')
  await new Promise((r) => crashed.once('exit', r))
  expect(await redisAnswers(leftPort)).toBe(true) // orphaned, still running

  const next = await startRedisServer({ dir: dataDir })
  try {
    expect(await redisAnswers(leftPort)).toBe(false)
    const client = new Redis(next.port)
    expect(await client.get('kept')).toBe('yes')
    client.disconnect()
  } finally {
    await next.stop()
    if (await redisAnswers(leftPort))
      process.kill(Number(readFileSync(join(dataDir, 'redis.pid'), 'utf8')), 'SIGTERM')
  }
})

test('a second start on the DATA_DIR of a running server is refused in one line, and the running server keeps its Redis', async () => {
  const dataDir = tempDir()
  const running = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `import('./server/store/redis-process.ts').then(async (m) => { console.log((await m.startRedisServer({ dir: ${JSON.stringify(dataDir)} })).port); setInterval(() => {}, 1000) })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const port = await new Promise<number>((r) =>
    running.stdout.once('data', (d) => r(Number(String(d).trim()))),
  )
  try {
    await expect(startRedisServer({ dir: dataDir })).rejects.toThrow(
      new RegExp(`^DATA_DIR .* is in use by a running server \\(pid ${running.pid}\\) and its Redis`),
    )
    expect(await redisAnswers(port)).toBe(true)
  } finally {
    running.kill('SIGTERM')
    await new Promise((r) => running.once('exit', r))
    // Its Redis, left by the SIGTERM (this stand-in server does not stop it).
    process.kill(Number(readFileSync(join(dataDir, 'redis.pid'), 'utf8')), 'SIGTERM')
  }
})

test('a Redis that keeps nothing on disk, or only snapshots, is warned of at start', async () => {
  expect(redisSettingsWarnings({ appendonly: 'yes', save: '', hashMaxEntries: '128' })).toEqual([])
  expect(
    redisSettingsWarnings({ appendonly: 'no', save: '3600 1 300 100 60 10000', hashMaxEntries: '128' }),
  ).toEqual([
    expect.stringMatching(
      /^Redis keeps only snapshots .*a crash loses the events accepted since the last one/,
    ),
  ])
  // Debian's package as installed: snapshots only, hashes of 512 fields as listpacks.
  expect(redisSettingsWarnings({ appendonly: 'no', save: '', hashMaxEntries: '512' })).toEqual([
    expect.stringMatching(
      /^Redis keeps nothing on disk .*its next restart empties the wall and loses the event log/,
    ),
    expect.stringMatching(/up to 512 fields .*hash-max-ziplist-entries 128/),
  ])

  // Said in the server's log, from the Redis it is given: one run as `redis-server --save ""` would.
  const port = await freePort()
  const bare = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const lines: string[] = []
  try {
    while (!(await redisAnswers(port))) await new Promise((r) => setTimeout(r, 25))
    const app = await testApp({
      redisUrl: `redis://127.0.0.1:${port}`,
      logger: logOptions('warn', { write: (line: string) => void lines.push(line) }),
    })
    await app.close()
  } finally {
    bare.kill('SIGKILL')
  }
  expect(lines.map((l) => JSON.parse(l).msg)).toContainEqual(
    expect.stringMatching(/^Redis keeps nothing on disk/),
  )
})

test('a Redis older than 6.2 stops the start with its version and what is needed; 6.2 and later pass', async () => {
  const info = (version: string) => `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\n`
  expect(redisVersionProblem(info('6.0.16'))).toBe(
    'Redis 6.0 is too old: Lookout needs Redis 6.2 or later (set REDIS_URL to one)',
  )
  expect(redisVersionProblem(info('5.0.14'))).toMatch(/^Redis 5\.0 is too old/)
  for (const ok of ['6.2.0', '7.0.15', '7.4.1', '8.0.2']) expect(redisVersionProblem(info(ok))).toBeNull()
  // The Redis the tests run on says its version, and passes.
  const client = new Redis(redis.url)
  expect(redisVersionProblem(await client.info('server'))).toBeNull()
  expect(await client.info('server')).toMatch(/^redis_version:\d+\.\d+/m)
  client.disconnect()
})

test('a local Redis that answers is used as it is', async () => {
  const resolved = await resolveRedis({ dataDir: tempDir() }, redis.port)
  expect(resolved).toMatchObject({
    target: { kind: 'single', url: redis.url },
    source: `local ${redis.port}`,
  })
})

/** `npm start` compiles the server with tsx first: slow on a busy 2-core machine, whatever it then does. */
const NPM_START = { timeout: 90_000 }

test('npm start serves the API, then closes gracefully on SIGTERM sent to npm alone', NPM_START, async () => {
  const port = await freePort()
  // A supervisor that signals only the process it started (Docker's `CMD npm start`, pm2, runit):
  // the server must hear it, not be left running with the port.
  const child = spawn('npm', ['start', '--silent'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      AUTH: 'off',
      LOG_LEVEL: 'warn',
    },
    stdio: 'pipe',
  })
  let output = ''
  child.stderr.on('data', (d) => (output += d))
  try {
    const until = Date.now() + 75_000
    let ready = false
    while (!ready && Date.now() < until) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
      if (!ready) await new Promise((r) => setTimeout(r, 100))
    }
    expect(ready, output).toBe(true)
    const regions = await (await fetch(`http://127.0.0.1:${port}/api/regions`)).json()
    expect(regions.city.code).toBe('321283')
  } finally {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => 'answers',
        () => 'closed',
      ),
    ).toBe('closed')
  }
})

test(
  'a REDIS_URL that does not answer makes npm start exit 1 naming it and why, without its password',
  NPM_START,
  async () => {
    const port = await freePort()
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, AUTH: 'off', REDIS_URL: `redis://:secret@127.0.0.1:${port}` },
    }).catch((e: { code: number; stderr: string }) => e)
    expect(failure).toMatchObject({ code: 1 })
    const said = (failure as { stderr: string }).stderr.trim()
    expect(said).toBe(
      `Redis at redis://:***@127.0.0.1:${port} does not answer (connect ECONNREFUSED 127.0.0.1:${port}): start it, or set REDIS_URL to one that does`,
    )
  },
)

test('a bad PORT makes npm start exit 1 with a one-line reason', NPM_START, async () => {
  const run = promisify(execFile)
  const failure = await run(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: 'x', REDIS_URL: redis.url },
  }).catch((e: { code: number; stderr: string }) => e)
  expect(failure).toMatchObject({ code: 1 })
  expect((failure as { stderr: string }).stderr.trim()).toMatch(
    /^Bad configuration: PORT must be a whole number/,
  )
})

test('a PORT another program has makes npm start exit 1 with a one-line reason', NPM_START, async () => {
  const taken = createServer().listen(0, '127.0.0.1')
  await new Promise((r) => taken.once('listening', r))
  const port = (taken.address() as { port: number }).port
  try {
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        AUTH: 'off',
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: redis.url,
        LOG_LEVEL: 'warn',
      },
    }).catch((e: { code: number; stderr: string }) => e)
    expect(failure).toMatchObject({ code: 1 })
    expect((failure as { stderr: string }).stderr.trim()).toBe(
      `Cannot listen on 127.0.0.1:${port} (EADDRINUSE): another program has the port; stop it, or set PORT`,
    )
  } finally {
    taken.close()
  }
})

test('before a build, the wall and the entry page both answer 503 saying how to build them', async () => {
  const app = fastify()
  await app.register(staticPlugin, { root: tempDir() })
  for (const page of ['/', '/entry']) {
    const res = await app.inject(page)
    expect(res.statusCode, page).toBe(503)
    expect(res.body, page).toBe('The pages are not built yet: run npm run build\n')
  }
  await app.close()
})
