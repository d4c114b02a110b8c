import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { App } from '../../server/app.ts'
import { hashToken } from '../../server/auth/tokens.ts'
import { run } from '../../server/auth/token-cli.ts'
import { privateRedis } from '../helpers/redis.ts'
import { TOWN, TOWN2 } from '../helpers/app.ts'
import { authApp } from './setup.ts'

// `npm run token` as an operator runs it (a child process on a temporary tokens file), and
// `npm start` refusing to run with auth on and no token.

const execFileP = promisify(execFile)
let dir: string
let tokensFile: string
let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lookout-token-cli-'))
  tokensFile = join(dir, 'tokens.json')
  redis = await privateRedis()
})
afterAll(async () => {
  await app?.close()
  await redis?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(
      process.execPath,
      ['--import', 'tsx', 'server/auth/token-cli.ts', ...args],
      {
        env: { ...process.env, TOKENS_FILE: tokensFile },
      },
    )
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}
const secretIn = (text: string) => /^(lk_[A-Za-z0-9_-]{43})$/m.exec(text)?.[1]

test('create prints a new token once; the file keeps only its hash; the token works at once', async () => {
  const made = await cli(
    'create',
    '--role',
    'reporter',
    '--towns',
    `${TOWN},${TOWN2}`,
    '--name',
    '黄桥镇安监办',
    '--days',
    '365',
  )
  expect(made.code).toBe(0)
  const token = secretIn(made.stdout)!
  expect(token).toBeDefined()
  expect(made.stdout).toMatch(/shown only this once/)
  const file = readFileSync(tokensFile, 'utf8')
  expect(file).not.toContain(token)
  const [record] = JSON.parse(file)
  expect(record).toMatchObject({
    name: '黄桥镇安监办',
    role: 'reporter',
    towns: [TOWN, TOWN2],
    hash: hashToken(token),
  })
  expect(Date.parse(record.expiresAt) - Date.parse(record.createdAt)).toBe(365 * 86_400_000)

  app = await authApp({ redisUrl: redis.url, tokensFile })
  expect(
    (await app.inject({ url: '/api/snapshot', headers: { authorization: `Bearer ${token}` } })).statusCode,
  ).toBe(200)
}, 120_000)

test('a viewer token comes with its wall link, a reporter token with its entry page link', async () => {
  const made = await cli(
    'create',
    '--role',
    'viewer',
    '--name',
    '指挥中心大屏',
    '--url',
    'http://10.1.2.3:3000/',
  )
  expect(made.code).toBe(0)
  const token = secretIn(made.stdout)
  expect(made.stdout).toContain(`http://10.1.2.3:3000/?token=${token}`)
  // A reporter's: the entry page on the inspector's phone.
  const reporter = await cli(
    'create',
    '--role',
    'reporter',
    '--name',
    '黄桥镇安监办',
    '--url',
    'http://10.1.2.3:3000',
  )
  expect(reporter.stdout).toContain(`http://10.1.2.3:3000/entry?token=${secretIn(reporter.stdout)}`)
}, 120_000)

test('list shows every token without its secret; revoke removes one, and a running server refuses it', async () => {
  const made = await cli('create', '--role', 'admin', '--name', '系统管理员')
  const token = secretIn(made.stdout)!
  const id = JSON.parse(readFileSync(tokensFile, 'utf8')).at(-1).id as string
  expect(
    (await app.inject({ url: '/api/snapshot', headers: { authorization: `Bearer ${token}` } })).statusCode,
  ).toBe(200)

  const listed = await cli('list')
  expect(listed.code).toBe(0)
  expect(listed.stdout).toMatch(new RegExp(`${id}\\s+admin\\s+系统管理员\\s+all towns`))
  expect(listed.stdout).toMatch(new RegExp(`reporter\\s+黄桥镇安监办\\s+${TOWN},${TOWN2}`))
  expect(listed.stdout).not.toMatch(/lk_/)

  const revoked = await cli('revoke', id)
  expect(revoked.code).toBe(0)
  expect(revoked.stdout).toContain(`Revoked ${id}`)
  expect((await cli('list')).stdout).not.toContain(id)
  expect(
    (await app.inject({ url: '/api/snapshot', headers: { authorization: `Bearer ${token}` } })).statusCode,
  ).toBe(401)

  const again = await cli('revoke', id)
  expect(again.code).toBe(1)
  expect(again.stderr).toContain(`No token ${id}`)
}, 120_000)

test('wrong usage exits 2 naming the problem, and changes nothing', async () => {
  const before = readFileSync(tokensFile, 'utf8')
  const child = await cli('create', '--role', 'boss', '--name', 'x')
  expect(child.code).toBe(2)
  expect(child.stderr).toMatch(/--role must be one of viewer, duty, reporter, admin\nusage:/)
  // The other mistakes in-process (each child process costs seconds): the same function main calls.
  const cases: [string[], RegExp][] = [
    [['create', '--role', 'viewer'], /--name must say who holds the token/],
    [['create', '--role', 'viewer', '--name', 'x', '--towns', TOWN], /--towns limits a reporter/],
    [['create', '--role', 'reporter', '--name', 'x', '--towns', '999'], /--towns: unknown town 999/],
    [['create', '--role', 'viewer', '--name', 'x', '--days', '0'], /--days must be a whole number/],
    [['create', '--role', 'viewer', '--name', 'x', '--colour', 'red'], /Unknown option '--colour'/],
    [
      ['create', '--role', 'viewer', '--name', 'x', '--url', 'wall-host:3000'],
      /--url must be the wall's address with http:\/\/ or https:\/\//,
    ],
    [['drop'], /unknown command "drop"/],
  ]
  for (const [args, message] of cases) {
    const result = run(args, { TOKENS_FILE: tokensFile })
    expect(result.code, args.join(' ')).toBe(2)
    expect(result.out).toMatch(message)
    expect(result.out).toMatch(/usage:/)
  }
  expect(readFileSync(tokensFile, 'utf8')).toBe(before)
}, 120_000)

test('npm start with auth on and no token exits 1 with one line saying how to create one', async () => {
  const failure = await execFileP(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', REDIS_URL: redis.url, TOKENS_FILE: join(dir, 'none.json'), AUTH: '' },
  }).catch((e: { code: number; stderr: string }) => e)
  expect(failure).toMatchObject({ code: 1 })
  const lines = (failure as { stderr: string }).stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(
    /^No usable access token in .*none\.json: create one with npm run token -- create --role admin/,
  )
}, 120_000)
