import ExcelJS from 'exceljs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { privateRedis } from '../helpers/redis.ts'
import { fakeClock, freshSpace, region, testApp } from '../helpers/app.ts'
import type { App } from '../../server/app.ts'
import { COLUMNS } from '../../server/import/columns.ts'
import { NOW, importOk, snapshot, townRow } from './helpers.ts'

// The template a ledger keeper downloads: the columns the import reads, an example row, dropdowns
// from the region's configuration, an explanation of each column; filled in, it imports.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
beforeAll(async () => {
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, keyVariant: freshSpace(), clock: fakeClock(NOW) })
})
afterAll(async () => {
  await app.close()
  await redis.cleanup()
})

async function downloadTemplate(): Promise<ExcelJS.Workbook> {
  const res = await app.inject('/api/import/template.xlsx')
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  )
  expect(res.headers['content-disposition']).toContain(
    `filename*=UTF-8''${encodeURIComponent('隐患台账导入模板.xlsx')}`,
  )
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  return wb
}

/** The list a dropdown offers: its formula names a range of the options sheet. */
function dropdownValues(wb: ExcelJS.Workbook, cell: ExcelJS.Cell): string[] {
  const validation = cell.dataValidation
  expect(validation?.type, `dropdown at ${cell.address}`).toBe('list')
  const m = /^'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(String(validation.formulae[0]))
  expect(m, String(validation.formulae[0])).not.toBeNull()
  const sheet = wb.getWorksheet(m![1])!
  const values: string[] = []
  for (let r = Number(m![3]); r <= Number(m![5]); r++)
    values.push(String(sheet.getCell(`${m![2]}${r}`).value))
  return values
}

test('the template opens with the ledger columns, an example row, dropdowns from the region and a sheet explaining each column', async () => {
  const wb = await downloadTemplate()
  expect(wb.worksheets.map((s) => s.name)).toEqual(['隐患台账', '填写说明', '选项'])
  const ledger = wb.worksheets[0]
  const headers = (ledger.getRow(1).values as unknown[]).slice(1)
  expect(headers).toEqual(COLUMNS.map((c) => c.header))
  const col = (header: string) => headers.indexOf(header) + 1

  const example = ledger.getRow(2)
  expect(example.getCell(col('隐患编号')).value).toBe('EXAMPLE-0001')
  expect(example.getCell(col('所属镇街')).value).toBe(region.towns[0].name)
  expect(example.getCell(col('整改期限')).value).toBeInstanceOf(Date)

  // Dropdowns on the rows to fill (row 50 as well as the example's row), built from the region file.
  for (const r of [2, 50]) {
    expect(dropdownValues(wb, ledger.getCell(r, col('所属镇街')))).toEqual(region.towns.map((t) => t.name))
    expect(dropdownValues(wb, ledger.getCell(r, col('领域')))).toEqual(region.domains.map((d) => d.name))
    expect(dropdownValues(wb, ledger.getCell(r, col('隐患等级')))).toEqual(['重大', '一般'])
    expect(dropdownValues(wb, ledger.getCell(r, col('整改状态')))).toEqual([
      '待整改',
      '整改中',
      '待验收',
      '已销号',
    ])
  }
  expect(ledger.getCell(50, col('整改期限')).dataValidation?.type).toBe('date')

  const help = wb.getWorksheet('填写说明')!
  for (const c of COLUMNS) {
    const line = help.getColumn(1).values.indexOf(c.header)
    expect(line, c.header).toBeGreaterThan(1)
    expect(help.getCell(line, 2).value).toBe(c.required ? '必填' : '选填')
    expect(String(help.getCell(line, 3).value)).toMatch(/[\u4e00-\u9fff]/)
  }
})

test('a template filled in (below the example row) imports; the example row is skipped', async () => {
  const wb = await downloadTemplate()
  const ledger = wb.worksheets[0]
  const headers = (ledger.getRow(1).values as unknown[]).slice(1) as string[]
  const fill = (r: number, cells: Record<string, ExcelJS.CellValue>) => {
    for (const [header, value] of Object.entries(cells))
      ledger.getCell(r, headers.indexOf(header) + 1).value = value
  }
  fill(3, {
    隐患编号: 'TPL-1',
    隐患描述: '塔吊限位装置失效',
    所属镇街: '黄桥镇',
    领域: '生产安全',
    行业: '建筑施工',
    隐患等级: '重大',
    整改期限: new Date('2025-06-30T00:00:00Z'),
  })
  fill(4, {
    隐患编号: 'TPL-2',
    隐患描述: '疏散指示标志损坏',
    所属镇街: '黄桥镇',
    领域: '消防安全',
    隐患等级: '一般',
    整改期限: new Date('2025-06-20T00:00:00Z'),
    整改状态: '已销号',
    发现时间: new Date('2025-06-01T08:00:00Z'),
  })
  const filled = Buffer.from(await wb.xlsx.writeBuffer())

  const done = await importOk(app, filled, '隐患台账.xlsx')
  expect(done).toMatchObject({ rows: 2, events: 3, applied: 3 })
  expect(done.warnings).toEqual([expect.objectContaining({ row: 2, reason: '模板示例行，未导入' })])
  expect(await townRow(app, '321283100')).toMatchObject({ open: 1, majorOpen: 1, foundYtd: 2, closedYtd: 1 })
  expect((await snapshot(app)).kpis.hazardsFoundYtd).toBe(2)
})
