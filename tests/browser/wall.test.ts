import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  BROWSER_TEST_MS,
  artifact,
  counter,
  ensureClientBuilt,
  launchChromium,
  openWall,
  wallServer,
  watchErrors,
} from './harness.ts'
import { LAYOUT_CHECK } from './layout-check.ts'
import { expectCampaignSlot } from './page-figures.ts'
import { newId, postEvents, seedMonth } from './seed.ts'
import { region } from '../helpers/app.ts'
import { formatClock, formatInt, formatPercent } from '../../client/wall/format.ts'
import type { Snapshot } from '../../shared/summary.ts'

// The wall in real Chromium against a real server with a month of data: what a leader sees.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  await seedMonth(server.url, region)
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function snapshot(): Promise<Snapshot> {
  return (await (await fetch(`${server.url}/api/snapshot`)).json()) as Snapshot
}

/** The wall in a window of width × height; on a screen of that size unless `screen` says otherwise. */
async function newPage(
  width = 1920,
  height = 1080,
  url = server.url,
  screen = { width, height },
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height }, screen })
  const errors = watchErrors(page)
  await openWall(page, url)
  // Let count-ups settle and charts finish their entry animation.
  await page.waitForTimeout(1500)
  return { page, errors }
}

/** The seq the wall holds (the feed pill's data-seq), once it equals the server's (the overdue tick may move it meanwhile). */
async function inStep(page: Page): Promise<Snapshot> {
  for (let i = 0; i < 50; i++) {
    const snap = await snapshot()
    const shown = await page.locator('.feed-detail').getAttribute('data-seq')
    if (shown === String(snap.seq)) return snap
    await page.waitForTimeout(100)
  }
  throw new Error('the wall never caught up with the server')
}

const PANELS = [
  'header',
  'headline',
  'trend',
  'domain',
  'funnel',
  'towns',
  'risk',
  'accidents',
  'overdue',
  'ticker',
]

/**
 * The campaign slot's panel on the server's day (the region's campaigns, real clock): the sweep if
 * one shows (it shows first when a season runs beside it), else the season, else the all-time
 * stop/resume gauges. tests/browser/campaigns.test.ts pins each case with its own clock.
 */
const slotPanel = (snap: Snapshot) =>
  snap.campaigns.sweep ? 'sweep' : snap.campaigns.season ? 'season' : 'resumption'

test(
  'every panel renders with data and no console error, and every headline number is the server’s to the digit',
  async () => {
    const { page, errors } = await newPage()
    const snap = await inStep(page)
    await page.waitForTimeout(1000) // count-ups of any last change settle

    for (const id of [...PANELS, slotPanel(snap)])
      await expect(page.locator(`[data-panel="${id}"]`).isVisible()).resolves.toBe(true)
    expect(await page.locator('.feed-status').getAttribute('data-status')).toBe('live')

    // Headline counters: the true value in data-value, and the settled text showing exactly it.
    const headline = {
      hazardsFoundToday: snap.kpis.hazardsFoundToday,
      hazardsClosedToday: snap.kpis.hazardsClosedToday,
      hazardsOpen: snap.kpis.hazardsOpen,
      hazardsOverdue: snap.kpis.hazardsOverdue,
      majorHazardsOpen: snap.kpis.majorHazardsOpen,
      inspectionsToday: snap.kpis.inspectionsToday,
      significantAccidentsYtd: snap.kpis.significantAccidentsYtd,
    }
    for (const [id, want] of Object.entries(headline)) {
      const c = await counter(page, id)
      expect(c.value, id).toBe(want)
      expect(c.text, id).toBe(formatInt(want))
    }
    const rate = await counter(page, 'rectificationRateYtd')
    expect(rate.value).toBe(snap.kpis.rectificationRateYtd)
    expect(rate.text).toBe(formatPercent(snap.kpis.rectificationRateYtd ?? 0))
    expect(snap.kpis.hazardsOpen).toBeGreaterThan(0)
    expect(await page.locator('[data-kpi="hazardsOverdue"]').getAttribute('data-alarm')).toBe(
      snap.kpis.hazardsOverdue > 0 ? 'true' : 'false',
    )
    // Due soon (临期): the open hazards that turn overdue next, under the open count.
    expect(snap.kpis.hazardsDueSoon).toBeGreaterThan(0)
    expect(await page.locator('[data-kpi="hazardsOpen"] .kpi-sub').textContent()).toBe(
      `其中临期 ${formatInt(snap.kpis.hazardsDueSoon)}`,
    )

    // Charts drew.
    for (const chart of ['trend', 'domain', 'risk']) {
      await expect(page.locator(`[data-chart="${chart}"] canvas`).count()).resolves.toBeGreaterThan(0)
    }
    // Towns: a tile and a ranking row for each, in the server's order.
    expect(await page.locator('[data-panel="towns"] .tile').count()).toBe(region.towns.length)
    const rankedTowns = await page
      .locator('[data-panel="towns"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-town')))
    expect(rankedTowns).toEqual(snap.byTown.map((t) => t.town))
    const firstTownOpen = await page
      .locator(`[data-panel="towns"] tbody tr >> nth=0 >> [data-field="open"]`)
      .getAttribute('data-value')
    expect(Number(firstTownOpen)).toBe(snap.byTown[0].open)
    // Each town's tile carries its four-colour risk mix.
    for (const row of snap.risk.byTown) {
      for (const level of ['major', 'significant', 'general', 'low'] as const) {
        const seg = page.locator(`.tile[data-town="${row.town}"] .tile-risk-seg[data-risk="${level}"]`)
        const shown = (await seg.count()) ? Number(await seg.getAttribute('data-value')) : 0
        expect(shown, `${row.town} ${level}`).toBe(row[level])
      }
    }
    // Risk: the four levels and their counts.
    for (const [level, count] of Object.entries(snap.risk.total)) {
      expect(
        Number(await page.locator(`[data-risk="${level}"] .count-up`).getAttribute('data-value')),
        level,
      ).toBe(count)
    }
    // Funnel stages.
    for (const stage of snap.funnel) {
      expect(
        Number(
          await page.locator(`.stage[data-status="${stage.status}"] .count-up`).getAttribute('data-value'),
        ),
      ).toBe(stage.count)
    }
    // Overdue list, oldest first, and the ticker, newest first.
    expect(await page.locator('.overdue-row').first().getAttribute('data-hazard')).toBe(
      snap.overdue[0].hazardId,
    )
    expect(Number(await page.locator('.tick').first().getAttribute('data-seq'))).toBe(snap.ticker[0].seq)
    // Accidents.
    expect(Number(await page.locator('[data-field="accidents"] .count-up').getAttribute('data-value'))).toBe(
      snap.kpis.accidentsYtd,
    )
    expect(Number(await page.locator('[data-field="deaths"] .count-up').getAttribute('data-value'))).toBe(
      snap.kpis.accidentDeathsYtd,
    )
    // Year on year: last year's same period holds records, so the comparison is shown.
    expect(snap.kpis.accidentsLastYearToDate).toBeGreaterThan(0)
    expect(await page.locator('[data-field="yoy"]').textContent()).toContain(
      `上年同期 ${snap.kpis.accidentsLastYearToDate} 起`,
    )
    expect(await page.locator('[data-kpi="significantAccidentsYtd"]').getAttribute('data-alarm')).toBe(
      'false',
    )
    // The campaign slot: the city's figures of what it shows.
    await expectCampaignSlot(page, snap)

    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

/**
 * Panel titles, legends, figure labels and town names shown cut: an ellipsis there leaves a number
 * nobody can name (the resumption panel's "未…" 8).
 */
function cutLabels(page: Page): Promise<string[]> {
  return page
    .locator(
      '.panel-title, .panel-extra, .number-label, .tile-name, [data-panel] th, .donut-label, .stage-name, .kpi-label',
    )
    .evaluateAll((els) =>
      els
        .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
        .map((e) => `${e.className}: ${e.textContent}`),
    )
}

/** The smallest text in any panel, in screen px (a scaled canvas shrinks it). */
function smallestTextPx(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLElement>('.wall-canvas')!
    const scale = canvas.getBoundingClientRect().width / canvas.offsetWidth
    let smallest = Infinity
    for (const panel of document.querySelectorAll('[data-panel]')) {
      const walker = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue
        const size = parseFloat(getComputedStyle(node.parentElement!).fontSize) * scale
        smallest = Math.min(smallest, size)
      }
    }
    return smallest
  })
}

describe('layout', () => {
  const screens = [
    { width: 1920, height: 1080, lang: 'zh' },
    { width: 3840, height: 2160, lang: 'zh' },
    { width: 1920, height: 1080, lang: 'en' },
    { width: 1366, height: 768, lang: 'zh' },
  ]
  for (const s of screens) {
    test(
      `at ${s.width}x${s.height} (${s.lang}) nothing overflows or overlaps, and charts are drawn at the screen's pixel density`,
      async () => {
        const { page, errors } = await newPage(s.width, s.height, `${server.url}/?lang=${s.lang}`)
        const problems = (await page.evaluate(LAYOUT_CHECK)) as string[]
        await page.screenshot({ path: artifact(`wall-${s.width}x${s.height}-${s.lang}.png`) })
        expect(problems).toEqual([])

        // Letterboxed, not stretched: the canvas keeps 16:9 and is centred.
        const canvas = await page.locator('.wall-canvas').boundingBox()
        expect(canvas!.width / canvas!.height).toBeCloseTo(16 / 9, 2)
        expect(canvas!.x * 2 + canvas!.width).toBeCloseTo(s.width, 0)
        // One canvas pixel per screen pixel: a chart at 4K is drawn at twice the design resolution, not upscaled.
        const density = await page
          .locator('[data-chart] canvas')
          .evaluateAll((list) =>
            list.map((c) => (c as HTMLCanvasElement).width / c.getBoundingClientRect().width),
          )
        expect(density.length).toBeGreaterThanOrEqual(3)
        for (const d of density) expect(d).toBeCloseTo(1, 1)
        expect(errors).toEqual([])
        await page.close()
      },
      BROWSER_TEST_MS,
    )
  }

  test(
    'when the window grows from 1920x1080 to 3840x2160, the canvas rescales and charts are redrawn at the new density',
    async () => {
      const { page, errors } = await newPage(1920, 1080)
      await page.setViewportSize({ width: 3840, height: 2160 })
      const density = () =>
        page
          .locator('[data-chart] canvas')
          .evaluateAll((list) =>
            list.map((c) => (c as HTMLCanvasElement).width / c.getBoundingClientRect().width),
          )
      await expect.poll(async () => Math.min(...(await density())), { timeout: 10_000 }).toBeGreaterThan(0.98)
      expect(Math.max(...(await density()))).toBeLessThan(1.02)
      expect((await page.locator('.wall-canvas').boundingBox())!.width).toBeCloseTo(3840, 0)
      expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
      expect(errors).toEqual([])
      await page.close()
    },
    BROWSER_TEST_MS,
  )

  // A laptop's browser window is shorter than its screen: the canvas would shrink its smallest text
  // to ~7 px there. A tablet is narrower still.
  const windows = [
    { width: 1366, height: 650, screen: { width: 1366, height: 768 }, lang: 'zh' },
    { width: 1366, height: 650, screen: { width: 1366, height: 768 }, lang: 'en' },
    { width: 1024, height: 700, screen: { width: 1024, height: 768 }, lang: 'en' },
    { width: 900, height: 700, screen: { width: 1280, height: 800 }, lang: 'en' },
    { width: 1536, height: 740, screen: { width: 1536, height: 864 }, lang: 'en' },
    { width: 1920, height: 580, screen: { width: 1920, height: 1080 }, lang: 'zh' },
  ]
  for (const w of windows) {
    test(
      `in a ${w.width}x${w.height} browser window on a ${w.screen.width}x${w.screen.height} screen (${w.lang}), the panels sit in two columns at a readable size, whole`,
      async () => {
        const { page, errors } = await newPage(w.width, w.height, `${server.url}/?lang=${w.lang}`, w.screen)
        expect(await page.locator('.wall').getAttribute('class')).toContain('wall--cols-2')
        expect(await smallestTextPx(page)).toBeGreaterThanOrEqual(11)
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(w.width)
        expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
        expect(await cutLabels(page)).toEqual([])
        // Two columns side by side, each about half the window (up to 1600 px): the town ranking and
        // the overdue hazards at the top, next to each other.
        const box = async (panel: string) => (await page.locator(`[data-panel="${panel}"]`).boundingBox())!
        const [towns, overdue] = [await box('towns'), await box('overdue')]
        expect(towns.y).toBeCloseTo(overdue.y, 0)
        expect(overdue.x).toBeGreaterThan(towns.x + towns.width)
        for (const b of [towns, overdue]) expect(b.width).toBeGreaterThan(Math.min(w.width, 1600) * 0.45)
        await page.screenshot({
          path: artifact(`wall-window-${w.width}x${w.height}-${w.lang}.png`),
          fullPage: true,
        })
        expect(errors).toEqual([])
        await page.close()
      },
      BROWSER_TEST_MS,
    )
  }

  test(
    'a screen that fills the display keeps the scaled canvas, as does a window opened with ?layout=canvas',
    async () => {
      // A 1366x768 TV in kiosk mode: nobody scrolls a wall, so everything stays on one screen.
      const tv = await newPage(1366, 768, `${server.url}/`, { width: 1366, height: 768 })
      expect(await tv.page.locator('.wall').getAttribute('class')).toContain('wall--canvas')
      await tv.page.close()
      const forced = await newPage(1366, 650, `${server.url}/?layout=canvas`, { width: 1366, height: 768 })
      expect(await forced.page.locator('.wall').getAttribute('class')).toContain('wall--canvas')
      expect((await forced.page.locator('.wall-canvas').boundingBox())!.height).toBeCloseTo(650, 0)
      expect(await forced.page.evaluate(LAYOUT_CHECK)).toEqual([])
      expect([...tv.errors, ...forced.errors]).toEqual([])
      await forced.page.close()
    },
    BROWSER_TEST_MS,
  )

  test(
    'resizing a window from the canvas to two columns, one column and back redraws every chart to its new box',
    async () => {
      const { page, errors } = await newPage(1920, 1080, `${server.url}/?lang=en`, {
        width: 1920,
        height: 1080,
      })
      // Playwright's setViewportSize would make the screen as small as the window, so the window
      // would always fill it: resize through the DevTools protocol, keeping the 1920×1080 screen.
      const cdp = await page.context().newCDPSession(page)
      const resize = (width: number, height: number) =>
        cdp.send('Emulation.setDeviceMetricsOverride', {
          width,
          height,
          deviceScaleFactor: 1,
          mobile: false,
          screenWidth: 1920,
          screenHeight: 1080,
        })
      // Each chart fills its box, and its bitmap matches it: drawn for the new size, not stretched.
      const chartsFit = () =>
        page.locator('[data-chart]').evaluateAll((list) =>
          list.every((chart) => {
            const canvas = chart.querySelector('canvas')
            if (!canvas) return false
            const outer = chart.getBoundingClientRect()
            const box = canvas.getBoundingClientRect()
            return (
              box.width > 50 &&
              Math.abs(box.width - outer.width) < 2 &&
              Math.abs(box.height - outer.height) < 2 &&
              Math.abs(canvas.width / box.width - 1) < 0.02 &&
              Math.abs(canvas.height / box.height - 1) < 0.02
            )
          }),
        )
      const steps: [number, number, string][] = [
        [1366, 650, 'wall--cols-2'],
        [600, 800, 'wall--cols-1'],
        [1920, 1080, 'wall--canvas'],
      ]
      for (const [width, height, mode] of steps) {
        await resize(width, height)
        await expect.poll(() => page.locator('.wall').getAttribute('class')).toContain(mode)
        await expect.poll(chartsFit, { timeout: 10_000 }).toBe(true)
        expect(await page.evaluate(LAYOUT_CHECK), `${width}x${height}`).toEqual([])
      }
      expect(errors).toEqual([])
      await page.close()
    },
    BROWSER_TEST_MS,
  )

  test.each([
    { width: 390, height: 844, lang: 'zh' },
    { width: 390, height: 844, lang: 'en' },
    { width: 768, height: 950, lang: 'en' },
  ])(
    'on a $width px phone or tablet ($lang) the panels stack in one column, readable and without sideways scrolling',
    async ({ width, height, lang }) => {
      const { page, errors } = await newPage(width, height, `${server.url}/?lang=${lang}`)
      expect(await page.locator('.wall').getAttribute('class')).toContain('wall--cols-1')
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
      const panels = await page
        .locator('[data-panel]')
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))
      for (const r of panels) {
        expect(r.left).toBeGreaterThanOrEqual(0)
        expect(r.right).toBeLessThanOrEqual(width)
      }
      // Numbers stay big: the open-hazards counter is at least 30 px tall on the phone.
      const fontSize = await page
        .locator('[data-kpi="hazardsOpen"] .kpi-value')
        .evaluate((e) => parseFloat(getComputedStyle(e).fontSize))
      expect(fontSize).toBeGreaterThanOrEqual(30)
      expect(await cutLabels(page)).toEqual([])
      expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
      // What a leader looks for first comes first: the town ranking, then the overdue hazards and
      // the live events, then the charts.
      const tops = await page
        .locator('[data-panel]')
        .evaluateAll((els) =>
          Object.fromEntries(
            els.map((e) => [(e as HTMLElement).dataset.panel, e.getBoundingClientRect().top]),
          ),
        )
      const order = [
        'headline',
        'towns',
        'overdue',
        'ticker',
        'trend',
        'domain',
        'funnel',
        'risk',
        'accidents',
        slotPanel(await snapshot()),
      ]
      const orderTops = order.map((panel) => tops[panel])
      for (let i = 1; i < order.length; i++) expect(orderTops[i], order[i]).toBeGreaterThan(orderTops[i - 1])
      // The donut's total sits in the middle of its ring.
      const [ring, total] = await Promise.all(
        ['[data-chart="risk"]', '[data-field="enterprises"]'].map((s) =>
          page.locator(s).evaluate((e) => e.getBoundingClientRect().toJSON() as DOMRect),
        ),
      )
      expect(Math.abs(ring.top + ring.height / 2 - (total.top + total.height / 2))).toBeLessThan(24)
      await page.screenshot({ path: artifact(`wall-stacked-${width}-${lang}.png`), fullPage: true })
      expect(errors).toEqual([])
      await page.close()
    },
    BROWSER_TEST_MS,
  )
})

test(
  'switching language changes the labels, and the choice is remembered',
  async () => {
    const { page, errors } = await newPage(1920, 1080, `${server.url}/?lang=zh`)
    const firstTown = region.towns[0]
    const title = page.locator('[data-panel="trend"] .panel-title')
    const tile = page.locator(`.tile[data-town="${firstTown.code}"] .tile-name`)
    expect(await title.textContent()).toContain('隐患发现与销号')
    expect(await tile.textContent()).toBe(firstTown.name)

    await page.locator('[data-lang-toggle]').click()
    await expect.poll(() => title.textContent()).toContain('Hazards found vs closed')
    expect(await tile.textContent()).toBe(firstTown.nameEn)
    expect(await page.locator('[data-kpi="hazardsOpen"] .kpi-label').textContent()).toBe('Open hazards')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')

    await page.goto(server.url) // no ?lang: the remembered choice
    await page.locator('[data-kpi="hazardsOpen"]').waitFor()
    expect(await page.locator('[data-kpi="hazardsOpen"] .kpi-label').textContent()).toBe('Open hazards')
    await page.locator('[data-lang-toggle]').click()
    await expect
      .poll(() => page.locator('[data-kpi="hazardsOpen"] .kpi-label').textContent())
      .toBe('未销号隐患')
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'a hazard titled <img src=x onerror=alert(1)> shows as text in the ticker and the overdue list',
  async () => {
    const { page, errors } = await newPage()
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    const title = '<img src=x onerror=alert(1)>'
    const hazardId = newId('xss')
    await postEvents(server.url, [
      {
        id: newId('ev'),
        type: 'hazard.reported',
        hazardId,
        town: region.towns[1].code,
        domain: 'fire',
        grade: 'major',
        title,
        // Long past: overdue at once, and the oldest, so first in the overdue list.
        deadline: '2001-01-01',
      },
    ])
    const tick = page.locator('.tick').first()
    await expect.poll(() => tick.locator('.tick-main').textContent(), { timeout: 3000 }).toBe(title)
    const row = page.locator(`.overdue-row[data-hazard="${hazardId}"]`)
    await row.waitFor({ timeout: 5000 })
    expect(await row.locator('.title').textContent()).toBe(title)
    expect(await page.locator('.overdue-row').first().getAttribute('data-hazard')).toBe(hazardId)
    expect(await page.locator('img').count()).toBe(0)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'overdue ages read in whole days beside the deadline, with no seconds ticking; the age follows the clock',
  async () => {
    const { page } = await newPage()
    const late = page.locator('.overdue-row .late').first()
    const before = Number(await late.getAttribute('data-overdue-ms'))
    const shownBefore = await late.textContent()
    expect(shownBefore).toMatch(/^\s*\d+天\s*期限 \d{2}-\d{2}\s*$/)
    await page.waitForTimeout(2100)
    const after = Number(await late.getAttribute('data-overdue-ms'))
    expect(after - before).toBeGreaterThanOrEqual(1000)
    expect(await late.textContent()).toBe(shownBefore)
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  "the clock shows the region's time by the server's clock, even when the screen's own clock is an hour off",
  async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    // Closed networks often have no NTP: this screen's clock runs an hour slow.
    await page.clock.setSystemTime(Date.now() - 3_600_000)
    await openWall(page, server.url)
    const seconds = (hms: string) => hms.split(':').reduce((t, part) => t * 60 + Number(part), 0)
    const shown = seconds((await page.locator('.wall-clock-time').textContent()) ?? '')
    const regionNow = seconds(formatClock(Date.now(), region.timeZone))
    const off = Math.abs(shown - regionNow) % 86_400
    expect(Math.min(off, 86_400 - off)).toBeLessThanOrEqual(3)
    // The overdue durations follow the server's clock too.
    const snap = await snapshot()
    const first = page.locator('.overdue-row .late').first()
    const lateMs = Number(await first.getAttribute('data-overdue-ms'))
    expect(Math.abs(lateMs - (Date.now() - snap.overdue[0].deadline))).toBeLessThan(5000)
    await page.close()
  },
  BROWSER_TEST_MS,
)
