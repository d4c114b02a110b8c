import { expect, test } from 'vitest'
import { checkEvents, type AcceptedEvent } from '../../shared/events.ts'
import { Simulation } from '../../server/simulator/generator.ts'
import { region } from '../helpers/app.ts'

// The simulated city's principal-person scores: about twenty a month, most for its own accidents and
// overdue hazards, each naming a registered enterprise, each after what it is for.
const NOW = Date.parse('2026-11-20T15:30:00+08:00')

test('a month of history holds ~20 scores, mostly for its own accidents and overdue hazards', () => {
  const sim = new Simulation({ seed: 42, region: region, backfillDays: 30 })
  const events = sim.backfill(NOW)
  const scores = events.filter(
    (e): e is Extract<AcceptedEvent, { type: 'principal.scored' }> => e.type === 'principal.scored',
  )
  expect(scores.length).toBeGreaterThanOrEqual(10)
  expect(scores.length).toBeLessThanOrEqual(40)
  const registered = new Set(sim.enterprises.map((e) => e.id))
  for (const s of scores) expect(registered.has(s.enterpriseId)).toBe(true)
  // Tied to what happened: a hazard's or an accident's score comes after it, for its own enterprise.
  const byId = new Map(events.map((e) => [e.id, e]))
  const tied = scores.filter((s) => s.scoreId.endsWith(':ps'))
  expect(tied.length / scores.length).toBeGreaterThan(0.6)
  for (const s of tied) {
    const cause = byId.get(s.scoreId.slice(0, -3))
    if (!cause) continue // its hazard was found before the month
    expect(Date.parse(s.at)).toBeGreaterThan(Date.parse(cause.at))
  }
})

test('the register holds ~40 emergency resources in every town, and a quarter ~20 drills', () => {
  const sim = new Simulation({ seed: 7, region: region, backfillDays: 91 })
  const events = sim.backfill(Date.parse('2026-09-30T20:00:00+08:00'))
  const resources = events.filter((e) => e.type === 'resource.registered')
  expect(resources.length).toBeGreaterThanOrEqual(30)
  expect(resources.length).toBeLessThanOrEqual(60)
  expect(new Set(resources.map((e) => (e as { town: string }).town)).size).toBe(region.towns.length)
  const q3 = events.filter((e) => e.type === 'drill.completed' && e.at >= '2026-07-01')
  expect(q3.length).toBeGreaterThanOrEqual(10)
  expect(q3.length).toBeLessThanOrEqual(35)
})

test('the duty roster covers the month (and the day before it) with a pair a day, each a valid event', () => {
  const sim = new Simulation({ seed: 7, region: region, backfillDays: 0 })
  const now = Date.parse('2026-11-20T15:30:00+08:00')
  const roster = sim.adminEvents(now).filter((e) => e.type === 'duty.assigned')
  const days = roster.map((e) => (e as { day: string }).day)
  expect(days[0]).toBe('2026-10-31') // before 08:30 on 1 November it is still the 31st's pair
  expect(days).toContain('2026-11-30')
  expect(days.at(-1)).toBe('2026-12-31') // a demo left running crosses into next month
  expect(new Set(days).size).toBe(days.length)
  const checked = checkEvents({ events: roster }, { region, now })
  expect(checked.ok).toBe(true)
  // Consecutive days change hands.
  const [a, b] = roster as { leader: string; officer: string }[]
  expect(a.leader === b.leader && a.officer === b.officer).toBe(false)
  // A rerun of the seed assigns the same days under the same ids.
  expect(
    sim
      .adminEvents(now + 3_600_000)
      .filter((e) => e.type === 'duty.assigned')
      .map((e) => e.id),
  ).toEqual(roster.map((e) => e.id))
})

test('the work lists: ~30 items a quarter, defined before their progress, moving through their statuses', () => {
  const sim = new Simulation({ seed: 7, region: region, backfillDays: 0 })
  const now = Date.parse('2026-08-20T15:30:00+08:00')
  const events = sim.adminEvents(now).filter((e) => e.type.startsWith('task.'))
  expect(checkEvents({ events: events.slice(0, 500) }, { region, now }).ok).toBe(true)
  const defined = events.filter((e) => e.type === 'task.defined') as Extract<
    AcceptedEvent,
    { type: 'task.defined' }
  >[]
  expect(defined).toHaveLength(120)
  for (let q = 1; q <= 4; q++) expect(defined.filter((d) => d.quarter === q)).toHaveLength(30)
  const steps = events.filter((e) => e.type === 'task.progress') as Extract<
    AcceptedEvent,
    { type: 'task.progress' }
  >[]
  const firstDefined = Math.min(...defined.map((d) => Date.parse(d.at)))
  for (const s of steps) {
    expect(Date.parse(s.at)).toBeGreaterThan(firstDefined)
    expect(Date.parse(s.at)).toBeLessThanOrEqual(now)
  }
  // Q1: most done, some late or never; Q3 (under way): some started, few done; Q4: not started.
  const statusOf = (q: number) =>
    defined
      .filter((d) => d.quarter === q)
      .map((d) => steps.filter((s) => s.taskId === d.taskId).at(-1)?.status ?? 'not_started')
  const q1 = statusOf(1).filter((s) => s === 'done').length
  expect(q1).toBeGreaterThanOrEqual(20)
  expect(q1).toBeLessThan(30)
  expect(statusOf(3).filter((s) => s === 'in_progress').length).toBeGreaterThan(5)
  expect(statusOf(4).every((s) => s === 'not_started')).toBe(true)
})
