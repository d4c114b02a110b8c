import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { importOk, importRefused, snapshot, townRow } from './helpers.ts'

// Ledgers as a town clerk keeps them (tests/fixtures/make-ledgers.ts made them): a cover sheet in
// front, merged title rows, a 合计 row and a signature footer, GB18030 CSV, everyday and full-width
// spellings, and the same ledger re-sent a week later with its statuses moved on.

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url))
const HUANGQIAO = '321283100'
const EDZ = '321283EDZ'
/** Monday 7 December 2026, mid-morning in Taixing: the fixtures' week. */
const NOW = '2026-12-07T02:00:00Z'

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

test('a cover sheet and a blank sheet in front: the ledger sheet is found, and named in the answer', async () => {
  const done = await importOk(app, fixture('ledger-cover-sheet.xlsx'), '台账.xlsx')
  expect(done).toMatchObject({ sheet: '隐患台账', rows: 3, new: 3 })
})

test('a 合计 row and a signature footer merged across the row are skipped with one warning each', async () => {
  const done = await importOk(app, fixture('ledger-footer.xlsx'), '台账.xlsx')
  expect(done).toMatchObject({ rows: 3, new: 3 })
  const footers = done.warnings.filter((w) => w.code === 'row.footer')
  expect(footers.map((w) => [w.row, w.reason])).toEqual([
    [7, '合计行，未导入'],
    [8, '签名或落款行，未导入'],
  ])
  // A merged cell's text is read once, not once per column it covers.
  expect(done.warnings.filter((w) => w.code === 'header.data_without_header')).toEqual([])
})

test('a GB18030 CSV with rare characters: read right', async () => {
  const done = await importOk(app, fixture('ledger-gb18030.csv'), '台账.csv')
  expect(done).toMatchObject({ rows: 1, new: 1 })
  const { hazards } = (await app.inject('/api/hazards?limit=10').then((r) => r.json())) as {
    hazards: { title: string }[]
  }
  expect(hazards.map((h) => h.title)).toEqual(['𬌗𠮷䶮 字库外用字的店招松动'])
})

test('full-width brackets and spaces, everyday spellings, 20261220 and 年月日时分 dates, the county prefix: all understood', async () => {
  const done = await importOk(app, fixture('ledger-spellings.csv'), '台账.csv')
  expect(done).toMatchObject({ rows: 4, new: 4, refused: 0 })
  expect(await townRow(app, HUANGQIAO)).toMatchObject({ foundYtd: 2 })
  expect(await townRow(app, EDZ)).toMatchObject({ foundYtd: 2 })
  const s = await snapshot(app)
  // 整改完成 / 已闭环 / 已整改 close; 未整改 stays open.
  expect(s.kpis).toMatchObject({ hazardsFoundYtd: 4, hazardsClosedYtd: 3, hazardsOpen: 1 })
})

test('what is still not understood keeps its message with the allowed values', async () => {
  const text = readFileSync(new URL('../fixtures/ledger-spellings.csv', import.meta.url), 'utf8').replace(
    '未整改',
    '搁置',
  )
  const report = await importRefused(app, Buffer.from(text), 400, '台账.csv')
  expect(report.issues).toEqual([
    expect.objectContaining({ row: 2, column: '整改状态', code: 'cell.unknown_value', value: '搁置' }),
  ])
  expect(report.issues[0].reason).toMatch(/待整改、整改中、待验收、已销号/)
})

test('the ledger sent again a week later is a sync: new, updated and unchanged rows counted, statuses moved, nothing counted twice', async () => {
  const first = await importOk(app, fixture('ledger-week1.xlsx'), '台账.xlsx')
  expect(first).toMatchObject({ rows: 3, new: 3, updated: 0, unchanged: 0, refused: 0 })
  expect((await snapshot(app)).kpis).toMatchObject({
    hazardsFoundYtd: 3,
    hazardsOpen: 3,
    hazardsClosedYtd: 0,
  })

  const second = await importOk(app, fixture('ledger-week2.xlsx'), '台账.xlsx')
  expect(second).toMatchObject({ rows: 4, new: 1, updated: 2, unchanged: 1, refused: 0 })
  const s = await snapshot(app)
  expect(s.kpis).toMatchObject({ hazardsFoundYtd: 4, hazardsOpen: 3, hazardsClosedYtd: 1 })

  // The same file again: all unchanged, nothing applied.
  const third = await importOk(app, fixture('ledger-week2.xlsx'), '台账 (1).xlsx')
  expect(third).toMatchObject({ rows: 4, new: 0, updated: 0, unchanged: 4, applied: 0, seq: second.seq })

  // Reopening a closed hazard is no legal move: refused with the reason, nothing of the file applied.
  const report = await importRefused(app, fixture('ledger-week1.xlsx'), 409, '台账-旧.xlsx')
  expect(report.counts).toMatchObject({ refused: 1, updated: 1, unchanged: 1 })
  expect(report.issues).toEqual([
    expect.objectContaining({ row: 4, column: '整改状态', code: 'hazard.illegal_move' }),
  ])
  expect(report.issues[0].reason).toBe('该隐患现为「已销号」，不能改为「待整改」')
  expect((await snapshot(app)).seq).toBe(second.seq)
})

test('an .ods file is answered as OpenDocument, with what to do', async () => {
  const report = await importRefused(app, fixture('ledger.ods'), 415, '台账.ods')
  expect(report.issues[0]).toMatchObject({ code: 'file.opendocument' })
  expect(report.issues[0].reason).toMatch(/OpenDocument.*\.xlsx/)
})

test('a description as long as ledgers write it (500 characters) imports; 501 is refused with the limit', async () => {
  const text = readFileSync(new URL('../fixtures/ledger-spellings.csv', import.meta.url), 'utf8')
  const long = '液氨储罐区喷淋装置失效，'.repeat(42).slice(0, 500)
  const done = await importOk(app, Buffer.from(text.replace('两客一危车辆动态监控缺失', long)), '台账.csv')
  expect(done.new).toBe(4)
  const { hazards } = (await app.inject('/api/hazards?limit=10').then((r) => r.json())) as {
    hazards: { title: string }[]
  }
  expect(hazards.map((h) => h.title)).toContain(long)

  const report = await importRefused(
    app,
    Buffer.from(text.replace('值班记录缺失', `${long}。`)),
    400,
    '台账-2.csv',
  )
  expect(report.issues).toEqual([
    expect.objectContaining({ row: 5, column: '隐患描述', code: 'cell.too_long' }),
  ])
  expect(report.issues[0].reason).toBe('超过 500 字（现有 501 字）')
})

test('隐患编号 as clerks write them (黄桥2026-001, HQ/2026/001, 〔2026〕12号): imported under a made id, the number kept, shown and searchable, and a re-sent ledger syncs', async () => {
  const numbers = ['黄桥2026-001', 'HQ/2026/001', '〔2026〕12号']
  const text = readFileSync(new URL('../fixtures/ledger-clerk-ids.csv', import.meta.url), 'utf8')
  const done = await importOk(app, Buffer.from(text), '台账.csv')
  expect(done).toMatchObject({ rows: 3, new: 3 })
  const list = async (q = '') =>
    (
      (await app
        .inject(`/api/hazards?limit=10${q ? `&q=${encodeURIComponent(q)}` : ''}`)
        .then((r) => r.json())) as {
        hazards: { hazardId: string; number?: string }[]
      }
    ).hazards
  const hazards = await list()
  expect(hazards.map((h) => h.number).sort()).toEqual([...numbers].sort())
  for (const h of hazards) expect(h.hazardId).toMatch(/^LG-[0-9a-f]{20}$/)
  expect((await list('〔2026〕12')).map((h) => h.number)).toEqual(['〔2026〕12号'])
  // The same numbers map to the same ids: the ledger sent again with a status moved syncs.
  const again = await importOk(app, Buffer.from(text.replace(/待整改,\r\n$/, '整改中,\r\n')), '台账-2.csv')
  expect(again).toMatchObject({ new: 0, updated: 1, unchanged: 2 })
})
