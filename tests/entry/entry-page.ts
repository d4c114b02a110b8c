import type { Page } from 'playwright-core'
import type { LookoutEvent } from '../../shared/events.ts'

// Driving the entry page as a reporter does: tap a section, fill the fields, submit; and reading
// what the page tells them (waiting count, answers, errors beside fields).

/** A phone in Taixing: 360×740, touch, Chinese. */
export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
}

export async function openEntry(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/entry`)
  await page.locator('[data-form]').waitFor()
}

export async function showTab(
  page: Page,
  id: 'hazard' | 'status' | 'inspection' | 'accident' | 'enterprise' | 'score',
): Promise<void> {
  await page.locator(`[data-tab="${id}"]`).click()
  await page.locator('[role="tabpanel"] [data-form]').waitFor()
}

/** Fills and submits the "hazard found" form. */
export async function reportHazard(
  page: Page,
  h: { town: string; domain: string; title: string; grade?: 'general' | 'major' },
): Promise<void> {
  await showTab(page, 'hazard')
  const form = page.locator('[data-form="hazard.reported"]')
  await form.locator('[data-field="town"] select').selectOption(h.town)
  await form.locator('[data-field="domain"] select').selectOption(h.domain)
  if (h.grade) await form.locator(`[data-field="grade"] input[value="${h.grade}"]`).check({ force: true })
  await form.locator('[data-field="title"] textarea').fill(h.title)
  await form.locator('button[type="submit"]').click()
}

/** How many submissions the page says are waiting. */
export async function waiting(page: Page): Promise<number> {
  return Number(await page.locator('.outbox-status').getAttribute('data-pending'))
}

export async function waitForWaiting(page: Page, n: number): Promise<void> {
  await page.locator(`.outbox-status[data-pending="${n}"]`).waitFor()
}

/** The history rows as shown: outcome and the text of the row. */
export async function historyRows(page: Page): Promise<{ outcome: string; text: string }[]> {
  return page.locator('.history-item').evaluateAll((rows) =>
    rows.map((r) => ({
      outcome: r.getAttribute('data-outcome') ?? '',
      text: (r as HTMLElement).innerText,
    })),
  )
}

/** Every logged event of the server (GET /api/events, all pages). */
export async function serverLog(
  baseUrl: string,
  headers: Record<string, string> = {},
): Promise<LookoutEvent[]> {
  const events: LookoutEvent[] = []
  let after = 0
  for (;;) {
    const res = await fetch(`${baseUrl}/api/events?after=${after}&limit=1000`, { headers })
    const page = (await res.json()) as {
      entries: { seq: number; event: LookoutEvent }[]
      next: number | null
    }
    events.push(...page.entries.map((e) => e.event))
    if (page.next === null) return events
    after = page.next
  }
}

export async function kpis(
  baseUrl: string,
  headers: Record<string, string> = {},
): Promise<Record<string, number>> {
  const snap = (await (await fetch(`${baseUrl}/api/snapshot`, { headers })).json()) as {
    kpis: Record<string, number>
  }
  return snap.kpis
}

/** POSTs events as another reporter (or system) would, outside the page. */
export async function postAsOther(
  baseUrl: string,
  events: LookoutEvent[],
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ events }),
  })
}
