import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { ensureClientBuilt, launchChromium, wallServer, watchErrors } from '../browser/harness.ts'
import { newId } from '../browser/seed.ts'
import { TOWN } from '../helpers/app.ts'
import { PHONE, openEntry, postAsOther, serverLog, showTab, waitForWaiting } from './entry-page.ts'

// An inspector opens the page once online and walks into a yard with no signal: every form must
// work from what the page kept when it opened (not only the tabs they happened to open online).
// And on a plain-http LAN address, where a browser keeps no page for offline use, the page says so.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser
const SLOW = 120_000
/** A name for the server that is neither localhost nor https: what a LAN address is to a browser. */
const LAN_HOST = 'lookout-lan.test'

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  browser = await launchChromium([`--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`])
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

test(
  'a status move offline works though the 隐患进度 tab was never opened online',
  async () => {
    const hazardId = `hz-${newId('off')}`
    const title = `配电房门锁损坏（${hazardId}）`
    const reported = {
      id: newId('rep'),
      type: 'hazard.reported' as const,
      hazardId,
      town: TOWN,
      domain: 'fire',
      grade: 'general' as const,
      title,
      deadline: '2099-01-01',
    }
    expect((await postAsOther(server.url, [reported])).status).toBe(200)

    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const errors = watchErrors(page)
    await openEntry(page, server.url) // opens on the first tab; 隐患进度 is never shown online
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('lookout.entry.hazards') ?? ''))
      .toContain(hazardId)

    await context.setOffline(true)
    await page.reload()
    await page.locator('[data-form]').waitFor()
    await showTab(page, 'status')
    await page.locator('input[type="search"]').fill(hazardId)
    await page.locator(`.pick-card[data-hazard="${hazardId}"]`).click()
    await page.locator('[data-form="hazard.status"] button[type="submit"]').click()
    await waitForWaiting(page, 1)

    await context.setOffline(false)
    await waitForWaiting(page, 0)
    const moves = (await serverLog(server.url)).filter(
      (e) => e.type === 'hazard.status' && e.hazardId === hazardId,
    )
    expect(moves).toHaveLength(1)
    // Requests the page made while offline fail, as they should; nothing else may.
    expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([])
    await context.close()
  },
  SLOW,
)

test(
  'on a plain-http address that is not localhost the page tells the reporter to keep it open; on localhost it does not',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const lanUrl = server.url.replace('127.0.0.1', LAN_HOST)
    await openEntry(page, lanUrl)
    const notice = page.locator('.insecure-notice')
    await expect(notice.innerText()).resolves.toContain('断网后无法重新打开')
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false)

    await openEntry(page, server.url)
    await page.locator('.outbox-status').waitFor()
    expect(await notice.count()).toBe(0)
    await context.close()
  },
  SLOW,
)
