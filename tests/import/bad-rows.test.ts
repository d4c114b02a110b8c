import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { fileHashOf } from '../../server/import/ledger.ts'
import {
  HEADERS,
  NOW,
  importOk,
  importRefused,
  progressOf,
  row,
  snapshot,
  utf8Csv,
  xlsxFile,
  type LedgerRow,
} from './helpers.ts'
import { hazard, postOk } from '../ingest/fixtures.ts'

// All rows are checked before any is applied: one bad row and nothing is applied, and the report
// says where (the row number the spreadsheet shows, the column's header) and why.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
})
afterAll(async () => {
  await redis.cleanup()
})
beforeEach(async () => {
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock: fakeClock(NOW) })
})
afterEach(async () => {
  await app.close()
})

async function expectNothingApplied() {
  const s = await snapshot(app)
  expect(s.seq).toBe(0)
  expect(s.kpis.hazardsFoundYtd).toBe(0)
  expect((await app.inject('/api/events').then((r) => r.json())).entries).toEqual([])
}

const BAD_ROWS: [string, LedgerRow, string, RegExp][] = [
  ['an unknown town', { 所属镇街: '南京市玄武区' }, '所属镇街', /不是本市的镇街：「南京市玄武区」/],
  ['a date that does not exist', { 整改期限: '2025-02-30' }, '整改期限', /不是有效的日期：「2025-02-30」/],
  ['a deadline that is not a date', { 整改期限: '下周' }, '整改期限', /不是有效的日期/],
  [
    'a deadline before the time found',
    { 整改期限: '2024-06-09' },
    '整改期限',
    /^早于发现时间（2025-06-09）$/,
  ],
  [
    'an industry of another domain',
    { 领域: '交通安全', 行业: '危险化学品' },
    '行业',
    /行业「危险化学品」属于生产安全，不属于交通安全/,
  ],
  ['a missing title', { 隐患描述: null }, '隐患描述', /必填，不能为空/],
  ['an unknown grade', { 隐患等级: '特别重大' }, '隐患等级', /隐患等级应为 重大隐患、一般隐患 之一/],
  ['an unknown status', { 整改状态: '暂缓' }, '整改状态', /整改状态应为 待整改、整改中、待验收、已销号 之一/],
  ['a time found in the future', { 发现时间: '2025-06-11 09:00' }, '发现时间', /不能晚于现在/],
  ['a 隐患编号 too long to keep', { 隐患编号: '黄桥镇'.repeat(22) }, '隐患编号', /^最长 64 字$/],
]

for (const [what, bad, column, reason] of BAD_ROWS) {
  test(`a file with ${what} in one row applies nothing; the report names row 4, 「${column}」 and the reason`, async () => {
    const file = utf8Csv([row(), row(), row(bad), row()])
    const report = await importRefused(app, file, 400)
    expect(report.error).toMatch(/nothing applied/)
    expect(report.issueCount).toBe(1)
    expect(report.issues).toHaveLength(1)
    // Header on row 1, so the third data row is the spreadsheet's row 4.
    expect(report.issues[0]).toMatchObject({ row: 4, column })
    expect(report.issues[0].reason).toMatch(reason)
    expect(report.issues[0].reasonEn.length).toBeGreaterThan(5)
    await expectNothingApplied()
    expect(await progressOf(app, fileHashOf(file))).toMatchObject({ phase: 'rejected' })
  })
}

test('every bad row is listed, with the row numbers of an XLSX that has a title row above its header', async () => {
  const rows = [row(), row({ 所属镇街: '火星' }), row(), row({ 整改期限: '2025/13/01', 隐患等级: '很大' })]
  const report = await importRefused(
    app,
    await xlsxFile(rows, HEADERS, { titleRow: '隐患排查台账' }),
    400,
    'ledger.xlsx',
  )
  // Title row 1, header row 2: data rows are 3..6.
  expect(report.issues.map((i) => [i.row, i.column])).toEqual([
    [4, '所属镇街'],
    [6, '隐患等级'],
    [6, '整改期限'],
  ])
  expect(report.issues[0].value).toBe('火星')
  await expectNothingApplied()
})

test('the same 隐患编号 twice in one file: the later row is named, with the row it repeats', async () => {
  const report = await importRefused(
    app,
    utf8Csv([row({ 隐患编号: 'DUP-1' }), row(), row({ 隐患编号: 'DUP-1' })]),
    400,
  )
  expect(report.issues).toEqual([
    {
      row: 4,
      column: '隐患编号',
      value: 'DUP-1',
      code: 'row.duplicate_id',
      reason: '隐患编号与第 2 行重复',
      reasonEn: 'the same 隐患编号 as row 2',
    },
  ])
  await expectNothingApplied()
})

test('a file without a required column: the header row and the missing column are named', async () => {
  const headers = HEADERS.filter((h) => h !== '整改期限' && h !== '所属镇街')
  const report = await importRefused(app, utf8Csv([row(), row()], headers), 400)
  expect(report.issues.map((i) => [i.row, i.column, i.reason])).toEqual([
    [1, '所属镇街', '缺少必填列「所属镇街」'],
    [1, '整改期限', '缺少必填列「整改期限」'],
  ])
  await expectNothingApplied()
})

test('a file that is no ledger, an empty file and an old .xls: refused with a reason, nothing applied', async () => {
  const text = await importRefused(app, Buffer.from('name,age\nAlice,30\n'), 400)
  expect(text.issues[0]).toMatchObject({ row: null, column: '' })
  expect(text.issues[0].reason).toMatch(/找不到表头行/)
  const empty = await importRefused(app, Buffer.alloc(0), 400)
  expect(empty.issues[0].reason).toBe('文件是空的')
  const xls = await importRefused(
    app,
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
    415,
    'ledger.xls',
  )
  expect(xls.issues[0].reason).toMatch(/不支持旧版 Excel/)
  const headerOnly = await importRefused(app, utf8Csv([]), 400)
  expect(headerOnly.issues[0].reason).toBe('没有可导入的数据行')
  await expectNothingApplied()
})

test('a request that is no file upload is refused', async () => {
  const res = await app.inject({ method: 'POST', url: '/api/import', payload: { rows: [] } })
  expect(res.statusCode).toBe(415)
  expect(res.json().issues[0].reasonEn).toMatch(/multipart/)
})

test('a 隐患编号 already reported elsewhere (the entry page): 409 naming the row, and nothing of the file applied', async () => {
  const taken = hazard({ hazardId: 'TAKEN-7' })
  await postOk(app, taken)
  const report = await importRefused(app, utf8Csv([row(), row(), row({ 隐患编号: 'TAKEN-7' })]), 409)
  expect(report.issues).toHaveLength(1)
  expect(report.issues[0]).toMatchObject({ row: 4, column: '隐患编号' })
  expect(report.issues[0].reason).toMatch(/TAKEN-7 已存在/)
  expect(report.applied).toBe(0)
  expect((await snapshot(app)).kpis.hazardsFoundYtd).toBe(1) // the entry page's, not the file's
})

test('a good row next to the example row of the template: the example is skipped and said so', async () => {
  const done = await importOk(app, utf8Csv([row({ 隐患编号: 'EXAMPLE-0001' }), row()]))
  expect(done.applied).toBe(1)
  expect(done.warnings).toEqual([
    expect.objectContaining({ row: 2, column: '隐患编号', reason: '模板示例行，未导入' }),
  ])
})

test('a deadline is held against the time found only: a row closed late with no time found is imported, a short name (经开区) is a town', async () => {
  const done = await importOk(
    app,
    utf8Csv([
      row({ 发现时间: null, 整改期限: '2025-06-01', 整改状态: '已销号', 销号时间: '2025-06-05 09:00' }),
      row({ 所属镇街: '经开区' }),
    ]),
  )
  expect(done.rowsApplied).toBe(2)
  const s = await snapshot(app)
  expect(s.byTown.find((t) => t.town === '321283EDZ')?.open).toBe(1)
})
