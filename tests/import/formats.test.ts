import { afterAll, beforeAll, beforeEach, afterEach, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { gbCsv, importOk, NOW, row, snapshot, townRow, utf8Csv, xlsxFile, HEADERS } from './helpers.ts'

// A ledger in each format users bring: UTF-8 CSV (Excel's "CSV UTF-8" with a BOM, or without),
// GB18030 CSV (Chinese Excel's plain "CSV"), and XLSX. The wall's numbers reflect what was imported.

const HUANGQIAO = '321283100'
const BINJIANG = '321283123'
const JICHUAN = '321283001'

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

test('a UTF-8 CSV with a BOM: every row counts on the wall, by town, grade and domain', async () => {
  const rows = [
    row({ 所属镇街: '黄桥镇', 隐患等级: '重大' }),
    row({ 所属镇街: '黄桥镇' }),
    row({ 所属镇街: BINJIANG, 领域: '生产安全', 行业: '危险化学品', 隐患等级: '重大隐患' }),
  ]
  const done = await importOk(app, utf8Csv(rows))
  expect(done).toMatchObject({ rows: 3, events: 3, applied: 3, duplicates: 0, warnings: [] })

  const s = await snapshot(app)
  expect(s.kpis).toMatchObject({ hazardsOpen: 3, majorHazardsOpen: 2, hazardsFoundYtd: 3 })
  expect(await townRow(app, HUANGQIAO)).toMatchObject({ open: 2, majorOpen: 1 })
  expect(await townRow(app, BINJIANG)).toMatchObject({ open: 1, majorOpen: 1 })
  expect(s.byDomain.find((d) => d.domain === 'production')).toMatchObject({ major: 1, general: 0 })
  expect(s.byDomain.find((d) => d.domain === 'fire')).toMatchObject({ major: 1, general: 1 })
})

test('a UTF-8 CSV without a BOM reads the same', async () => {
  const done = await importOk(app, utf8Csv([row(), row({ 所属镇街: '滨江' })], HEADERS, false))
  expect(done.applied).toBe(2)
  expect(await townRow(app, BINJIANG)).toMatchObject({ open: 1 })
})

test('a GB18030 CSV, as Chinese Excel saves it: names decoded right, rows counted', async () => {
  const rows = [
    row({ 所属镇街: '济川街道', 隐患描述: '配电箱线路私拉乱接' }),
    row({ 所属镇街: '济川街道', 隐患等级: '重大' }),
  ]
  const file = gbCsv(rows)
  // Not valid UTF-8: a decoder that assumed UTF-8 would turn every name into mojibake.
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(file)).toThrow()
  const done = await importOk(app, file)
  expect(done.applied).toBe(2)
  expect(await townRow(app, JICHUAN)).toMatchObject({ open: 2, majorOpen: 1 })
  const open = await app.inject(`/api/hazards?towns=${JICHUAN}`)
  expect(open.json().hazards.map((h: { title: string }) => h.title)).toContain('配电箱线路私拉乱接')
})

test('an XLSX with date cells, a title row above the header, and a second sheet: the first sheet is read', async () => {
  const rows = [
    row({
      整改期限: new Date('2025-07-15T00:00:00Z'),
      发现时间: new Date('2025-06-08T09:00:00Z'),
      所属镇街: '321283123',
    }),
    row({ 整改期限: '2025/7/3', 隐患等级: 'major', 领域: 'fire', 行业: 'small_premises' }),
  ]
  const done = await importOk(
    app,
    await xlsxFile(rows, HEADERS, { titleRow: '泰兴市 2025 年 6 月隐患排查台账' }),
    'ledger.xlsx',
  )
  expect(done).toMatchObject({ rows: 2, applied: 2 })
  expect(await townRow(app, BINJIANG)).toMatchObject({ open: 1 })
  expect((await snapshot(app)).kpis.majorHazardsOpen).toBe(1)

  // The date cell's date is the deadline: overdue only after 15 July ends, region time.
  const open = (await app.inject(`/api/hazards?towns=${BINJIANG}`)).json().hazards
  expect(new Date(open[0].deadline).toISOString()).toBe('2025-07-15T16:00:00.000Z')
  expect(open[0].reportedAt).toBe('2025-06-08T01:00:00.000Z')
})

test('headers as ledgers write them (spaces, required marks, notes in brackets, other names) are matched; unknown columns are reported, not used', async () => {
  const headers = [
    '序号',
    ' 隐患 编号 ',
    '*隐患名称',
    '所属镇（街道）',
    '所属领域',
    '行业类别',
    '隐患级别',
    '整改期限（YYYY-MM-DD）',
    '单位名称',
    '备注',
  ]
  const r = row({
    序号: 1,
    ' 隐患 编号 ': 'ALT-1',
    '*隐患名称': '灭火器过期',
    '所属镇（街道）': '黄桥镇',
    所属领域: '消防安全',
    行业类别: '九小场所',
    隐患级别: '一般',
    '整改期限（YYYY-MM-DD）': '2025-07-01',
    单位名称: '某饭店',
    备注: '请勿导入此列',
  })
  const done = await importOk(app, utf8Csv([r], headers))
  expect(done.applied).toBe(1)
  expect(done.warnings.map((w) => [w.row, w.column])).toEqual([
    [1, '序号'],
    [1, '备注'],
  ])
  expect(done.warnings[0].reason).toMatch(/未识别的列/)
  const [h] = (await app.inject(`/api/hazards?towns=${HUANGQIAO}`)).json().hazards
  expect(h).toMatchObject({
    hazardId: 'ALT-1',
    title: '灭火器过期',
    enterprise: '某饭店',
    industry: 'small_premises',
  })
})
