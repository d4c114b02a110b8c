import ExcelJS from 'exceljs'
import { HazardGrade, HazardSource, HazardStatus } from '../../shared/enums.ts'
import type { RegionIndex } from '../../shared/region.ts'
import { addDays } from '../../shared/time.ts'
import { COLUMNS, EXAMPLE_HAZARD_ID, IMPORT_LIMITS, type ColumnKey } from './columns.ts'

// The ledger template (GET /api/import/template.xlsx): the columns the import reads, a filled example
// row, dropdowns built from the region's configuration, and a sheet explaining every column.

export const TEMPLATE_FILENAME = '隐患台账导入模板.xlsx'
export const LEDGER_SHEET = '隐患台账'
export const HELP_SHEET = '填写说明'
export const OPTIONS_SHEET = '选项'

/** Rows of the ledger sheet that get the dropdowns. */
const VALIDATED_ROWS = 2000

/** A spreadsheet date for a region calendar day (exceljs writes a Date's UTC wall time). */
const dateCell = (day: string) => new Date(`${day}T00:00:00Z`)

function exampleRow(region: RegionIndex, today: string): Record<ColumnKey, ExcelJS.CellValue> {
  const domain = region.domains.find((d) => d.industries.length) ?? region.domains[0]
  return {
    hazardId: EXAMPLE_HAZARD_ID,
    title: '（示例）储罐区可燃气体报警器未定期检验',
    town: region.towns[0].name,
    domain: domain.name,
    industry: domain.industries[0]?.name ?? null,
    grade: '一般',
    deadline: dateCell(addDays(today, 15)),
    enterprise: '泰兴市某化工有限公司',
    source: HazardSource.entries[0].zh,
    at: dateCell(today),
    status: HazardStatus.entries[0].zh,
    closedAt: null,
  }
}

/** Writes a titled list into a column of the options sheet; returns its absolute range for a dropdown. */
function optionList(sheet: ExcelJS.Worksheet, column: number, title: string, values: string[]): string {
  sheet.getCell(1, column).value = title
  sheet.getCell(1, column).font = { bold: true }
  values.forEach((v, i) => (sheet.getCell(i + 2, column).value = v))
  const letter = sheet.getColumn(column).letter
  return `'${OPTIONS_SHEET}'!$${letter}$2:$${letter}$${values.length + 1}`
}

export async function buildTemplate(region: RegionIndex, today: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Lookout'
  const ledger = workbook.addWorksheet(LEDGER_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] })
  const help = workbook.addWorksheet(HELP_SHEET)
  const options = workbook.addWorksheet(OPTIONS_SHEET)

  const r = region
  const industries = [...new Set(r.domains.flatMap((d) => d.industries.map((i) => i.name)))]
  const lists: Partial<Record<ColumnKey, string>> = {
    town: optionList(
      options,
      1,
      '镇街',
      r.towns.map((t) => t.name),
    ),
    domain: optionList(
      options,
      2,
      '领域',
      r.domains.map((d) => d.name),
    ),
    industry: optionList(options, 3, '行业', industries),
    grade: optionList(
      options,
      4,
      '隐患等级',
      HazardGrade.entries.map((g) => g.zh.replace(/隐患$/, '')),
    ),
    status: optionList(
      options,
      5,
      '整改状态',
      HazardStatus.entries.map((s) => s.zh),
    ),
    source: optionList(
      options,
      6,
      '隐患来源',
      HazardSource.entries.map((s) => s.zh),
    ),
  }
  // Which industry belongs to which domain, for the reader (the dropdown lists them all).
  options.getCell(1, 8).value = '领域'
  options.getCell(1, 9).value = '行业'
  options.getCell(1, 10).value = '镇街区划代码'
  options.getCell(1, 11).value = '镇街'
  for (const c of [8, 9, 10, 11]) options.getCell(1, c).font = { bold: true }
  let row = 2
  for (const d of r.domains) {
    for (const i of d.industries.length ? d.industries : [{ name: '（不分行业）' }]) {
      options.getCell(row, 8).value = d.name
      options.getCell(row, 9).value = i.name
      row++
    }
  }
  r.towns.forEach((t, i) => {
    options.getCell(i + 2, 10).value = t.code
    options.getCell(i + 2, 11).value = t.name
  })
  options.columns.forEach((c) => (c.width = 18))

  ledger.columns = COLUMNS.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.key === 'title' ? 40 : c.key === 'enterprise' ? 28 : 16,
    style:
      c.key === 'deadline'
        ? { numFmt: 'yyyy-mm-dd' }
        : c.key === 'at' || c.key === 'closedAt'
          ? { numFmt: 'yyyy-mm-dd hh:mm' }
          : {},
  }))
  const headerRow = ledger.getRow(1)
  COLUMNS.forEach((c, i) => {
    const cell = headerRow.getCell(i + 1)
    cell.font = { bold: true, color: { argb: c.required ? 'FFC00000' : 'FF000000' } }
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: c.required ? 'FFFCE4D6' : 'FFEDEDED' } }
  })
  ledger.addRow(exampleRow(region, today)).font = { italic: true, color: { argb: 'FF7F7F7F' } }

  // One validation per column range. (exceljs's per-cell dataValidation would be merged into
  // overlapping ranges — C10:C2001 and C2:C2001 — which Excel reports as a damaged file.)
  const validations = (
    ledger as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }
  ).dataValidations
  COLUMNS.forEach((c, i) => {
    const letter = ledger.getColumn(i + 1).letter
    const range = `${letter}2:${letter}${VALIDATED_ROWS + 1}`
    const list = lists[c.key]
    if (list) {
      validations.add(range, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [list],
        showErrorMessage: true,
        errorTitle: c.header,
        error: `请从下拉列表中选择${c.header}`,
      })
    } else if (c.key === 'deadline') {
      validations.add(range, {
        type: 'date',
        operator: 'greaterThan',
        allowBlank: false,
        formulae: [new Date('2000-01-01T00:00:00Z')],
        showErrorMessage: true,
        errorTitle: c.header,
        error: '请填写日期，如 2025-03-31',
      })
    }
  })

  help.columns = [
    { header: '列名', key: 'header', width: 14 },
    { header: '是否必填', key: 'required', width: 10 },
    { header: '说明', key: 'help', width: 90 },
    { header: '也可写作', key: 'aliases', width: 40 },
  ]
  help.getRow(1).font = { bold: true }
  for (const c of COLUMNS) {
    help.addRow({
      header: c.header,
      required: c.required ? '必填' : '选填',
      help: c.help,
      aliases: c.aliases.join('、'),
    })
  }
  help.addRow({})
  const notes = [
    `第 2 行是示例（隐患编号 ${EXAMPLE_HAZARD_ID}），导入时会跳过；请在其下方逐行填写，或改写该行（须同时改掉隐患编号）。`,
    '表头须保留在一行中（可在其上方加标题行）；不认识的列会在导入结果中列出，不会被使用。',
    `支持 .xlsx（只读第一个工作表）和 CSV（UTF-8 或 GBK/GB18030 编码）；一次最多 ${IMPORT_LIMITS.maxRows} 行。`,
    '导入前先检查全部行：只要有一行有误，整个文件都不导入，并列出每一处错误（行号、列名、原因）。',
    '同一文件重复导入只计一次。整改状态为已销号的隐患同时计入“发现”和“整改（销号）”。',
  ]
  for (const n of notes) help.addRow({ header: '注意', help: n })
  help.getColumn(3).alignment = { wrapText: true, vertical: 'top' }

  return Buffer.from(await workbook.xlsx.writeBuffer())
}
