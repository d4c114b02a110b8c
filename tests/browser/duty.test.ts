import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  BROWSER_TEST_MS,
  artifact,
  ensureClientBuilt,
  launchChromium,
  wallServer,
  watchErrors,
} from './harness.ts'
import { fakeClock } from '../helpers/app.ts'
import { newId, postEvents } from './seed.ts'

// The duty roster on the wall (/readiness): a roster file uploaded by an admin puts the pair on duty
// on screen without a reload, and the wall switches to the next day's pair at the handover (08:30
// region time) by the server's clock — driven here by the app's fake clock. And the work lists: each
// quarter's completion and the overdue items, live.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
// Two seconds before the handover on 6 May: the 5th's pair is still on duty.
const clock = fakeClock('2026-05-06T08:29:58+08:00')

const ROSTER = [
  '日期,值班领导,领导分机,值班员,值班员分机',
  '2026-05-05,王建国,8001,陈晓,8101',
  '2026-05-06,李明,8002,赵磊,8102',
  '2026-05-07,孙伟,8003,钱峰,8103',
].join('\r\n')

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer({ clock })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

test(
  "the roster import shows today's duty pair, and it switches at the handover",
  async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    const errors = watchErrors(page)
    await page.goto(`${server.url}/readiness`)
    await page.locator('.feed-status[data-status="live"]').waitFor({ timeout: 60_000 })
    const panel = page.locator('[data-panel="duty"]')
    await panel.locator('[data-field="duty-none"]').waitFor()

    const form = new FormData()
    form.append('file', new Blob([ROSTER]), 'roster.csv')
    const res = await fetch(`${server.url}/api/duty/import`, { method: 'POST', body: form })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toMatchObject({ days: 3, applied: 3 })

    // Before 08:30 it is still the 5th's shift; the upload reaches the screen through the live feed.
    const leader = panel.locator('[data-field="duty-leader"]')
    await expect.poll(() => leader.textContent(), { timeout: 10_000 }).toContain('王建国')
    expect(await leader.textContent()).toContain('8001')
    expect(await panel.locator('[data-field="duty-officer"]').textContent()).toContain('陈晓')
    expect(await panel.locator('[data-field="duty-day"]').getAttribute('data-day')).toBe('2026-05-05')

    // The server's clock passes the handover: the 6th's pair takes over, without a reload.
    clock.set('2026-05-06T08:30:03+08:00')
    await expect.poll(() => leader.textContent(), { timeout: 15_000 }).toContain('李明')
    expect(await panel.locator('[data-field="duty-officer"]').textContent()).toContain('8102')
    expect(await panel.locator('[data-field="duty-day"]').getAttribute('data-day')).toBe('2026-05-06')
    await page.screenshot({ path: artifact('wall-duty.png') })
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)

test(
  "the work lists show the quarter's completion by department and the overdue items, live",
  async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
    const errors = watchErrors(page)
    await page.goto(`${server.url}/readiness?lang=zh`)
    await page.locator('.feed-status[data-status="live"]').waitFor({ timeout: 60_000 })
    const defined = (taskId: string, owner: string, due: string) => ({
      id: newId('td'),
      type: 'task.defined' as const,
      taskId,
      title: `${taskId} 专项整治`,
      owner,
      year: 2026,
      quarter: 2,
      due,
    })
    await postEvents(server.url, [
      defined('TK-late', 'zjj', '2026-04-30'),
      defined('TK-done', 'yjj', '2026-04-30'),
      defined('TK-open', 'yjj', '2026-06-30'),
      { id: newId('tp'), type: 'task.progress', taskId: 'TK-done', status: 'done' },
    ])
    // 6 May is in Q2: 1 of 3 done; the item due 30 April and not done is overdue.
    const q2 = page.locator('[data-panel="tasks"] [data-quarter="2"]')
    await expect.poll(() => q2.getAttribute('data-total'), { timeout: 10_000 }).toBe('3')
    expect(await q2.getAttribute('data-done')).toBe('1')
    expect(await page.locator('[data-panel="tasks"] [data-owner="yjj"]').getAttribute('data-done')).toBe('1')
    const late = page.locator('[data-panel="overdue-tasks"] [data-task="TK-late"]')
    await late.waitFor({ timeout: 10_000 })
    expect(await late.textContent()).toContain('住建局')
    expect(await page.locator('[data-panel="overdue-tasks"] [data-task="TK-done"]').count()).toBe(0)
    // Done: it leaves the overdue list without a reload.
    await postEvents(server.url, [
      { id: newId('tp'), type: 'task.progress', taskId: 'TK-late', status: 'done' },
    ])
    await expect.poll(() => late.count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => q2.getAttribute('data-done')).toBe('2')
    await page.screenshot({ path: artifact('wall-tasks.png') })
    expect(errors).toEqual([])
    await page.close()
  },
  BROWSER_TEST_MS,
)
