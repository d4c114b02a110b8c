import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  BROWSER_TEST_MS,
  artifact,
  ensureClientBuilt,
  launchChromium,
  openWall,
  wallServer,
  watchErrors,
} from './harness.ts'
import { LAYOUT_CHECK } from './layout-check.ts'
import { postEvents } from './seed.ts'
import { TOWN, TOWN2 } from '../helpers/app.ts'
import { enterprise, hazard, status, work } from '../ingest/fixtures.ts'
import { campaignRegion } from '../campaigns/fixtures.ts'
import type { LookoutEvent } from '../../shared/events.ts'

// The campaign slot in real Chromium against a real server whose clock stands in a campaign: the
// sweep panel counts only its source and days, the season names who resumed without the check,
// and outside every campaign the last season shows with its days.

let browser: Browser
beforeAll(async () => {
  await ensureClientBuilt()
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
})

/** A server whose clock starts at `iso` (region time in the text) and runs on from there. */
async function serverAt(iso: string) {
  const start = Date.parse(iso)
  const started = Date.now()
  return wallServer({ clock: () => start + (Date.now() - started), region: campaignRegion })
}

const at = (iso: string) => new Date(iso).toISOString()
const sweepHazard = (town: string, when: string) =>
  hazard({ town, source: 'pre_holiday_sweep', at: at(when), deadline: '2026-12-31' })

async function open(url: string, query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
  const errors = watchErrors(page)
  await openWall(page, `${url}/${query}`)
  return { page, errors }
}

/** The figures of a row of a campaign panel's table, by field, as the page shows them (text and data-value). */
async function row(page: Page, panel: string, town: string) {
  const cells = page.locator(`[data-panel="${panel}"] tr[data-town="${town}"] [data-field]`)
  await cells.first().waitFor()
  return Object.fromEntries(
    await cells.evaluateAll((els) =>
      els.map((e) => [
        (e as HTMLElement).dataset.field,
        [e.textContent?.trim(), (e as HTMLElement).dataset.value],
      ]),
    ),
  ) as Record<string, [string, string]>
}

test(
  'the sweep panel counts only its source and window: the city and each town, found, closed, closure rate',
  async () => {
    const server = await serverAt('2026-09-25T10:00:00+08:00')
    try {
      const inA = [
        sweepHazard(TOWN, '2026-09-15T08:00:00+08:00'),
        sweepHazard(TOWN, '2026-09-20T15:00:00+08:00'),
        sweepHazard(TOWN, '2026-09-24T09:00:00+08:00'),
      ]
      const inB = sweepHazard(TOWN2, '2026-09-22T09:00:00+08:00')
      const before = sweepHazard(TOWN2, '2026-09-14T20:00:00+08:00')
      const routine = hazard({ town: TOWN2, source: 'routine', at: at('2026-09-21T09:00:00+08:00') })
      const events: LookoutEvent[] = [...inA, inB, before, routine]
      for (const h of [inA[0], inA[1], before, routine])
        events.push(status(h.hazardId, 'closed', { at: at('2026-09-25T09:00:00+08:00') }))
      await postEvents(server.url, events)

      const { page, errors } = await open(server.url)
      const sweep = page.locator('[data-panel="sweep"]')
      await sweep.waitFor()
      expect(await page.locator('[data-panel="season"]').count()).toBe(0) // no season runs in September
      expect(await sweep.locator('.panel-title').textContent()).toBe('节前安全大排查')
      expect(await sweep.locator('[data-field="days"]').textContent()).toBe('9月15日—9月30日')
      expect(await sweep.locator('[data-field="state"]').textContent()).toBe('进行中')
      expect(await row(page, 'sweep', 'all')).toEqual({
        found: ['4', '4'],
        closed: ['2', '2'],
        rate: ['50.0%', '0.5'],
      })
      // Most still open first: 济川 (3 found, 1 open) before 黄桥 (1 found, 1 open).
      expect(await row(page, 'sweep', TOWN)).toEqual({
        found: ['3', '3'],
        closed: ['2', '2'],
        rate: ['66.7%', String(2 / 3)],
      })
      expect(await row(page, 'sweep', TOWN2)).toEqual({
        found: ['1', '1'],
        closed: ['0', '0'],
        rate: ['0.0%', '0'],
      })
      const towns = await sweep
        .locator('.rows tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-town')))
      expect(towns.slice(0, 2)).toEqual([TOWN, TOWN2])
      expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
      await sweep.screenshot({ path: artifact('campaign-sweep.png') })

      // A sweep hazard closed, live: the panel follows within seconds.
      await postEvents(server.url, [status(inB.hazardId, 'closed')])
      await expect
        .poll(async () => (await row(page, 'sweep', 'all')).rate, { timeout: 15_000 })
        .toEqual(['75.0%', '0.75'])
      expect(errors).toEqual([])
      await page.close()

      // A town's page: that town's figures alone, under its name.
      const town = await open(server.url, `?town=${TOWN}`)
      const pinned = town.page.locator('[data-panel="sweep"] tr[data-town="all"]')
      await pinned.waitFor()
      expect(await pinned.locator('td.town').textContent()).toBe('济川街道')
      expect(await row(town.page, 'sweep', 'all')).toEqual({
        found: ['3', '3'],
        closed: ['2', '2'],
        rate: ['66.7%', String(2 / 3)],
      })
      expect(await town.page.locator('[data-panel="sweep"] .rows tr').count()).toBe(0)
      expect(town.errors).toEqual([])
      await town.page.close()
    } finally {
      await server.close()
    }
  },
  BROWSER_TEST_MS,
)

test(
  'in the season, with the sweep over but still shown, the two take turns; the season names the enterprises that resumed without the check',
  async () => {
    const server = await serverAt('2026-02-20T10:00:00+08:00')
    try {
      const a = enterprise({ name: '泰兴市甲化工有限公司' })
      const b = enterprise({ town: TOWN2, name: '泰兴市乙建设工程有限公司' })
      const c = enterprise({ town: TOWN2, name: '泰兴市丙机械有限公司' })
      const on = (day: string) => ({ at: at(`${day}T09:00:00+08:00`) })
      await postEvents(server.url, [
        ...[a, b, c].map((e) => ({ ...e, ...on('2026-01-05') })),
        work(a.enterpriseId, 'stopped', false, on('2026-02-05')),
        work(a.enterpriseId, 'resumed', false, on('2026-02-18')),
        work(b.enterpriseId, 'stopped', false, on('2026-02-06')),
        work(b.enterpriseId, 'resumed', false, on('2026-02-19')),
        work(c.enterpriseId, 'stopped', false, on('2026-02-06')),
        sweepHazard(TOWN, '2026-02-10T09:00:00+08:00'),
      ])
      // Turns every 2 × 3 s.
      const { page, errors } = await open(server.url, '?rotate=3')
      const season = page.locator('[data-panel="season"]')
      await page.locator('[data-panel="sweep"] [data-field="state"]').waitFor()
      expect(await page.locator('[data-panel="sweep"] [data-field="state"]').textContent()).toBe('已结束')
      await season.waitFor({ timeout: 15_000 })
      expect(await season.locator('[data-field="days"]').textContent()).toBe('1月27日—3月17日')
      expect(await row(page, 'season', 'all')).toEqual({
        stopped: ['1', '1'],
        resumed: ['2', '2'],
        rate: ['66.7%', String(2 / 3)],
        withoutCheck: ['2', '2'],
      })
      expect(
        await season.locator('[data-town="all"] [data-field="withoutCheck"]').getAttribute('class'),
      ).toContain('flagged')
      expect(await row(page, 'season', TOWN2)).toEqual({
        stopped: ['1', '1'],
        resumed: ['1', '1'],
        rate: ['50.0%', '0.5'],
        withoutCheck: ['1', '1'],
      })
      // Named, one at a time: each of the two in its turn, with its town.
      const names = new Set<string>()
      for (let i = 0; i < 40 && names.size < 2; i++) {
        const shown = season.locator('.unchecked .name')
        if (await shown.count()) names.add((await shown.first().textContent())!.trim())
        await page.waitForTimeout(500)
      }
      expect([...names].sort()).toEqual([
        '泰兴市乙建设工程有限公司 · 黄桥镇',
        '泰兴市甲化工有限公司 · 济川街道',
      ])
      expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
      await season.screenshot({ path: artifact('campaign-season.png') })
      // And back to the sweep on the next turn.
      await page.locator('[data-panel="sweep"]').waitFor({ timeout: 15_000 })
      expect(errors).toEqual([])
      await page.close()
    } finally {
      await server.close()
    }
  },
  BROWSER_TEST_MS,
)

test(
  'outside every campaign the last season shows, marked over with its days, its figures as they ended (English, and on a phone)',
  async () => {
    const server = await serverAt('2026-05-01T10:00:00+08:00')
    try {
      const a = enterprise()
      await postEvents(server.url, [
        { ...a, at: at('2026-01-05T09:00:00+08:00') },
        work(a.enterpriseId, 'stopped', false, { at: at('2026-02-05T09:00:00+08:00') }),
        work(a.enterpriseId, 'resumed', true, { at: at('2026-04-20T09:00:00+08:00') }), // after the season
      ])
      const { page, errors } = await open(server.url, '?lang=en')
      const season = page.locator('[data-panel="season"]')
      await season.waitFor()
      expect(await page.locator('[data-panel="sweep"]').count()).toBe(0)
      expect(await season.locator('.panel-title').textContent()).toBe('Stop/resume')
      expect(await season.locator('[data-field="days"]').textContent()).toBe('27 Jan – 17 Mar')
      expect(await season.locator('[data-field="state"]').textContent()).toBe('Over')
      expect(await row(page, 'season', 'all')).toMatchObject({ stopped: ['1', '1'], resumed: ['0', '0'] })
      expect(await season.locator('.unchecked').count()).toBe(0)
      expect(await page.evaluate(LAYOUT_CHECK)).toEqual([])
      await page.setViewportSize({ width: 390, height: 844 })
      await page.locator('.wall--stack').waitFor()
      // Every town on a phone, none cut.
      expect(await season.locator('.rows tr').count()).toBe(campaignRegion.towns.length)
      const cut = await season
        .locator('th, td, .panel-extra')
        .evaluateAll((els) =>
          els
            .filter((e) => e.scrollWidth > e.clientWidth + 1)
            .map((e) => `${e.textContent} ${e.scrollWidth}>${e.clientWidth} ${getComputedStyle(e).fontSize}`),
        )
      expect(cut).toEqual([])
      expect(errors).toEqual([])
      await page.close()
    } finally {
      await server.close()
    }
  },
  BROWSER_TEST_MS,
)
