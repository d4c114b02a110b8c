import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { counter } from './harness.ts'
import { formatInt } from '../../client/wall/format.ts'
import type { Summary } from '../../shared/summary.ts'

// Reads every figure a wall page shows and compares it with a summary (summarizeTown's, for a
// town's page): counters, trend, domains, funnel, risk, accidents, resumption, overdue count.

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
  expect(await value(page, '[data-field="resumed"] .count-up')).toBe(k.enterprisesResumed)
  expect(await value(page, '[data-field="stopped"] .count-up')).toBe(k.enterprisesStopped)
  expect(await value(page, '[data-field="without-check"] .count-up')).toBe(k.enterprisesResumedWithoutCheck)
  expect(await value(page, '[data-field="overdue-total"]')).toBe(k.hazardsOverdue)
}
