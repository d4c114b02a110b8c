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
import { newId, postEvents } from './seed.ts'
import { region } from '../helpers/app.ts'
import type { LookoutEvent } from '../../shared/events.ts'

// The second wall page (应急准备与责任落实, /readiness) and the playlist that rotates pages: what was
// posted shows there, and the feed stays live through every page change.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
const TOWN = region.towns[1].code

const registered = (enterpriseId: string, name: string): LookoutEvent => ({
  id: newId('er'),
  type: 'enterprise.registered',
  enterpriseId,
  name,
  town: TOWN,
  domain: 'production',
  industry: 'hazardous_chemicals',
  riskLevel: 'major',
})
const scored = (enterpriseId: string, reason: string, points?: number): LookoutEvent => ({
  id: newId('ps'),
  type: 'principal.scored',
  scoreId: newId('PS'),
  enterpriseId,
  reason,
  ...(points ? { points } : {}),
  principal: '王某某',
})

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  await postEvents(server.url, [
    registered('EN-rd-1', '泰兴市滨江精细化工有限公司'),
    registered('EN-rd-2', '泰兴市黄桥建筑安装有限公司'),
    scored('EN-rd-1', 'significant_accident'),
    scored('EN-rd-2', 'rectification_overdue', 3),
    {
      id: newId('rr'),
      type: 'resource.registered',
      resourceId: 'RS-rd-1',
      kind: 'rescue_team',
      name: '延令街道应急救援队',
      town: TOWN,
      size: 32,
    },
    {
      id: newId('dc'),
      type: 'drill.completed',
      drillId: 'DR-rd-1',
      town: TOWN,
      domain: 'fire',
      participants: 80,
      scenario: '人员密集场所火灾疏散演练',
    },
  ])
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
  const errors = watchErrors(page)
  await page.goto(`${server.url}${path}`)
  await page.locator('.feed-status[data-status="live"]').waitFor({ timeout: 60_000 })
  return { page, errors }
}

const band = (page: Page, i: number) =>
  page.locator(`[data-panel="scoring"] [data-band="${i}"]`).getAttribute('data-value')

test(
  '/readiness shows the scores posted, names the enterprise (not its principal), and follows a new score live',
  async () => {
    const { page, errors } = await open('/readiness')
    await page.locator('[data-page="readiness"] [data-panel="scored"]').waitFor()
    await expect.poll(() => band(page, 2)).toBe('1') // 12 points: re-examination
    expect(await band(page, 0)).toBe('1') // 3 points
    const row = page.locator('[data-panel="scored"] [data-enterprise="EN-rd-1"]')
    await expect.poll(() => row.textContent()).toContain('泰兴市滨江精细化工有限公司')
    expect(await row.locator('[data-field="points"]').textContent()).toBe('12')
    expect(await page.locator('[data-page-name]').textContent()).toBe('应急准备与责任落实')
    const teams = page.locator('[data-panel="resources"] [data-kind="rescue_team"]')
    await expect.poll(() => teams.getAttribute('data-value')).toBe('1')
    expect(await page.locator('[data-panel="drills"] [data-field="drills"]').getAttribute('data-done')).toBe(
      '1',
    )
    expect(await page.locator('body').textContent()).not.toContain('王某某')
    await page.screenshot({ path: artifact('wall-readiness.png') })

    // Six more points for the second enterprise: 9, admonition — on screen without a reload.
    await postEvents(server.url, [scored('EN-rd-2', 'order_not_done')])
    await expect.poll(() => band(page, 1), { timeout: 10_000 }).toBe('1')
    await expect
      .poll(() =>
        page.locator('[data-panel="scored"] [data-enterprise="EN-rd-2"]').getAttribute('data-level'),
      )
      .toBe('0')
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  '?pages=main,readiness&dwell=5 rotates the pages in place, and the feed stays live on each',
  async () => {
    const { page, errors } = await open('/?pages=main,readiness&dwell=5')
    const wall = page.locator('.wall')
    expect(await wall.getAttribute('data-page')).toBe('main')
    await page.locator('[data-kpi="hazardsOpen"]').waitFor()
    // The same socket throughout: count the websockets the page opens.
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(ws.url()))

    await expect.poll(() => wall.getAttribute('data-page'), { timeout: 15_000 }).toBe('readiness')
    await postEvents(server.url, [
      registered('EN-rd-3', '泰兴市虹桥船舶修造有限公司'),
      scored('EN-rd-3', 'obstruction'),
    ])
    await expect
      .poll(() => page.locator('[data-panel="scored"] [data-enterprise="EN-rd-3"]').count(), {
        timeout: 10_000,
      })
      .toBe(1)

    await expect.poll(() => wall.getAttribute('data-page'), { timeout: 15_000 }).toBe('main')
    const openBefore = Number(
      await page.locator('[data-kpi="hazardsOpen"] .count-up').getAttribute('data-value'),
    )
    await postEvents(server.url, [
      {
        id: newId('hr'),
        type: 'hazard.reported',
        hazardId: newId('HZ'),
        town: TOWN,
        domain: 'production',
        grade: 'general',
        title: '消防通道堵塞',
        deadline: '2099-12-31',
      },
    ])
    await expect
      .poll(() => page.locator('[data-kpi="hazardsOpen"] .count-up').getAttribute('data-value'), {
        timeout: 10_000,
      })
      .toBe(String(openBefore + 1))
    expect(await page.locator('.feed-status').getAttribute('data-status')).toBe('live')
    expect(sockets).toEqual([]) // no reconnect: the page changed, the socket did not
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)
