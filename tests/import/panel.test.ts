import { readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { artifact, ensureClientBuilt, launchChromium, wallServer, watchErrors } from '../browser/harness.ts'
import { PHONE, kpis } from '../entry/entry-page.ts'
import { row, utf8Csv } from './helpers.ts'

// The Import panel of /entry in real Chromium: the template downloads, a ledger picked with the file
// input uploads with visible progress (the browser's, then the server's), and the report follows.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
const SLOW = 180_000

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openImport(page: Page): Promise<void> {
  await page.goto(`${server.url}/entry`)
  await page.locator('[data-tab="import"]').click()
  await page.locator('[data-form="import"]').waitFor()
}

test(
  'the template downloads from the panel and opens as the ledger template',
  async () => {
    const context = await browser.newContext({ ...PHONE, acceptDownloads: true })
    const page = await context.newPage()
    const errors = watchErrors(page)
    await openImport(page)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action="template"]').click(),
    ])
    expect(download.suggestedFilename()).toBe('隐患台账导入模板.xlsx')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer)
    expect(wb.worksheets[0].getCell('A1').value).toBe('隐患编号')
    expect(errors).toEqual([])
    await context.close()
  },
  SLOW,
)

test(
  'a 5,000-row ledger picked on a phone: upload and server progress show, then the counts; the wall counts every row',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const errors = watchErrors(page)
    await openImport(page)
    const total = 5000
    const file = utf8Csv(
      Array.from({ length: total }, (_, i) =>
        row({ 隐患编号: `WEB-${i}`, 所属镇街: i % 2 ? '黄桥镇' : '滨江镇', 发现时间: null }),
      ),
    )
    await page
      .locator('[data-field="file"]')
      .setInputFiles({ name: '六月台账.csv', mimeType: 'text/csv', buffer: file })
    await expect(page.locator('[data-chosen]').innerText()).resolves.toContain('六月台账.csv')
    await page.locator('[data-action="import"]').click()

    // What the user sees while it runs: the stage and its words, until the result replaces them.
    const seen: { stage: string; text: string }[] = []
    const result = page.locator('.import-result')
    while (!(await result.isVisible())) {
      const progress = page.locator('.import-progress')
      const stage = await progress.getAttribute('data-stage', { timeout: 1000 }).catch(() => null)
      const text = await progress.innerText({ timeout: 1000 }).catch(() => '')
      if (stage) seen.push({ stage, text })
      await page.waitForTimeout(50)
    }
    const serverSide = seen.filter((s) => s.stage === 'checking' || s.stage === 'applying')
    expect(serverSide.length, JSON.stringify(seen.slice(-5))).toBeGreaterThan(0)
    expect(
      serverSide.some((s) => /正在(检查|导入) \d+ \/ 5000 行/.test(s.text)),
      JSON.stringify(serverSide),
    ).toBe(true)

    await expect(result.getAttribute('data-outcome')).resolves.toBe('done')
    await expect(result.innerText()).resolves.toContain(
      `共 ${total} 行：新增 ${total} 行，更新状态 0 行，未变 0 行`,
    )
    await page.screenshot({ path: artifact('import-done.png'), fullPage: true })
    expect((await kpis(server.url)).hazardsFoundToday).toBe(total)

    // The same file again: nothing new, and the page says so.
    await page.locator('[data-action="import"]').click()
    await page.locator('.import-result').waitFor()
    await expect(page.locator('.import-result').innerText()).resolves.toContain('该文件此前已导入')
    expect((await kpis(server.url)).hazardsFoundToday).toBe(total)
    expect(errors).toEqual([])
    await context.close()
  },
  SLOW,
)

test(
  'a ledger with a bad row: nothing imported, and the table names the row, the column and the reason (in English too)',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const errors = watchErrors(page)
    await openImport(page)
    const before = (await kpis(server.url)).hazardsFoundToday
    const now = { 发现时间: null }
    const file = utf8Csv([
      row(now),
      row(now),
      row({ ...now, 所属镇街: '南京市' }),
      row({ ...now, 隐患描述: null }),
    ])
    await page
      .locator('[data-field="file"]')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: file })
    await page.locator('[data-action="import"]').click()
    const result = page.locator('.import-result[data-outcome="refused"]')
    await result.waitFor()
    await expect(result.innerText()).resolves.toContain('共 2 处错误')
    const rows = await page
      .locator('[data-table="issues"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())),
      )
    expect(rows).toEqual([
      ['4', '所属镇街', '南京市', '不是本市的镇街：「南京市」'],
      ['5', '隐患描述', '', '必填，不能为空'],
    ])
    await page.screenshot({ path: artifact('import-refused.png'), fullPage: true })
    // No sideways scrolling of the page on a 360 px phone: the table scrolls inside its box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    await page.locator('[data-action="lang"]').click()
    await expect(page.locator('[data-table="issues"] tbody tr').first().innerText()).resolves.toContain(
      'not a town of this region',
    )
    await expect(page.locator('[data-tab="import"]').innerText()).resolves.toBe('Bulk import')
    expect((await kpis(server.url)).hazardsFoundToday).toBe(before)
    // Chromium logs every 4xx answer; the refusal's 400 is the one expected, nothing else.
    expect(errors).toEqual([expect.stringContaining('the server responded with a status of 400')])
    await context.close()
  },
  SLOW,
)

test(
  'the report at 1280 px: a long value wraps in its own column; the headers, row numbers and column names stay on one line each',
  async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await openImport(page)
    const now = { 发现时间: null }
    const long = '消防通道被杂物堵塞，'.repeat(60)
    const file = utf8Csv([row({ ...now, 隐患描述: long }), row({ ...now, 所属镇街: '南京市玄武区' })])
    await page
      .locator('[data-field="file"]')
      .setInputFiles({ name: 'long.csv', mimeType: 'text/csv', buffer: file })
    await page.locator('[data-action="import"]').click()
    await page.locator('.import-result[data-outcome="refused"]').waitFor()
    await page.screenshot({ path: artifact('import-refused-1280.png'), fullPage: true })
    const lines = await page.locator('[data-table="issues"]').evaluate((table) => {
      const linesOf = (el: Element) => {
        const style = getComputedStyle(el)
        const range = document.createRange()
        range.selectNodeContents(el)
        const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4
        return Math.round(range.getBoundingClientRect().height / lineHeight)
      }
      return {
        headers: [...table.querySelectorAll('th')].map(linesOf),
        columns: [...table.querySelectorAll('tbody tr')].map((tr) => linesOf(tr.children[1])),
        rows: [...table.querySelectorAll('tbody tr')].map((tr) => linesOf(tr.children[0])),
      }
    })
    expect(lines.headers).toEqual([1, 1, 1, 1])
    expect(lines.columns).toEqual([1, 1])
    expect(lines.rows).toEqual([1, 1])
    await context.close()
  },
  SLOW,
)
