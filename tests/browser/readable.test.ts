import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  BROWSER_TEST_MS,
  artifact,
  ensureClientBuilt,
  launchChromium,
  wallServer,
  watchErrors,
} from './harness.ts'
import { LAYOUT_CHECK } from './layout-check.ts'
import { CUT_LABELS, MIN_TEXT_PX, RECORD_CHART_TEXT, SMALL_TEXT } from './readable.ts'
import { newId, postEvents } from './seed.ts'
import { region } from '../helpers/app.ts'
import { runSimulation } from '../../server/simulator/run.ts'
import { formatClock } from '../../client/wall/format.ts'
import type { Snapshot } from '../../shared/summary.ts'

// Readable from across the hall (issue 19.5). At 1920×1080 no text on the wall's canvas is under
// 18 px — the charts' included — on the city's page, a town's and /readiness, in Chinese and
// English, full of a simulated month
// and empty; no label is cut; nothing overflows. A 3840×2160 screen shows the same canvas at twice
// the size. And the words a leader reads say what they mean.

let full: Awaited<ReturnType<typeof wallServer>>
/** The town with the most overdue hazards: its page (?town=) has the most to show. */
let busiestTown: string
let empty: Awaited<ReturnType<typeof wallServer>>
let browser: Browser

beforeAll(async () => {
  await ensureClientBuilt()
  full = await wallServer()
  empty = await wallServer()
  // The demo's month: scores, drills, resources, the duty roster and the work lists included.
  const quiet = { info: () => {}, error: () => {} }
  await runSimulation({ url: full.url, seed: 42, backfillDays: 30, live: false, log: quiet })
  busiestTown = ((await (await fetch(`${full.url}/api/snapshot`)).json()) as Snapshot).byTown[0].town
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await full?.close()
  await empty?.close()
})

/** A wall page on a screen of width × height, its chart text recorded, once the feed is live and settled. */
async function open(url: string, width = 1920, height = 1080): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height }, screen: { width, height } })
  const errors = watchErrors(page)
  await page.addInitScript(RECORD_CHART_TEXT)
  await page.goto(url)
  await page.locator('.feed-status[data-status="live"]').waitFor({ timeout: 60_000 })
  await page.locator('[data-panel]').nth(2).waitFor({ timeout: 60_000 })
  // Count-ups settle, charts finish their entry animation, the rotating lists load their pages.
  await page.waitForTimeout(2000)
  return { page, errors }
}

const smallText = (page: Page) => page.evaluate(`(${SMALL_TEXT})(${MIN_TEXT_PX})`) as Promise<string[]>
const cutLabels = (page: Page) => page.evaluate(CUT_LABELS) as Promise<string[]>
const layoutProblems = (page: Page) => page.evaluate(LAYOUT_CHECK) as Promise<string[]>
/** How many texts each chart drew: proof the recorder saw the charts at all. */
const chartTexts = (page: Page) =>
  page.evaluate(() => {
    const counts: Record<string, number> = {}
    for (const key of (window as unknown as { __chartText: Map<string, number> }).__chartText.keys()) {
      const chart = key.split(':')[0]
      counts[chart] = (counts[chart] ?? 0) + 1
    }
    return counts
  })

const withLang = (path: string, lang: string) => `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`

const PAGES = [
  { name: 'main', path: () => '/?rotate=0' },
  { name: 'town', path: () => `/?rotate=0&town=${busiestTown}` },
  { name: 'readiness', path: () => '/readiness' },
]

test(
  'at 1920×1080 no visible text on the canvas is under 18 px, the charts’ included, none is cut and nothing overflows: the city’s page, a town’s, /readiness, in Chinese and English',
  async () => {
    for (const lang of ['zh', 'en']) {
      for (const p of PAGES) {
        const where = `${p.name} ${lang}`
        const { page, errors } = await open(full.url + withLang(p.path(), lang))
        if (p.name !== 'readiness') {
          // The recorder saw every chart's axis, legend and value labels.
          const charts = await chartTexts(page)
          for (const chart of ['trend', 'domain'])
            expect(charts[chart], `${where} ${chart}`).toBeGreaterThan(5)
        }
        expect(await smallText(page), where).toEqual([])
        expect(await cutLabels(page), where).toEqual([])
        expect(await layoutProblems(page), where).toEqual([])
        await page.screenshot({ path: artifact(`readable-${p.name}-1920x1080-${lang}.png`) })
        expect(errors, where).toEqual([])
        await page.close()
      }
    }
  },
  BROWSER_TEST_MS * 2,
)

test(
  'at 3840×2160 the same canvas, twice the size: no text under 18 design px, nothing overflows',
  async () => {
    for (const p of PAGES) {
      const { page, errors } = await open(`${full.url}${p.path()}`, 3840, 2160)
      const canvas = (await page.locator('.wall-canvas').boundingBox())!
      expect(canvas.width).toBeCloseTo(3840, 0)
      expect(await smallText(page), p.name).toEqual([])
      expect(await cutLabels(page), p.name).toEqual([])
      expect(await layoutProblems(page), p.name).toEqual([])
      // The canvas is scaled, not laid out anew: a panel title is 21 design px, 42 on this screen.
      const title = await page.locator('.panel-title').first().boundingBox()
      expect(title!.height).toBeGreaterThan(2 * 21)
      await page.screenshot({ path: artifact(`readable-${p.name}-3840x2160.png`) })
      expect(errors, p.name).toEqual([])
      await page.close()
    }
  },
  BROWSER_TEST_MS,
)

test(
  'an empty wall (a new city, a new year) reads as well: its empty states at 18 px or more, whole',
  async () => {
    for (const lang of ['zh', 'en']) {
      for (const p of PAGES) {
        const where = `${p.name} ${lang}`
        const { page, errors } = await open(empty.url + withLang(p.path(), lang))
        expect(await smallText(page), where).toEqual([])
        expect(await cutLabels(page), where).toEqual([])
        expect(await layoutProblems(page), where).toEqual([])
        expect(errors, where).toEqual([])
        await page.close()
      }
    }
  },
  BROWSER_TEST_MS * 2,
)

test(
  'in a stop/resume season (停工复工) its panel reads as well: 18 px, whole, in Chinese and English',
  async () => {
    // 1 March 2026: the 2026 Spring Festival season runs, its sweep is over; a month of it simulated.
    const start = Date.parse('2026-03-01T10:00:00+08:00')
    const started = Date.now()
    const clock = () => start + (Date.now() - started)
    const season = await wallServer({ clock })
    try {
      const quiet = { info: () => {}, error: () => {} }
      await runSimulation({ url: season.url, seed: 42, backfillDays: 30, live: false, clock, log: quiet })
      for (const lang of ['zh', 'en']) {
        const { page, errors } = await open(`${season.url}/?rotate=0&lang=${lang}`)
        await page.locator('[data-panel="season"]').waitFor()
        expect(await smallText(page), lang).toEqual([])
        expect(await cutLabels(page), lang).toEqual([])
        expect(await layoutProblems(page), lang).toEqual([])
        await page.screenshot({ path: artifact(`readable-season-1920x1080-${lang}.png`) })
        expect(errors, lang).toEqual([])
        await page.close()
      }
    } finally {
      await season.close()
    }
  },
  BROWSER_TEST_MS * 2,
)

test(
  'the words a leader reads: 未销号, what the ranking ranks by, the major hazards’ rate, 整改进展, the funnel’s scale, when the data was updated',
  async () => {
    const { page, errors } = await open(`${full.url}/?rotate=0&lang=zh`)
    expect(await page.locator('[data-kpi="hazardsOpen"] .kpi-label').textContent()).toBe('未销号隐患')
    expect(await page.locator('[data-panel="towns"] .panel-title').textContent()).toBe(
      '镇街排名 · 逾期隐患最多在前',
    )
    expect(await page.locator('[data-kpi="rectificationRateYtd"] .kpi-sub').textContent()).toMatch(
      /^重大隐患整改率 (\d+\.\d%|—)$/,
    )
    // The open stages fill the funnel's bars among themselves; the year's closed total has no bar.
    const widths = await page
      .locator('.stage:not(.stage--closed)')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-width'))))
    expect(Math.max(...widths)).toBe(1)
    expect(await page.locator('.stage--closed .stage-bar').count()).toBe(0)
    expect(await page.locator('.stage--closed .stage-note').textContent()).toBe('本年累计')
    // A hazard reported and its rectification started, just now.
    const hazardId = newId('HZ')
    const before = Date.now()
    await postEvents(full.url, [
      {
        id: newId('hr'),
        type: 'hazard.reported',
        hazardId,
        town: region.towns[0].code,
        domain: 'fire',
        grade: 'general',
        title: '消防通道堵塞',
        deadline: '2099-12-31',
      },
      { id: newId('hs'), type: 'hazard.status', hazardId, status: 'rectifying' },
    ])
    const after = Date.now()
    // A status move is 整改进展 (隐患流转 was jargon); 在改 counted hazards not started as in rectification.
    const move = page.locator('.tick[data-type="hazard.status"]').first()
    await expect
      .poll(() => move.locator('.tick-main').textContent(), { timeout: 10_000 })
      .toBe('消防通道堵塞')
    expect(await move.locator('.tick-type').textContent()).toBe('整改进展')
    const text = (await page.locator('.wall-canvas').textContent()) ?? ''
    for (const old of ['在改', '流转', '序号']) expect(text).not.toContain(old)
    // When the data last changed, in region time; the seq only in the tooltip, for operators.
    const { seq } = (await (await fetch(`${full.url}/api/snapshot`)).json()) as Snapshot
    const pill = page.locator('.feed-detail')
    await expect.poll(async () => Number(await pill.getAttribute('data-seq')), { timeout: 10_000 }).toBe(seq)
    const times = new Set<string>()
    for (let t = before - 1000; t <= after + 1000; t += 500)
      times.add(`更新于 ${formatClock(t, region.timeZone)}`)
    expect([...times]).toContain(await pill.textContent())
    expect(await pill.getAttribute('title')).toBe(`序号 ${seq}`)
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'the offline banner reads from across the hall too',
  async () => {
    const { page, errors } = await open(`${empty.url}/?lang=zh`)
    await empty.stop()
    try {
      await page.locator('.feed-status[data-status="offline"]').waitFor({ timeout: 30_000 })
      await page.locator('.status-banner[role="alert"]').waitFor()
      expect(await smallText(page)).toEqual([])
      expect(await cutLabels(page)).toEqual([])
    } finally {
      await empty.start()
    }
    // A dropped socket is logged by the browser; nothing else.
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load/.test(e))).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)
