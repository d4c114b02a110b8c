import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { fileHashOf } from '../../server/import/ledger.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import { NOW, multipart, row, utf8Csv } from './helpers.ts'
import { logOptions } from '../../server/log.ts'

// With tokens on, importing is for admins: a reporter's or viewer's upload is refused and applies
// nothing; the progress and the template are admins' too.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let app: App
const logLines: string[] = []
beforeAll(async () => {
  redis = await privateRedis()
  fixture = tokensFixture()
  app = await authApp({
    redisUrl: redis.url,
    tokensFile: fixture.path,
    clock: fakeClock(NOW),
    logger: logOptions('info', { write: (line: string) => void logLines.push(line) }),
  })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
  fixture.cleanup()
})

async function uploadAs(header: Record<string, string>, file: Buffer) {
  const { payload, headers } = await multipart(file, 'ledger.csv')
  return app.inject({ method: 'POST', url: '/api/import', payload, headers: { ...headers, ...header } })
}

test('a reporter or viewer may not import (403, nothing applied); without a token 401; an admin may', async () => {
  const { viewer, reporter, admin } = fixture.tokens
  const file = utf8Csv([row(), row()])
  expect((await uploadAs({}, file)).statusCode).toBe(401)
  for (const who of [viewer, reporter]) {
    const res = await uploadAs(who.header, file)
    expect(res.statusCode).toBe(403)
    expect(res.json().error).toMatch(/needs admin/)
  }
  const seq = async () => (await app.inject({ url: '/api/snapshot', headers: admin.header })).json().seq
  expect(await seq()).toBe(0)

  const ok = await uploadAs(admin.header, file)
  expect(ok.statusCode, ok.body).toBe(200)
  expect(ok.json().applied).toBe(2)
  expect(await seq()).toBe(2)
  // The audit log says who imported each row, as it does for POST /api/events.
  const log = (await app.inject({ url: '/api/events', headers: admin.header })).json().entries
  expect(log.map((e: { event: { by?: string } }) => e.event.by)).toEqual(['系统管理员', '系统管理员'])

  // So does the server log, for imports done and refused.
  const refused = await uploadAs(admin.header, utf8Csv([row({ 所属镇街: '火星镇' })]))
  expect(refused.statusCode).toBe(400)
  const said = logLines.map((l) => JSON.parse(l)).filter((e) => /^ledger /.test(e.msg))
  expect(said).toMatchObject([
    {
      msg: 'ledger imported',
      by: '系统管理员',
      rows: 2,
      applied: 2,
      duplicates: 0,
      fileHash: ok.json().fileHash,
    },
    { msg: 'ledger import refused', by: '系统管理员', error: 'invalid rows: nothing applied', issueCount: 1 },
  ])
})

test('the progress and the template need an admin token', async () => {
  const { reporter, admin } = fixture.tokens
  const hash = fileHashOf(Buffer.from('x'))
  for (const url of [`/api/import/progress/${hash}`, '/api/import/template.xlsx']) {
    expect((await app.inject({ url, headers: reporter.header })).statusCode, url).toBe(403)
    expect((await app.inject({ url, headers: admin.header })).statusCode, url).not.toBe(403)
  }
})
