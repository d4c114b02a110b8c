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
import { postEvents } from './seed.ts'
import { eid, region } from '../helpers/app.ts'
import type { LookoutEvent } from '../../shared/events.ts'

// Lists that do not fit rotate instead of saying "N more not shown": over time the wall shows every
// overdue hazard, then the open major hazards and this year's accidents; ?rotate=0 stops it.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
const OVERDUE = 10
const DAY = 86_400_000
const towns = region.towns

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  const now = Date.now()
  const events: LookoutEvent[] = []
  for (let i = 0; i < OVERDUE; i++) {
    events.push({
      id: eid('rot'),
      type: 'hazard.reported',
      hazardId: `HZ-ROT-${i}`,
      town: towns[i % towns.length].code,
      domain: 'production',
      grade: i % 5 === 0 ? 'major' : 'general',
      title: `逾期隐患 ${i}`,
      at: new Date(now - (40 - i) * DAY).toISOString(),
      deadline: new Date(now - (30 - i) * DAY).toISOString(),
    })
  }
  events.push({
    id: eid('rot'),
    type: 'accident.reported',
    accidentId: 'ACC-ROT-1',
    town: towns[2].code,
    domain: 'production',
    deaths: 1,
    seriousInjuries: 2,
    directLossYuan: 500_000,
    title: '某机械厂机械伤害',
    at: new Date(now - 3 * DAY).toISOString(),
  })
  await postEvents(server.url, events)
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function wall(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
  const errors = watchErrors(page)
  await openWall(page, `${server.url}/${query}`)
  await page.locator('.overdue-row').first().waitFor({ timeout: 30_000 })
  return { page, errors }
}

test(
  'rotation shows every overdue hazard over time, then the open major hazards and the accident list',
  async () => {
    const { page, errors } = await wall('?rotate=3')
    const seen = new Set<string>()
    const lists = new Set<string>()
    let shot = false
    // 10 hazards at 3 a page, then the other lists, 3 s a page: under half a minute on an idle machine.
    const until = Date.now() + 150_000
    while (Date.now() < until && !(seen.size === OVERDUE && lists.has('accidents'))) {
      lists.add((await page.locator('.overdue-body').getAttribute('data-list')) ?? '')
      for (const id of await page
        .locator('.overdue-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-hazard'))))
        if (id) seen.add(id)
      if (lists.has('accidents') && !shot) {
        shot = true
        await page.screenshot({ path: artifact('wall-rotation-accidents.png') })
      }
      await page.waitForTimeout(500)
    }
    expect(seen.size).toBe(OVERDUE)
    expect([...lists].sort()).toEqual(['accidents', 'major', 'overdue'])
    // Never "N more not shown" while it rotates.
    expect(await page.locator('.more').textContent()).toBe('')
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS + 60_000,
)

test(
  'the accident list names the date, town, what happened, grade, deaths and injuries',
  async () => {
    const { page } = await wall('?rotate=3')
    const row = page.locator('[data-accident="ACC-ROT-1"]')
    await row.waitFor({ timeout: 60_000 })
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('某机械厂机械伤害')
    expect(text).toContain('一般')
    expect(text).toMatch(/亡 1 · 伤 2/)
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  '?rotate=0 stays on the oldest overdue hazards and says how many more there are',
  async () => {
    const { page } = await wall('?rotate=0')
    const first = await page.locator('.overdue-row').first().getAttribute('data-hazard')
    await page.waitForTimeout(4000)
    expect(await page.locator('.overdue-body').getAttribute('data-list')).toBe('overdue')
    expect(await page.locator('.overdue-row').first().getAttribute('data-hazard')).toBe(first)
    expect(await page.locator('.more').textContent()).toMatch(/另有 \d+ 项未显示/)
    await page.close()
  },
  BROWSER_TEST_MS,
)
