import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { App } from '../../server/app.ts'
import {
  BROWSER_TEST_MS,
  artifact,
  ensureClientBuilt,
  launchChromium,
  openWall,
  watchErrors,
} from './harness.ts'
import { privateRedis } from '../helpers/redis.ts'
import { listen } from '../helpers/viewers.ts'
import { eid } from '../helpers/app.ts'
import { authApp, tokensFixture } from '../access/setup.ts'
import { accident } from '../ingest/fixtures.ts'

// Alarms on real walls in real Chromium, with auth on: an accident reported shows on every wall
// until a duty officer acknowledges it on the entry page's duty view; a viewer cannot; a reload
// keeps an unacknowledged alarm.

let redis: Awaited<ReturnType<typeof privateRedis>>
let fixture: ReturnType<typeof tokensFixture>
let duty: ReturnType<ReturnType<typeof tokensFixture>['add']>
let app: App
let url: string
let browser: Browser
beforeAll(async () => {
  await ensureClientBuilt()
  redis = await privateRedis()
  fixture = tokensFixture()
  duty = fixture.add({ name: '值班员 李娜', role: 'duty' })
  app = await authApp({ redisUrl: redis.url, tokensFile: fixture.path })
  url = await listen(app)
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await app?.close()
  await redis?.cleanup()
  fixture?.cleanup()
})

/** A wall screen of its own (its own cookies), provisioned by its viewer link. */
async function wallScreen(name: string): Promise<{ page: Page; errors: string[] }> {
  const screen = fixture.add({ name, role: 'viewer' })
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
  const page = await context.newPage()
  const errors = watchErrors(page)
  await openWall(page, `${url}/?token=${screen.token}`)
  return { page, errors }
}

const post = (payload: object, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/api/events', payload, headers })
const alarmOn = (page: Page, alarmId: string) => page.locator(`[data-alarms] [data-alarm-id="${alarmId}"]`)

test(
  'an accident alarms every wall until a duty officer acknowledges it; a viewer may not',
  async () => {
    const left = await wallScreen('大厅左屏')
    const right = await wallScreen('大厅右屏')
    const acc = accident({ deaths: 1, title: '叉车倾覆' })
    expect((await post(acc, fixture.tokens.reporter.header)).statusCode).toBe(200)
    const alarmId = `acc:${acc.accidentId}`
    for (const { page } of [left, right]) {
      await alarmOn(page, alarmId).waitFor({ timeout: 10_000 })
      await expect.poll(() => page.locator('[data-alarms]').textContent()).toContain('叉车倾覆')
    }
    await left.page.screenshot({ path: artifact('wall-alarm.png') })

    // A viewer's acknowledgement is refused, and the alarm stays; so does a reload.
    const byViewer = await post(
      { id: eid('ack'), type: 'alarm.acknowledged', alarmId },
      fixture.tokens.viewer.header,
    )
    expect(byViewer.statusCode).toBe(403)
    await left.page.reload()
    await alarmOn(left.page, alarmId).waitFor({ timeout: 30_000 })

    // The duty officer acknowledges on the entry page's duty view: gone from both walls.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    const phone = await context.newPage()
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${url}/entry?token=${duty.token}`)
    await phone.locator('[data-tab="duty"]').click()
    // A duty token reports nothing: the reporting forms are not offered.
    await expect(phone.locator('[data-tab="hazard"]').count()).resolves.toBe(0)
    const item = phone.locator(`[data-duty] [data-alarm-id="${alarmId}"]`)
    await item.waitFor({ timeout: 15_000 })
    await phone.screenshot({ path: artifact('entry-duty.png') })
    await item.locator('[data-action="acknowledge"]').click()
    for (const { page } of [left, right]) {
      await alarmOn(page, alarmId).waitFor({ state: 'detached', timeout: 10_000 })
    }
    await phone.locator('[data-duty-empty]').waitFor({ timeout: 10_000 })
    const listed = await app.inject({ url: '/api/alarms', headers: fixture.tokens.viewer.header })
    expect(listed.json().alarms[0]).toMatchObject({
      alarmId,
      acknowledged: true,
      acknowledgedBy: '值班员 李娜',
    })
    expect([...left.errors, ...right.errors, ...phoneErrors]).toEqual([])
  },
  BROWSER_TEST_MS,
)

test(
  'a 较大及以上 accident takes the strongest form, over the middle of the wall, with the queue count',
  async () => {
    const { page, errors } = await wallScreen('指挥大屏')
    await post(accident({ title: '一般事故' }), fixture.tokens.reporter.header)
    const severe = accident({ deaths: 3, title: '反应釜爆炸' })
    await post(severe, fixture.tokens.reporter.header)
    const banner = page.locator('[data-alarms]')
    await alarmOn(page, `acc:${severe.accidentId}`).waitFor({ timeout: 10_000 })
    await expect.poll(() => banner.getAttribute('class')).toContain('alarm--big')
    await expect.poll(() => banner.getAttribute('data-alarm-count')).toBe('2')
    // Newest first.
    await expect(banner.locator('.alarm-main').getAttribute('data-alarm-id')).resolves.toBe(
      `acc:${severe.accidentId}`,
    )
    await page.screenshot({ path: artifact('wall-alarm-severe.png') })
    expect(errors).toEqual([])
  },
  BROWSER_TEST_MS,
)
