import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { counter } from './harness.ts'
import { formatInt } from '../../client/wall/format.ts'
import type { Summary } from '../../shared/summary.ts'

// Reads every figure a wall page shows and compares it with a summary (summarizeTown's, for a
// town's page): counters, trend, domains, funnel, risk, accidents, the campaign slot, overdue count.

export const value = async (page: Page, selector: string) =>
  Number(await page.locator(selector).getAttribute('data-value'))

/** The figures the page shows, against `want` (for a town's page: summarizeTown of the snapshot). */
export async function expectPageFigures(page: Page, want: Summary): Promise<void> {
  const k = want.kpis
  const counters = {
    hazardsFoundToday: k.hazardsFoundToday,
    hazardsClosedToday: k.hazardsClosedToday,
    hazardsOpen: k.hazardsOpen,
    hazardsOverdue: k.hazardsOverdue,
    majorHazardsOpen: k.majorHazardsOpen,
    rectificationRateYtd: k.rectificationRateYtd,
    inspectionsToday: k.inspectionsToday,
    significantAccidentsYtd: k.significantAccidentsYtd,
  }
  for (const [id, n] of Object.entries(counters)) expect((await counter(page, id)).value, id).toBe(n)
  expect(await page.locator('[data-kpi="hazardsFoundToday"] .kpi-sub').textContent()).toBe(
    `本年 ${formatInt(k.hazardsFoundYtd)}`,
  )
  expect(await page.locator('[data-kpi="hazardsClosedToday"] .kpi-sub').textContent()).toBe(
    `本年 ${formatInt(k.hazardsClosedYtd)}`,
  )
  const chart = (id: string, attr: string) => page.locator(`[data-chart="${id}"]`).getAttribute(attr)
  expect(await chart('trend', 'data-found')).toBe(want.trend.found.join(','))
  expect(await chart('trend', 'data-closed')).toBe(want.trend.closed.join(','))
  expect(await chart('domain', 'data-rows')).toBe(
    want.byDomain.map((r) => `${r.domain}:${r.major}/${r.general}/${r.overdue}`).join(','),
  )
  for (const step of want.funnel)
    expect(await value(page, `[data-status="${step.status}"] .count-up`), step.status).toBe(step.count)
  for (const [level, n] of Object.entries(want.risk.total))
    expect(await value(page, `[data-panel="risk"] [data-risk="${level}"] .count-up`), level).toBe(n)
  expect(await value(page, '[data-field="accidents"] .count-up')).toBe(k.accidentsYtd)
  expect(await value(page, '[data-field="deaths"] .count-up')).toBe(k.accidentDeathsYtd)
  expect(await page.locator('[data-field="yoy"]').textContent()).toContain(
    `上年同期 ${k.accidentsLastYearToDate} 起`,
  )
  await expectCampaignSlot(page, want)
  expect(await value(page, '[data-field="overdue-total"]')).toBe(k.hazardsOverdue)
}

/**
 * The campaign slot's figures against `want`: the pinned row of the sweep or the season, whichever
 * shows now (they take turns), or the all-time stop/resume panel when no campaign is dated.
 */
export async function expectCampaignSlot(page: Page, want: Summary): Promise<void> {
  const { sweep, season } = want.campaigns
  const k = want.kpis
  const shown = page.locator('[data-panel="sweep"], [data-panel="season"], [data-panel="resumption"]')
  await shown.first().waitFor()
  const panel = await shown.first().getAttribute('data-panel')
  const pinned = (field: string) =>
    value(page, `[data-panel="${panel}"] [data-town="all"] [data-field="${field}"]`)
  if (panel === 'sweep') {
    expect(await pinned('found')).toBe(sweep!.found)
    expect(await pinned('closed')).toBe(sweep!.closed)
  } else if (panel === 'season') {
    expect(await pinned('stopped')).toBe(season!.stopped)
    expect(await pinned('resumed')).toBe(season!.resumed)
    expect(await pinned('withoutCheck')).toBe(season!.withoutCheck)
  } else {
    expect(sweep ?? season).toBeNull()
    expect(await value(page, '[data-field="resumed"] .count-up')).toBe(k.enterprisesResumed)
    expect(await value(page, '[data-field="stopped"] .count-up')).toBe(k.enterprisesStopped)
    expect(await value(page, '[data-field="without-check"] .count-up')).toBe(k.enterprisesResumedWithoutCheck)
  }
}
