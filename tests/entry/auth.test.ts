import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { artifact, ensureClientBuilt, launchChromium } from '../browser/harness.ts'
import { newId } from '../browser/seed.ts'
import { privateRedis } from '../helpers/redis.ts'
import { region, testApp, TOWN, TOWN2 } from '../helpers/app.ts'
import { listen } from '../helpers/viewers.ts'
import { newToken, writeTokensFile } from '../../server/auth/tokens.ts'
import type { App } from '../../server/app.ts'
import {
  PHONE,
  historyRows,
  openEntry,
  postAsOther,
  reportHazard,
  serverLog,
  showTab,
  waitForWaiting,
} from './entry-page.ts'

// The entry page with tokens on: a reporter pastes a token once; a missing or refused token is
// said plainly and nothing is lost; a town the token does not cover is named in the refusal.

let redis: Awaited<ReturnType<typeof privateRedis>>
let app: App
let url: string
let browser: Browser
let dir: string
const SLOW = 120_000
const townReporter = newToken({ name: '济川街道安监办', role: 'reporter', towns: [TOWN] })
const admin = newToken({ name: '系统管理员', role: 'admin' })
const viewer = newToken({ name: '指挥中心大屏', role: 'viewer' })
const asAdmin = { authorization: `Bearer ${admin.token}` }
const DOMAIN = region.domains[0].id

beforeAll(async () => {
  await ensureClientBuilt()
  dir = mkdtempSync(join(tmpdir(), 'lookout-entry-tokens-'))
  const tokensFile = join(dir, 'tokens.json')
  writeTokensFile(tokensFile, [townReporter.record, admin.record, viewer.record])
  redis = await privateRedis()
  app = await testApp({ redisUrl: redis.url, config: { auth: 'tokens', tokensFile } })
  url = await listen(app)
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await redis?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

const logged = async (title: string) =>
  (await serverLog(url, asAdmin)).filter((e) => e.type === 'hazard.reported' && e.title === title)

async function saveToken(page: import('playwright-core').Page, token: string): Promise<void> {
  // Wait until the page knows whether it needs a token: it then opens the settings itself, and a
  // click on "settings" just before that would close them again.
  await page.locator('[data-panel="settings"], [data-form]').first().waitFor()
  if (!(await page.locator('[data-panel="settings"]').isVisible()))
    await page.locator('[data-action="settings"]').click()
  await page.locator('#token-input').fill(token)
  await page.locator('[data-panel="settings"] button[type="submit"]').click()
}

test(
  'without a token the page asks for one; pasted once, it is kept and the forms work',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    const asked = page.locator('[data-error-for="token"]')
    await asked.waitFor()
    await expect(asked.innerText()).resolves.toContain('服务器要求令牌')
    await page.screenshot({ path: artifact('entry-token-needed.png') })

    await saveToken(page, townReporter.token)
    await page.locator('[data-form="hazard.reported"]').waitFor()
    await expect(page.locator('.token-state').innerText()).resolves.toContain(townReporter.token.slice(-4))
    await page.reload()
    await page.locator('[data-form="hazard.reported"]').waitFor()
    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '压力表超过检定有效期（令牌）' })
    await page.locator('.history-item[data-outcome="applied"]').waitFor()
    const [event] = await logged('压力表超过检定有效期（令牌）')
    expect(event).toMatchObject({ town: TOWN, by: '济川街道安监办' })
    await context.close()
  },
  SLOW,
)

test(
  'a town-limited token is offered only its towns, already chosen, and no import',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    await saveToken(page, admin.token)
    await page.locator('[data-tab="import"]').waitFor()
    const offered = () =>
      page
        .locator('[data-form="hazard.reported"] [data-field="town"] option:not([disabled])')
        .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))
    await expect.poll(offered).toHaveLength(region.towns.length)

    await saveToken(page, townReporter.token)
    await expect.poll(offered).toEqual([TOWN])
    expect(await page.locator('[data-form="hazard.reported"] [data-field="town"] select').inputValue()).toBe(
      TOWN,
    )
    await expect.poll(() => page.locator('[data-tab="import"]').count()).toBe(0)
    // Nothing to choose among in the settings either.
    expect(await page.locator('[data-field="myTowns"]').count()).toBe(0)
    await context.close()
  },
  SLOW,
)

test(
  'narrowing the reporter’s towns clears a chosen town that is no longer offered, instead of swapping it for another',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    await saveToken(page, admin.token)
    const town = page.locator('[data-form="hazard.reported"] [data-field="town"] select')
    await town.selectOption(TOWN2)
    // In the settings (still open), keep only TOWN: the form must not file the hazard there unasked.
    if (!(await page.locator('[data-panel="settings"]').isVisible()))
      await page.locator('[data-action="settings"]').click()
    await page
      .locator(`[data-field="myTowns"] label:has-text("${region.townByCode.get(TOWN)!.name}")`)
      .click()
    await expect.poll(() => town.inputValue()).toBe('')
    expect(await town.locator('option:not([disabled])').count()).toBe(1)
    await context.close()
  },
  SLOW,
)

test(
  'a hazard waiting in the outbox for a town the new token does not cover is refused (403) naming the town, and nothing is applied',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    // Reported offline under the admin's token; sent once the reporter's own token is in place.
    await saveToken(page, admin.token)
    await page.locator('[data-form="hazard.reported"]').waitFor()
    await context.setOffline(true)
    await reportHazard(page, { town: TOWN2, domain: DOMAIN, title: '叉车未定期检验（他镇）' })
    await waitForWaiting(page, 1)
    await saveToken(page, townReporter.token)
    await context.setOffline(false)
    const refused = page.locator('.history-item[data-outcome="refused"]')
    await refused.waitFor()
    const townName = region.townByCode.get(TOWN2)!.name
    await expect(refused.innerText()).resolves.toContain(`您的令牌无权上报 ${townName}`)
    // The bar says so until the reporter looks, not "all sent".
    const bar = page.locator('.outbox-status')
    await expect(bar.innerText()).resolves.toContain('1 条被拒绝')
    expect(await bar.getAttribute('class')).toContain('outbox-status--alarm')
    await page.screenshot({ path: artifact('entry-forbidden-town.png'), fullPage: true })
    await bar.getByRole('button', { name: '查看' }).click()
    await expect.poll(() => bar.innerText()).toContain('全部已发送')
    expect(await logged('叉车未定期检验（他镇）')).toEqual([])
    await context.close()
  },
  SLOW,
)

test(
  'a refused token keeps the submission waiting and says so; a good token sends it, once',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    await saveToken(page, townReporter.token)
    await page.locator('[data-form="hazard.reported"]').waitFor()
    await saveToken(page, 'lk_revoked-or-mistyped-token')

    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '砂轮机防护罩缺失（令牌失效）' })
    await page.locator('.outbox-status[data-state="unauthorized"]').waitFor()
    await waitForWaiting(page, 1)
    await expect(page.locator('.outbox-status').innerText()).resolves.toContain('令牌无效')
    await expect(page.locator('[data-error-for="token"]').innerText()).resolves.toContain('不接受这个令牌')
    await page.screenshot({ path: artifact('entry-token-refused.png') })
    expect(await logged('砂轮机防护罩缺失（令牌失效）')).toEqual([])

    await saveToken(page, townReporter.token)
    await waitForWaiting(page, 0)
    expect(
      (await historyRows(page)).filter((r) => r.text.includes('令牌失效')).map((r) => r.outcome),
    ).toEqual(['applied'])
    expect(await logged('砂轮机防护罩缺失（令牌失效）')).toHaveLength(1)
    await context.close()
  },
  SLOW,
)

test(
  'a token that may only view is said to be one before anything is sent; a report waits for a reporter token, then goes once',
  async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    await saveToken(page, viewer.token)
    await page.locator('[data-form="hazard.reported"]').waitFor()
    const bar = page.locator('.outbox-status')
    await expect.poll(() => bar.innerText()).toContain('这个令牌只能查看，不能上报')
    expect(await bar.innerText()).not.toContain('全部已发送')
    // Its button takes the reporter to the token box (the settings open by themselves).
    await bar.getByRole('button', { name: '填写令牌' }).click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('token-input')

    // Sent anyway (an answer cached before the token was a viewer's): refused for the token, kept.
    await reportHazard(page, { town: TOWN, domain: DOMAIN, title: '消防通道堵塞（查看令牌）' })
    await page.locator('.outbox-status[data-state="unauthorized"]').waitFor()
    await waitForWaiting(page, 1)
    expect(await logged('消防通道堵塞（查看令牌）')).toEqual([])

    await saveToken(page, townReporter.token)
    await waitForWaiting(page, 0)
    await expect.poll(() => bar.innerText()).toContain('全部已发送')
    expect(await logged('消防通道堵塞（查看令牌）')).toHaveLength(1)
    await context.close()
  },
  SLOW,
)

test(
  'the open hazards to update are only those of the token’s towns',
  async () => {
    const mine = `hz-mine-${Date.now().toString(36)}`
    const theirs = `hz-theirs-${Date.now().toString(36)}`
    const res = await postAsOther(
      url,
      [
        {
          id: newId('tw'),
          type: 'hazard.reported',
          hazardId: mine,
          town: TOWN,
          domain: DOMAIN,
          grade: 'general',
          title: '本镇隐患（列表）',
          deadline: '2099-01-01',
        },
        {
          id: newId('tw'),
          type: 'hazard.reported',
          hazardId: theirs,
          town: TOWN2,
          domain: DOMAIN,
          grade: 'general',
          title: '他镇隐患（列表）',
          deadline: '2099-01-01',
        },
      ],
      asAdmin,
    )
    expect(res.status).toBe(200)
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    await saveToken(page, townReporter.token)
    await openEntry(page, url)
    await showTab(page, 'status')
    await page.locator('input[type="search"]').fill('（列表）')
    await page.locator(`.pick-card[data-hazard="${mine}"]`).waitFor()
    expect(await page.locator(`.pick-card[data-hazard="${theirs}"]`).count()).toBe(0)

    // A token the server refuses: the picker says the server's answer (not "no network" with the
    // list saved on the phone).
    await saveToken(page, 'lk_revoked-or-mistyped-token')
    await showTab(page, 'status')
    await expect.poll(() => page.locator('[data-list-error]').getAttribute('data-list-error')).toBe('server')
    expect(await page.locator('[data-list-saved]').count()).toBe(0)
    await context.close()
  },
  SLOW,
)

test(
  'the enterprises to pick are only those of the token’s towns',
  async () => {
    const stamp = Date.now().toString(36)
    const res = await postAsOther(
      url,
      [
        {
          id: newId('te'),
          type: 'enterprise.registered',
          enterpriseId: `ent-mine-${stamp}`,
          name: '本镇企业（列表）',
          town: TOWN,
          domain: DOMAIN,
          riskLevel: 'low',
        },
        {
          id: newId('te'),
          type: 'enterprise.registered',
          enterpriseId: `ent-theirs-${stamp}`,
          name: '他镇企业（列表）',
          town: TOWN2,
          domain: DOMAIN,
          riskLevel: 'low',
        },
      ],
      asAdmin,
    )
    expect(res.status).toBe(200)
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${url}/entry`)
    await saveToken(page, townReporter.token)
    await openEntry(page, url)
    await showTab(page, 'enterprise')
    await page.locator('[data-form="enterprise.work"] input[type="search"]').fill('（列表）')
    await page.locator(`.pick-card[data-enterprise="ent-mine-${stamp}"]`).waitFor()
    expect(await page.locator(`.pick-card[data-enterprise="ent-theirs-${stamp}"]`).count()).toBe(0)
    await context.close()
  },
  SLOW,
)
