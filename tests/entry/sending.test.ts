import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  artifact,
  counter,
  ensureClientBuilt,
  launchChromium,
  openWall,
  wallServer,
  watchErrors,
} from '../browser/harness.ts'
import { seedMonth, newId } from '../browser/seed.ts'
import { region, TOWN } from '../helpers/app.ts'
import { eventually } from '../helpers/viewers.ts'
import {
  PHONE,
  historyRows,
  kpis,
  openEntry,
  postAsOther,
  reportHazard,
  serverLog,
  showTab,
  waitForWaiting,
  waiting,
} from './entry-page.ts'

// The entry page against a real server and the real wall: what a reporter submits is counted once,
// whether the network holds, drops for a while, or loses the server's answer.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
/** Browser tests on a shared 2-core machine: generous per-test time. */
const SLOW = 120_000
const DOMAIN = region.domains[0].id

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  await seedMonth(server.url, region)
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const titled = async (title: string) =>
  (await serverLog(server.url)).filter((e) => e.type === 'hazard.reported' && e.title === title)

test(
  'a hazard submitted on /entry is accepted, shows on the wall’s found-today counter, and is logged once',
  async () => {
    const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    await openWall(wall, server.url)
    const before = (await counter(wall, 'hazardsFoundToday')).value

    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const errors = watchErrors(page)
    await openEntry(page, server.url)
    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '危化品仓库消防通道堆放杂物' })

    await page.locator('.history-item[data-outcome="applied"]').waitFor()
    expect(await waiting(page)).toBe(0)
    await expect(page.locator('.outbox-status').innerText()).resolves.toContain('全部已发送')
    await eventually(
      async () => (await counter(wall, 'hazardsFoundToday')).value === before + 1,
      'the wall to count the new hazard',
    )
    const logged = await titled('危化品仓库消防通道堆放杂物')
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ town: TOWN, domain: DOMAIN, grade: 'general' })
    await page.screenshot({ path: artifact('entry-sent.png'), fullPage: true })
    expect(errors).toEqual([])
    await wall.close()
    await context.close()
  },
  SLOW,
)

test(
  'offline, three submissions wait ("3 waiting"), survive a reload with no network, and are counted once when back online',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await openEntry(page, server.url)
    // The service worker keeps the page for offline use once it is active.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    const before = (await kpis(server.url)).hazardsFoundToday

    await context.setOffline(true)
    const titles = ['脚手架连墙件缺失', '配电箱未接地', '灭火器压力不足'].map(
      (t, i) => `${t}（离线${i + 1}）`,
    )
    for (const title of titles) await reportHazard(page, { town: TOWN, domain: DOMAIN, title })
    await waitForWaiting(page, 3)
    await expect(page.locator('.outbox-status').innerText()).resolves.toContain('3 条待发送')
    await page.screenshot({ path: artifact('entry-offline-waiting.png') })

    // The phone loses the server entirely, and the reporter reloads the page: it opens from the
    // service worker's copy, and the outbox is still there.
    await server.stop()
    await page.reload()
    await page.locator('[data-form]').waitFor()
    await waitForWaiting(page, 3)
    expect(
      (await historyRows(page))
        .filter((r) => r.outcome === 'pending')
        .map((r) => r.text.match(/（离线\d）/)?.[0]),
    ).toEqual(['（离线3）', '（离线2）', '（离线1）'])

    await server.start()
    expect((await kpis(server.url)).hazardsFoundToday).toBe(before) // nothing arrived while offline
    await context.setOffline(false)
    await waitForWaiting(page, 0)
    const rows = await historyRows(page)
    expect(rows.filter((r) => r.outcome === 'applied' && /（离线\d）/.test(r.text))).toHaveLength(3)

    // Counted once each: 3, not 6, and still 3 after another reload online.
    await page.reload()
    await page.locator('[data-form]').waitFor()
    await page.waitForTimeout(500)
    expect((await kpis(server.url)).hazardsFoundToday).toBe(before + 3)
    const log = await serverLog(server.url)
    for (const title of titles)
      expect(log.filter((e) => e.type === 'hazard.reported' && e.title === title)).toHaveLength(1)
    // Sent in the order made.
    const order = log.flatMap((e) =>
      e.type === 'hazard.reported' && titles.includes(e.title) ? [e.title] : [],
    )
    expect(order).toEqual(titles)
    await context.close()
  },
  SLOW,
)

test(
  'an answer lost on the way back is retried with the same id and counted once ("duplicate")',
  async () => {
    // Routing needs the page's own requests: no service worker in this context.
    const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' })
    const page = await context.newPage()
    let posts = 0
    await page.route('**/api/events', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      posts++
      if (posts === 1) {
        await route.fetch() // the server applies it…
        return route.abort('connectionreset') // …and the phone never hears back
      }
      return route.continue()
    })
    await openEntry(page, server.url)
    const before = (await kpis(server.url)).hazardsFoundToday
    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '储罐静电接地线断开（回执丢失）' })

    await page.locator('.history-item[data-outcome="duplicate"]').waitFor({ timeout: 15_000 })
    expect(posts).toBe(2)
    expect((await kpis(server.url)).hazardsFoundToday).toBe(before + 1)
    const logged = await titled('储罐静电接地线断开（回执丢失）')
    expect(logged).toHaveLength(1)
    await expect(
      page.locator('.history-item[data-outcome="duplicate"] .badge').innerText(),
    ).resolves.toContain('此前已送达，只计一次')
    await context.close()
  },
  SLOW,
)

test(
  '503 answers are retried with the same id, in order: the second submission waits for the first',
  async () => {
    const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' })
    const page = await context.newPage()
    const sent: { id: string; title: string }[] = []
    await page.route('**/api/events', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      sent.push(route.request().postDataJSON() as { id: string; title: string })
      if (sent.length <= 2) {
        return route.fulfill({
          status: 503,
          headers: { 'retry-after': '1' },
          json: { error: 'storage unavailable' },
        })
      }
      return route.continue()
    })
    await openEntry(page, server.url)
    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '叉车未定期检验（503-1）' })
    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '应急照明损坏（503-2）' })
    await waitForWaiting(page, 0)

    expect(sent.map((e) => e.title)).toEqual([
      '叉车未定期检验（503-1）',
      '叉车未定期检验（503-1）',
      '叉车未定期检验（503-1）',
      '应急照明损坏（503-2）',
    ])
    expect(new Set(sent.slice(0, 3).map((e) => e.id)).size).toBe(1) // one id through every retry
    const rows = (await historyRows(page)).filter((r) => /（503-\d）/.test(r.text))
    expect(rows.map((r) => r.outcome)).toEqual(['applied', 'applied'])
    expect(await titled('叉车未定期检验（503-1）')).toHaveLength(1)
    await context.close()
  },
  SLOW,
)

test(
  'a status move that another reporter made illegal meanwhile is refused (409) and the page says why',
  async () => {
    const hazardId = `hz-race-${Date.now().toString(36)}`
    const title = '临边防护栏杆缺失（并发）'
    const at = new Date().toISOString()
    const created = await postAsOther(server.url, [
      {
        id: newId('race'),
        type: 'hazard.reported',
        at,
        hazardId,
        town: TOWN,
        domain: DOMAIN,
        grade: 'general',
        title,
        deadline: '2099-01-01',
      },
    ])
    expect(created.status).toBe(200)

    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await openEntry(page, server.url)
    await showTab(page, 'status')
    await page.locator('[data-form="hazard.status"] input[type="search"]').fill('并发')
    await page.locator(`.pick-card[data-hazard="${hazardId}"]`).click()
    // Only the legal moves from "reported": rectifying, or closed on the spot.
    const offered = await page
      .locator('[data-field="status"] input[type="radio"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))
    expect(offered).toEqual(['rectifying', 'closed'])
    await page.locator('[data-field="status"] input[value="rectifying"]').check({ force: true })

    // Meanwhile another reporter closes it.
    const closed = await postAsOther(server.url, [
      { id: newId('race'), type: 'hazard.status', hazardId, status: 'closed' },
    ])
    expect(closed.status).toBe(200)

    await page.locator('[data-form="hazard.status"] button[type="submit"]').click()
    const refused = page.locator('.history-item[data-outcome="refused"]')
    await refused.waitFor()
    const text = await refused.innerText()
    expect(text).toContain('被拒绝')
    expect(text).toContain(title)
    expect(text).toMatch(/新状态：.*已销号.*整改中/)
    expect(await waiting(page)).toBe(0) // a definite answer: not retried
    await page.screenshot({ path: artifact('entry-refused.png'), fullPage: true })

    const moves = (await serverLog(server.url)).filter(
      (e) => e.type === 'hazard.status' && e.hazardId === hazardId,
    )
    expect(moves.map((e) => (e.type === 'hazard.status' ? e.status : ''))).toEqual(['closed'])
    await context.close()
  },
  SLOW,
)
