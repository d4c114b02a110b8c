import { afterAll, beforeAll, expect, test } from 'vitest'
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
import { newId, postEvents } from './seed.ts'
import { DAY, iso, twoTowns } from './town-seed.ts'
import { expectPageFigures, value } from './page-figures.ts'
import { region } from '../helpers/app.ts'
import { summarizeTown } from '../../shared/town-view.ts'
import type { WallState } from '../../shared/protocol.ts'
import type { Snapshot } from '../../shared/summary.ts'

// A town's page (`?town=<code>`, or a click on its tile or row): every number on it is that town's,
// the same as its row on the city's page and as summarizeTown computes; Back and 返回全市 return
// to the city; the live feed keeps it current.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
const A = region.towns[1]
const B = region.towns[5]

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  await postEvents(server.url, twoTowns(Date.now(), A.code, B.code))
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function snapshot(): Promise<Snapshot> {
  return (await (await fetch(`${server.url}/api/snapshot`)).json()) as Snapshot
}

/** The snapshot at the seq the page shows (the overdue tick may move it meanwhile). */
async function inStep(page: Page): Promise<Snapshot> {
  for (let i = 0; i < 100; i++) {
    const snap = await snapshot()
    if ((await page.locator('.feed-detail').textContent())?.includes(String(snap.seq))) return snap
    await page.waitForTimeout(100)
  }
  throw new Error('the wall never caught up with the server')
}

async function wall(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
  const errors = watchErrors(page)
  await openWall(page, `${server.url}/${query}`)
  return { page, errors }
}

test(
  '?town= shows exactly that town’s figures: its row on the city page, and what summarizeTown computes',
  async () => {
    const { page, errors } = await wall(`?town=${A.code}&rotate=0`)
    await page.locator(`.wall[data-town="${A.code}"]`).waitFor()
    await page.waitForTimeout(1500) // count-ups settle
    const snap = await inStep(page)
    const want = summarizeTown(snap as WallState, region, A.code)
    const row = snap.byTown.find((r) => r.town === A.code)!

    // The town's figures are its row on the city's page, and not the city's.
    expect(want.kpis).toMatchObject({
      hazardsOpen: row.open,
      hazardsOverdue: row.overdue,
      majorHazardsOpen: row.majorOpen,
      hazardsFoundToday: row.foundToday,
      hazardsFoundYtd: row.foundYtd,
      hazardsClosedYtd: row.closedYtd,
      rectificationRateYtd: row.rectificationRateYtd,
    })
    expect(want.risk.total).toEqual(
      (({ town: _, ...levels }) => levels)(snap.risk.byTown.find((r) => r.town === A.code)!),
    )
    expect(want.kpis.hazardsOpen).toBeGreaterThan(0)
    expect(want.kpis.hazardsOpen).toBeLessThan(snap.kpis.hazardsOpen)
    expect(want.kpis.accidentsLastYearToDate).toBe(1)
    await expectPageFigures(page, want)

    // The header names the town and offers the way back; the ranking gives its place to the town's
    // key enterprises, all of them the town's.
    expect(await page.locator('h1').textContent()).toBe(`${A.name}安全生产综合态势`)
    expect(await page.locator('[data-town-back]').textContent()).toContain('返回全市')
    expect(await page.locator('[data-panel="towns"]').count()).toBe(0)
    const ents = page.locator('[data-panel="town-enterprises"] [data-enterprise]')
    await ents.first().waitFor()
    const listed = await ents.evaluateAll((els) => els.map((e) => e.getAttribute('data-enterprise')))
    expect(listed).toEqual(['ENT-A-0', 'ENT-A-1', 'ENT-A-2'])
    expect(await value(page, '[data-panel="town-enterprises"] .count[data-risk="major"]')).toBe(
      want.risk.total.major,
    )

    // The lists hold the town's lines only.
    const overdue = await page
      .locator('.overdue-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-hazard')))
    expect(overdue.length).toBe(want.kpis.hazardsOverdue)
    expect(overdue.every((id) => id?.startsWith('HZ-A-'))).toBe(true)
    const townSeqs = new Set(snap.ticker.filter((l) => l.town === A.code).map((l) => l.seq))
    const shownSeqs = await page
      .locator('.tick')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))
    expect(shownSeqs.length).toBeGreaterThan(0)
    expect(shownSeqs.every((s) => townSeqs.has(s))).toBe(true)

    // Laid out like the city's page: nothing overflows or overlaps, and the new text is 18 px or more.
    expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
    const small = await page
      .locator('[data-panel="town-enterprises"] *, [data-town-back]')
      .evaluateAll((els) =>
        els
          .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim()))
          .filter((e) => parseFloat(getComputedStyle(e).fontSize) < 18)
          .map((e) => e.outerHTML.slice(0, 80)),
      )
    expect(small).toEqual([])
    await page.screenshot({ path: artifact('wall-town.png') })
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'a tile or a row opens its town’s page, Back and 返回全市 return to the city, a reload stays',
  async () => {
    const { page, errors } = await wall('')
    const cityOpen = (await counter(page, 'hazardsOpen')).value

    await page.locator(`.tile[data-town="${A.code}"]`).click()
    await page.locator(`.wall[data-town="${A.code}"]`).waitFor()
    expect(new URL(page.url()).searchParams.get('town')).toBe(A.code)
    const snap = await inStep(page)
    await expect
      .poll(async () => (await counter(page, 'hazardsOpen')).value)
      .toBe(snap.byTown.find((r) => r.town === A.code)!.open)

    await page.goBack()
    await page.locator('[data-panel="towns"]').waitFor()
    expect(await page.locator('.wall').getAttribute('data-town')).toBeNull()
    expect(new URL(page.url()).searchParams.has('town')).toBe(false)
    await expect.poll(async () => (await counter(page, 'hazardsOpen')).value).toBe(cityOpen)

    await page.goForward()
    await page.locator(`.wall[data-town="${A.code}"]`).waitFor()
    await page.locator('[data-town-back]').click()
    await page.locator('[data-panel="towns"]').waitFor()
    expect(new URL(page.url()).searchParams.has('town')).toBe(false)

    // By keyboard: the ranking's town names are buttons.
    await page.locator(`[data-panel="towns"] tr[data-town="${B.code}"] .town-link`).focus()
    await page.keyboard.press('Enter')
    await page.locator(`.wall[data-town="${B.code}"]`).waitFor()
    await page.reload()
    await page.locator(`.wall[data-town="${B.code}"]`).waitFor()
    expect(await page.locator('h1').textContent()).toBe(`${B.name}安全生产综合态势`)
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'the live feed keeps a town’s page current: its own events count, another town’s do not',
  async () => {
    const { page, errors } = await wall(`?town=${A.code}`)
    await page.waitForTimeout(1500)
    let snap = await inStep(page)
    const before = summarizeTown(snap as WallState, region, A.code).kpis
    const now = Date.now()
    await postEvents(server.url, [
      {
        id: newId('hr'),
        type: 'hazard.reported',
        hazardId: 'HZ-A-live',
        town: A.code,
        domain: 'fire',
        grade: 'major',
        title: 'A镇新隐患',
        at: iso(now),
        deadline: iso(now + 10 * DAY),
      },
      {
        id: newId('er'),
        type: 'enterprise.registered',
        enterpriseId: 'ENT-A-live',
        name: 'A镇新登记企业',
        town: A.code,
        domain: 'production',
        riskLevel: 'major',
        at: iso(now),
      },
    ])
    await expect
      .poll(async () => (await counter(page, 'hazardsOpen')).value, { timeout: 15_000 })
      .toBe(before.hazardsOpen + 1)
    await page.locator('.tick', { hasText: 'A镇新隐患' }).waitFor()
    // The enterprise list follows its counts (at most every 10 s).
    await page.locator('[data-enterprise="ENT-A-live"]').waitFor({ timeout: 30_000 })

    await postEvents(server.url, [
      {
        id: newId('hr'),
        type: 'hazard.reported',
        hazardId: 'HZ-B-live',
        town: B.code,
        domain: 'fire',
        grade: 'general',
        title: 'B镇新隐患',
        at: iso(Date.now()),
        deadline: iso(now + 10 * DAY),
      },
    ])
    await page.waitForTimeout(1500)
    snap = await inStep(page)
    expect(snap.ticker[0].town).toBe(B.code)
    await expectPageFigures(page, summarizeTown(snap as WallState, region, A.code))
    expect(await page.locator('.tick', { hasText: 'B镇新隐患' }).count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test.each([
  { width: 390, height: 844, lang: 'zh', columns: 1 },
  { width: 1366, height: 650, lang: 'en', columns: 2 },
])(
  'a town’s page on a $width px window ($lang) stacks in $columns column(s), whole and without sideways scrolling',
  async ({ width, height, lang, columns }) => {
    const page = await browser.newPage({
      viewport: { width, height },
      screen: { width, height: height + 118 },
    })
    const errors = watchErrors(page)
    await openWall(page, `${server.url}/?town=${A.code}&lang=${lang}`)
    await page.locator('[data-panel="town-enterprises"] [data-enterprise]').first().waitFor()
    await page.waitForTimeout(1500)
    expect(await page.locator('.wall').getAttribute('class')).toContain(`wall--cols-${columns}`)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
    expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
    await page.screenshot({ path: artifact(`wall-town-${width}-${lang}.png`), fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'an unknown ?town= says so and shows the city; English labels',
  async () => {
    const { page, errors } = await wall('?town=999999&lang=en')
    await page.locator('[data-town-unknown]').waitFor()
    expect(await page.locator('[data-town-unknown]').textContent()).toContain('999999')
    await page.locator('[data-panel="towns"]').waitFor()
    const snap = await inStep(page)
    await expect.poll(async () => (await counter(page, 'hazardsOpen')).value).toBe(snap.kpis.hazardsOpen)

    await page.locator(`.tile[data-town="${A.code}"]`).click()
    await page.locator(`.wall[data-town="${A.code}"]`).waitFor()
    expect(await page.locator('[data-town-unknown]').count()).toBe(0)
    expect(await page.locator('[data-town-back]').textContent()).toContain('Back to the city')
    expect(await page.locator('[data-panel="town-enterprises"] .panel-title').textContent()).toBe(
      'Key enterprises · major and significant risk',
    )
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  'a town whose alarms have left the city’s list of the newest still says how many wait',
  async () => {
    const { page, errors } = await wall(`?town=${A.code}`)
    await page.locator('[data-alarms] [data-alarm-id]').first().waitFor()
    const waiting = await page.locator('[data-alarms]').getAttribute('data-alarm-count')
    expect(Number(waiting)).toBeGreaterThan(0)
    // More newer alarms elsewhere than the state lists: A's one is no longer among them.
    const now = Date.now()
    await postEvents(
      server.url,
      Array.from({ length: 21 }, (_, i) => ({
        id: newId('ac'),
        type: 'accident.reported' as const,
        accidentId: `AC-B-many-${i}`,
        town: B.code,
        domain: 'traffic',
        deaths: 0,
        seriousInjuries: 0,
        directLossYuan: 1_000,
        at: iso(now - i * 1000),
      })),
    )
    await page.locator('[data-alarms]:not(:has([data-alarm-id]))').waitFor()
    expect(await page.locator('[data-alarms]').getAttribute('data-alarm-count')).toBe(waiting)
    expect(await page.locator('[data-alarms]').textContent()).toContain('详见值班页面的报警列表')
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)
