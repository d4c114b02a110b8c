import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { artifact, ensureClientBuilt, launchChromium, wallServer, watchErrors } from '../browser/harness.ts'
import { newId } from '../browser/seed.ts'
import { TOWN } from '../helpers/app.ts'
import { PHONE, openEntry, postAsOther, serverLog, showTab } from './entry-page.ts'

// The principal-person scoring form (记分) on a phone: the enterprise from the registry, the reason
// from the region's point table, the points picked when the table gives a range, and the score filed.

let server: Awaited<ReturnType<typeof wallServer>>
let browser: Browser

beforeAll(async () => {
  await ensureClientBuilt()
  server = await wallServer()
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

test('the scoring form files a score: problems beside the fields first, then principal.scored in the log', async () => {
  const enterpriseId = `ent-score-${Date.now().toString(36)}`
  const res = await postAsOther(server.url, [
    {
      id: newId('er'),
      type: 'enterprise.registered',
      enterpriseId,
      name: '泰兴市永安化工有限公司',
      town: TOWN,
      domain: 'production',
      riskLevel: 'significant',
    },
  ])
  expect(res.status).toBe(200)
  const context = await browser.newContext(PHONE)
  const page = await context.newPage()
  const errors = watchErrors(page)
  await openEntry(page, server.url)
  await showTab(page, 'score')
  const form = page.locator('[data-form="principal.scored"]')

  await form.locator('button[type="submit"]').click()
  await expect(form.locator('[data-error-for="enterpriseId"]').innerText()).resolves.toContain('必填')
  await expect(form.locator('[data-error-for="reason"]').innerText()).resolves.toContain('必填')

  await form.locator('[data-field="enterpriseId"] input[type="search"]').fill('永安')
  await form.locator(`.pick-card[data-enterprise="${enterpriseId}"]`).click()
  await form.locator(`.picked[data-enterprise="${enterpriseId}"]`).waitFor()
  // A reason scored 2–4: the points must be picked.
  await form.locator('[data-field="reason"] select').selectOption('rectification_overdue')
  await form.locator('button[type="submit"]').click()
  await expect(form.locator('[data-error-for="points"]').innerText()).resolves.toContain('必填')
  await form.locator('[data-field="points"] select').selectOption('3')
  await form.locator('[data-field="principal"] input').fill('李某')
  await page.screenshot({ path: artifact('entry-score.png'), fullPage: true })
  await form.locator('button[type="submit"]').click()
  await page.locator('.history-item[data-outcome="applied"]').waitFor()

  const scores = (await serverLog(server.url)).filter((e) => e.type === 'principal.scored')
  expect(scores).toMatchObject([
    { enterpriseId, reason: 'rectification_overdue', points: 3, principal: '李某' },
  ])
  expect(errors).toEqual([])
  await context.close()
}, 120_000)
