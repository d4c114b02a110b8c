import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { privateRedis } from '../helpers/redis.ts'
import { freshSpace, testApp } from '../helpers/app.ts'
import { logOptions } from '../../server/log.ts'
import type { App } from '../../server/app.ts'

// docs/operations.md's nginx configuration, run for real: Debian's nginx on free ports with that very
// block (only its ports changed), in front of a node started as the docs say (TRUST_PROXY=127.0.0.1).

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'
const hasNginx = existsSync(NGINX)
if (!hasNginx) console.warn(`tests/ops/nginx.test.ts skipped: no nginx at ${NGINX} (apt-get install nginx)`)

const DOC = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')
const block = (lang: string) => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(DOC)
  if (!m) throw new Error(`docs/operations.md has no ${lang} block`)
  return m[1]
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/** A request from `localAddress` (a loopback address of its own), so the node can tell clients apart. */
function get(
  port: number,
  path: string,
  opts: { localAddress?: string; headers?: Record<string, string>; method?: string; body?: string } = {},
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        localAddress: opts.localAddress,
        headers: opts.headers,
      },
      (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

describe.skipIf(!hasNginx)('behind the documented nginx', () => {
  let redis: Awaited<ReturnType<typeof privateRedis>>
  let app: App
  let nginx: ChildProcess
  let dir: string
  let proxyPort: number
  let nodePort: number
  const lines: string[] = []

  beforeAll(async () => {
    redis = await privateRedis()
    app = await testApp({
      redisUrl: redis.url,
      keyVariant: freshSpace(),
      config: { trustProxy: ['127.0.0.1'] },
      logger: logOptions('info', { write: (line: string) => void lines.push(line) }),
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    nodePort = (app.server.address() as { port: number }).port
    proxyPort = await freePort()
    dir = mkdtempSync(join(tmpdir(), 'lookout-nginx-'))
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d))
    const site = block('nginx')
      .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${nodePort};`)
      .replace('listen 80;', `listen 127.0.0.1:${proxyPort};`)
    expect(site).toContain(`listen 127.0.0.1:${proxyPort};`)
    writeFileSync(
      join(dir, 'nginx.conf'),
      `daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${site}
}
`,
    )
    const tested = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' })
    expect(tested.status, tested.stderr).toBe(0)
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' })
    // Up when it answers through to the node (it starts in well under a second).
    for (let i = 0; ; i++) {
      const res = await get(proxyPort, '/healthz').catch(() => null)
      if (res?.status === 200) break
      if (i > 100) throw new Error(`nginx did not come up: ${readFileSync(join(dir, 'error.log'), 'utf8')}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }, 60_000)

  afterAll(async () => {
    nginx?.kill('SIGTERM')
    await app?.close()
    await redis?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const origin = () => `http://127.0.0.1:${proxyPort}`
  const addressOf = (path: string) => {
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.req?.url === path)
    return line?.req?.remoteAddress as string | undefined
  }

  test('the node sees the real client through nginx, and no address a client claims', async () => {
    await get(proxyPort, '/api/regions?via=proxy', {
      localAddress: '127.0.0.7',
      headers: { 'x-forwarded-for': '6.6.6.6' },
    })
    expect(addressOf('/api/regions?via=proxy')).toBe('127.0.0.7')
  })

  test('X-Forwarded-For is believed only from TRUST_PROXY: sent straight to the node from elsewhere, it is ignored', async () => {
    await get(nodePort, '/api/regions?via=direct', {
      localAddress: '127.0.0.8',
      headers: { 'x-forwarded-for': '6.6.6.6' },
    })
    expect(addressOf('/api/regions?via=direct')).toBe('127.0.0.8')
  })

  test("a write from the page's own origin goes through; one from a foreign origin is refused", async () => {
    const event = (id: string) =>
      JSON.stringify({
        id,
        type: 'inspection.completed',
        inspectionId: id,
        town: '321283100',
        domain: 'fire',
        hazardsFound: 0,
      })
    const own = await get(proxyPort, '/api/events', {
      method: 'POST',
      headers: { origin: origin(), 'content-type': 'application/json' },
      body: event('ev-nginx-own-1'),
    })
    expect(own.status, own.body).toBe(200)
    const foreign = await get(proxyPort, '/api/events', {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: event('ev-nginx-foreign-1'),
    })
    expect(foreign.status).toBe(403)
  })

  test('/ws upgrades through nginx and gets its snapshot; from a foreign origin it is closed 4403', async () => {
    const open = (from: string) => new WebSocket(`ws://127.0.0.1:${proxyPort}/ws`, { origin: from })
    const own = open(origin())
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      own.once('message', (data) => resolve(JSON.parse(String(data))))
      own.once('error', reject)
    })
    expect(first.type).toBe('snapshot')
    own.close()
    const foreign = open('http://evil.example')
    const code = await new Promise<number>((resolve) => foreign.once('close', (c) => resolve(c)))
    expect(code).toBe(4403)
  })
})

test.skipIf(!existsSync('/usr/bin/systemd-analyze'))(
  'the documented systemd unit passes systemd-analyze verify',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-unit-'))
    const unit = join(dir, 'lookout.service')
    writeFileSync(unit, block('ini'))
    const run = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' })
    rmSync(dir, { recursive: true, force: true })
    // Only this unit's own problems count (the machine's other units may have their own).
    const own = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.includes('lookout.service'))
    expect(own).toEqual([])
  },
)
