import { describe, expect, test } from 'vitest'
import { checkEvents, type AcceptedEvent } from '../../shared/events.ts'
import { HazardSource, type HazardStatus } from '../../shared/enums.ts'
import { DEADLINE_RUNS_IN, isLegalTransition } from '../../shared/hazard.ts'
import { accidentGrade } from '../../shared/accident.ts'
import { addDays, daysEnding, deadlineMs, regionDay } from '../../shared/time.ts'
import { Simulation } from '../../server/simulator/generator.ts'
import { region } from '../helpers/app.ts'

// The generator alone: no server. A Friday afternoon in November; the Spring Festival of 2026
// (17 February) lies in the past, so every stop and resumption of it is history.
const NOW = Date.parse('2026-11-20T15:30:00+08:00')
const TZ = region.timeZone
const EDZ = '321283EDZ'
const BINJIANG = '321283123'

/** A run: the backfill at `now`, then `steps` live events a quarter second apart. */
function simulate(seed: number, now = NOW, steps = 1500) {
  const sim = new Simulation({ seed, region: region, backfillDays: 30 })
  const backfill = sim.backfill(now)
  const live: AcceptedEvent[] = []
  let t = now
  while (live.length < steps) live.push(...sim.next((t += 250)))
  return { sim, backfill, live, end: t }
}

const base = simulate(42)

describe('determinism', () => {
  test('the same seed and clock make the same city, event for event', () => {
    const again = simulate(42)
    expect(again.backfill).toEqual(base.backfill)
    expect(again.live).toEqual(base.live)
  })

  test('another seed makes another city', () => {
    const other = simulate(43)
    const names = new Set(base.sim.enterprises.map((e) => e.name))
    const shared = other.sim.enterprises.filter((e) => names.has(e.name)).length
    expect(shared).toBeLessThan(30) // of 300: chance coincidences of a two-character trade name only
    expect(other.backfill.length).not.toBe(base.backfill.length)
    expect(other.backfill.every((e) => e.id.startsWith('sim43-'))).toBe(true)
  })

  test('a re-run later never gives an id another meaning, so the server can answer "duplicate"', () => {
    const withoutAt = ({ at, ...rest }: AcceptedEvent) => rest
    for (const later of [NOW + 5 * 3600_000, NOW + 2 * 86_400_000]) {
      const rerun = simulate(42, later)
      const first = new Map([...base.backfill, ...base.live].map((e) => [e.id, withoutAt(e)]))
      let common = 0
      for (const e of [...rerun.backfill, ...rerun.live]) {
        const before = first.get(e.id)
        if (!before) continue
        common++
        expect(withoutAt(e), e.id).toEqual(before)
      }
      expect(common).toBeGreaterThan(5000)
    }
  })
})

describe('what the server will accept', () => {
  test('every event passes the server’s validation', () => {
    for (const [events, now] of [
      [base.backfill, NOW],
      [base.live, base.end],
    ] as const) {
      for (let i = 0; i < events.length; i += 500) {
        const checked = checkEvents({ events: events.slice(i, i + 500) }, { region, now })
        expect(checked.ok ? [] : checked.details).toEqual([])
      }
    }
  })

  test('every id is new, hazards move only by legal steps, work only for registered enterprises', () => {
    const ids = new Set<string>()
    const status = new Map<string, HazardStatus>()
    const registered = new Set<string>()
    const problems: string[] = []
    let last = 0
    for (const e of [...base.backfill, ...base.live]) {
      if (ids.has(e.id)) problems.push(`${e.id} sent twice`)
      ids.add(e.id)
      const at = Date.parse(e.at)
      if (at < last) problems.push(`${e.id} goes back in time`)
      last = at
      if (e.type === 'hazard.reported') {
        if (status.has(e.hazardId)) problems.push(`${e.hazardId} reported twice`)
        status.set(e.hazardId, 'reported')
      } else if (e.type === 'hazard.status') {
        const from = status.get(e.hazardId)
        if (!from || !isLegalTransition(from, e.status)) problems.push(`${e.hazardId}: ${from} → ${e.status}`)
        status.set(e.hazardId, e.status)
      } else if (e.type === 'enterprise.registered') registered.add(e.enterpriseId)
      else if (e.type === 'enterprise.work' && !registered.has(e.enterpriseId))
        problems.push(`${e.enterpriseId} works unregistered`)
    }
    expect(problems).toEqual([])
    expect(status.size).toBeGreaterThan(1000)
  })
})

describe('a believable month in Taixing', () => {
  const enterprises = base.sim.enterprises
  const ofType = <T extends AcceptedEvent['type']>(type: T) =>
    base.backfill.filter((e): e is Extract<AcceptedEvent, { type: T }> => e.type === type)

  test('a few hundred enterprises: few red, more orange, most yellow or blue; chemicals in the park', () => {
    expect(enterprises.length).toBe(300)
    const level = (l: string) => enterprises.filter((e) => e.riskLevel === l).length
    expect(level('major')).toBeGreaterThan(0)
    expect(level('major')).toBeLessThan(level('significant'))
    expect(level('significant')).toBeLessThan(level('general') + level('low'))
    expect(level('major') / enterprises.length).toBeLessThan(0.1)
    const chemicals = enterprises.filter((e) => e.industry === 'hazardous_chemicals')
    expect(chemicals.length).toBeGreaterThan(30)
    expect(
      chemicals.filter((e) => e.town === EDZ || e.town === BINJIANG).length / chemicals.length,
    ).toBeGreaterThan(0.85)
    expect(
      new Set(enterprises.filter((e) => e.industry === 'construction').map((e) => e.town)).size,
    ).toBeGreaterThan(10)
    expect(new Set(enterprises.map((e) => e.name)).size).toBe(300)
    expect(
      chemicals.every(
        (e) => /(泰兴|江苏)/.test(e.name) && /(化工|化学|石化仓储|新材料科技).*有限公司$/.test(e.name),
      ),
    ).toBe(true)
  })

  test('hazards found every day of the month, more on weekdays, mostly general, found by inspections', () => {
    const reported = ofType('hazard.reported')
    const perDay = new Map<string, number>()
    for (const h of reported)
      perDay.set(regionDay(Date.parse(h.at), TZ), (perDay.get(regionDay(Date.parse(h.at), TZ)) ?? 0) + 1)
    const days = daysEnding(regionDay(NOW, TZ), 30)
    expect(days.filter((d) => (perDay.get(d) ?? 0) > 0).length).toBe(30)
    const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() % 6 !== 0
    const mean = (ds: string[]) => ds.reduce((s, d) => s + (perDay.get(d) ?? 0), 0) / ds.length
    const past = days.slice(0, -1) // today is not over
    expect(mean(past.filter(weekday))).toBeGreaterThan(2 * mean(past.filter((d) => !weekday(d))))
    const majors = reported.filter((h) => h.grade === 'major').length
    expect(majors).toBeGreaterThan(0)
    expect(majors / reported.length).toBeLessThan(0.03)
    expect(reported.every((h) => h.source && HazardSource.values.includes(h.source))).toBe(true)
    const bySource = (s: string) => reported.filter((h) => h.source === s).length
    expect(bySource('routine')).toBeGreaterThan(reported.length / 2)
    // An inspection's count is the hazards reported with it (their ids are the inspection's plus -H<n>).
    const perInspection = new Map<string, number>()
    for (const h of reported)
      perInspection.set(
        h.hazardId.replace(/-H\d+$/, ''),
        (perInspection.get(h.hazardId.replace(/-H\d+$/, '')) ?? 0) + 1,
      )
    for (const i of ofType('inspection.completed'))
      expect(perInspection.get(i.inspectionId) ?? 0, i.id).toBe(i.hazardsFound)
  })

  test('rectification runs: some fixed on the spot, most closed in time, some failing acceptance, some overdue now', () => {
    const status = new Map<string, HazardStatus>()
    const moves = new Map<string, HazardStatus[]>()
    for (const e of base.backfill) {
      if (e.type === 'hazard.reported') status.set(e.hazardId, 'reported')
      if (e.type === 'hazard.status') {
        status.set(e.hazardId, e.status)
        moves.set(e.hazardId, [...(moves.get(e.hazardId) ?? []), e.status])
      }
    }
    const paths = [...moves.values()].map((m) => m.join('>'))
    expect(paths.filter((p) => p === 'closed').length).toBeGreaterThan(100) // 即查即改
    expect(paths.filter((p) => p.includes('awaiting_acceptance>rectifying')).length).toBeGreaterThan(5) // 验收不通过
    const closed = [...status.values()].filter((s) => s === 'closed').length
    expect(closed / status.size).toBeGreaterThan(0.6)
    const deadline = new Map(ofType('hazard.reported').map((h) => [h.hazardId, h.deadline]))
    const passed = new Map<string, boolean>() // by date: deadlineMs is slow, the dates are few
    const isPast = (date: string) =>
      passed.get(date) ?? passed.set(date, deadlineMs(date, TZ) < NOW).get(date)!
    const overdue = [...status].filter(([id, s]) => DEADLINE_RUNS_IN.includes(s) && isPast(deadline.get(id)!))
    expect(overdue.length).toBeGreaterThan(5)
    expect(overdue.length / status.size).toBeLessThan(0.1)
  })

  test('a few accidents, general ones, at most one significant', () => {
    const accidents = ofType('accident.reported').filter(
      (a) => Date.parse(a.at) >= Date.parse(`${addDays(regionDay(NOW, TZ), -29)}T00:00:00+08:00`),
    )
    expect(accidents.length).toBeGreaterThan(0)
    expect(accidents.length).toBeLessThan(15)
    const grades = accidents.map((a) => accidentGrade(a))
    expect(grades.filter((g) => g !== 'general').length).toBeLessThanOrEqual(1)
    expect(accidents.every((a) => a.title && a.title.endsWith('事故'))).toBe(true)
  })

  test('Spring Festival: enterprises stop before it and resume after, nearly all after a pre-resumption check', () => {
    const springFestival = Date.parse('2026-02-17T00:00:00+08:00')
    const work = ofType('enterprise.work').filter((w) => w.id.includes(':sf2026:'))
    const stops = work.filter((w) => w.state === 'stopped')
    const resumes = work.filter((w) => w.state === 'resumed')
    expect(stops.length).toBeGreaterThan(100)
    expect(stops.every((w) => Date.parse(w.at) < springFestival)).toBe(true)
    expect(resumes.every((w) => Date.parse(w.at) > springFestival)).toBe(true)
    expect(resumes.length).toBe(stops.length) // by November everyone is back
    const unchecked = resumes.filter((w) => !w.preCheckDone).length
    expect(unchecked).toBeGreaterThan(0)
    expect(unchecked / resumes.length).toBeLessThan(0.1)
    const checks = ofType('inspection.completed').filter((i) => i.id.includes('-SF2026'))
    expect(checks.length).toBe(resumes.length - unchecked)
    const stoppedIndustries = new Set(
      stops.map((w) => enterprises.find((e) => e.id === w.enterpriseId)!.industry),
    )
    expect(stoppedIndustries.has('construction')).toBe(true)
    expect(stoppedIndustries.has('urban_gas')).toBe(false) // the gas keeps flowing over the holiday
  })

  test('titles read like an inspector’s ledger', () => {
    const titles = new Set(ofType('hazard.reported').map((h) => h.title))
    expect(titles.size).toBeGreaterThan(80)
    for (const t of [
      '消防通道堆放杂物',
      '脚手架连墙件缺失',
      '配电箱未接地',
      '危化品储罐区可燃气体报警器失效',
    ])
      expect([...titles]).toContain(t)
  })
})

describe('the live flow', () => {
  test('keeps finding and closing hazards at about the same pace, with every kind of step', () => {
    const count = (pred: (e: AcceptedEvent) => boolean) => base.live.filter(pred).length
    const found = count((e) => e.type === 'hazard.reported')
    const closed = count((e) => e.type === 'hazard.status' && e.status === 'closed')
    expect(found).toBeGreaterThan(200)
    expect(closed / found).toBeGreaterThan(0.7)
    expect(closed / found).toBeLessThan(1.4)
    for (const s of ['rectifying', 'awaiting_acceptance'] as const)
      expect(count((e) => e.type === 'hazard.status' && e.status === s)).toBeGreaterThan(50)
    expect(count((e) => e.type === 'inspection.completed')).toBeGreaterThan(100)
    expect(base.live.every((e) => Date.parse(e.at) <= base.end && Date.parse(e.at) >= NOW)).toBe(true)
  })
})
