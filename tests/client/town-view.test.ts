import { describe, expect, test } from 'vitest'
import { keepTownLines, summarizeTown, townState } from '../../shared/town-view.ts'
import { dailyWindow, inDailyWindow, summarize } from '../../shared/summary.ts'
import { emptyState } from '../../shared/state.ts'
import { DAILY, dailyKey, townDailyKey } from '../../shared/cells.ts'
import { LIMITS } from '../../shared/limits.ts'
import { daysEnding, lastYearSamePeriod } from '../../shared/time.ts'
import { region } from '../helpers/app.ts'
import { searchWithTown, townAsked } from '../../client/wall/town-address.ts'
import type { TickerItem, WallState } from '../../shared/protocol.ts'

// A town's page shows the state as that town alone has it (townState): its figures are, by
// construction, the city page's figures for that town.

const DAY = '2026-03-10'
const towns = region.towns.map((t) => t.code)

/** A state with cells in every town, domain and grade, and per-town daily totals the city's sum up to. */
function regionState(): WallState {
  const s = emptyState(DAY)
  s.seq = 500
  let v = 1
  const next = (mod: number) => v++ % mod
  for (const town of towns) {
    for (const d of region.domains) {
      for (const g of ['major', 'general']) {
        for (const m of [
          'hz.reported',
          'hz.rectifying',
          'hz.awaiting_acceptance',
          'hz.overdue',
          'hz.duesoon',
        ])
          s.now[`${m}|${town}|${d.id}|${g}`] = next(7)
        for (const m of ['hz.found', 'hz.closed']) {
          s.year[`${m}|${town}|${d.id}|${g}`] = next(40) + 3
          s.today[`${m}|${town}|${d.id}|${g}`] = next(3)
        }
      }
      for (const level of ['major', 'significant', 'general', 'low'])
        s.now[`ent.risk|${town}|${d.id}|${level}`] = next(9)
      for (const m of ['ent.stopped', 'ent.resumed', 'ent.resumed_nocheck'])
        s.now[`${m}|${town}|${d.id}|-`] = next(4)
      s.today[`insp|${town}|${d.id}|-`] = next(5)
      s.year[`acc|${town}|${d.id}|general`] = next(2)
      s.year[`acc.deaths|${town}|${d.id}|general`] = next(2)
    }
    s.now[`alarm.open|${town}|-|accident`] = next(3)
    const add = (day: string, name: string, n: number) => {
      if (!n) return
      s.daily[townDailyKey(day, name, town)] = n
      s.daily[dailyKey(day, name)] = (s.daily[dailyKey(day, name)] ?? 0) + n
    }
    for (const day of daysEnding(DAY, LIMITS.trendDays)) {
      add(day, DAILY.found, next(5))
      add(day, DAILY.closed, next(4))
    }
    for (const day of lastYearSamePeriod(DAY).filter((_, i) => i % 11 === 0)) {
      add(day, DAILY.accidents, next(2))
      add(day, DAILY.deaths, next(2))
    }
  }
  // Region-wide cells of other kinds (a work list's), which no town has.
  s.year['task.done|-|-|q1'] = 4
  s.ticker = towns
    .slice(0, 6)
    .map((town, i) => ({ seq: 500 - i, at: '2026-03-10T08:00:00+08:00', type: 'hazard.reported', town }))
  s.overdue = towns.slice(0, 4).map((town, i) => ({
    hazardId: `HZ-${i}`,
    title: 't',
    town,
    domain: 'fire',
    grade: 'general',
    status: 'reported',
    deadline: i,
  }))
  return s
}

describe('townState and summarizeTown', () => {
  const s = regionState()
  const city = summarize(s, region)

  test("each town's figures are its row of the city's ranking and its risk mix", () => {
    for (const town of towns) {
      const k = summarizeTown(s, region, town).kpis
      const row = city.byTown.find((r) => r.town === town)!
      expect(k).toMatchObject({
        hazardsOpen: row.open,
        hazardsOverdue: row.overdue,
        majorHazardsOpen: row.majorOpen,
        hazardsFoundToday: row.foundToday,
        hazardsFoundYtd: row.foundYtd,
        hazardsClosedYtd: row.closedYtd,
        rectificationRateYtd: row.rectificationRateYtd,
      })
      const { town: _, ...levels } = city.risk.byTown.find((r) => r.town === town)!
      expect(summarizeTown(s, region, town).risk.total).toEqual(levels)
    }
  })

  test("the towns' figures add up to the city's: counters, trend, domains, funnel, last year", () => {
    const each = towns.map((town) => summarizeTown(s, region, town))
    const sum = (f: (x: ReturnType<typeof summarize>) => number) => each.reduce((n, x) => n + f(x), 0)
    for (const key of Object.keys(city.kpis) as (keyof typeof city.kpis)[]) {
      if (key.toLowerCase().includes('rate')) continue
      expect(
        sum((x) => x.kpis[key] as number),
        key,
      ).toBe(city.kpis[key])
    }
    expect(city.kpis.accidentsLastYearToDate).toBeGreaterThan(0)
    city.trend.found.forEach((n, i) => expect(sum((x) => x.trend.found[i])).toBe(n))
    city.trend.closed.forEach((n, i) => expect(sum((x) => x.trend.closed[i])).toBe(n))
    city.byDomain.forEach((row, i) => expect(sum((x) => x.byDomain[i].major)).toBe(row.major))
    city.funnel.forEach((step, i) => expect(sum((x) => x.funnel[i].count)).toBe(step.count))
  })

  test("a town's state holds its cells and lines only, its daily totals under the city's names", () => {
    const town = towns[2]
    const t = townState(s, town)
    for (const scope of ['now', 'today', 'year'] as const)
      expect(Object.keys(t[scope]).every((k) => k.split('|')[1] === town)).toBe(true)
    expect(t.year['task.done|-|-|q1']).toBeUndefined()
    const day = daysEnding(DAY, LIMITS.trendDays)[0]
    expect(t.daily[dailyKey(day, DAILY.found)]).toBe(s.daily[townDailyKey(day, DAILY.found, town)])
    expect(Object.keys(t.daily).every((k) => k.split('|').length === 2)).toBe(true)
    expect(t.ticker.map((l) => l.seq)).toEqual([498])
    expect(t.overdue.map((o) => o.hazardId)).toEqual(['HZ-2'])
    expect([t.seq, t.day]).toEqual([s.seq, s.day])
    // An unknown town has nothing (the wall never asks for one: it shows the city instead).
    expect(summarizeTown(s, region, 'nowhere').kpis.hazardsOpen).toBe(0)
  })
})

describe('keepTownLines', () => {
  const line = (seq: number, town: string): TickerItem => ({ seq, at: '', type: 'hazard.reported', town })
  const state = (seq: number, ticker: TickerItem[]) => ({ ...emptyState(DAY), seq, ticker })

  test("keeps a town's lines after the city's ticker has moved past them, newest first, bounded", () => {
    let kept = keepTownLines([], state(3, [line(3, 'b'), line(2, 'a'), line(1, 'a')]), 'a')
    expect(kept.map((l) => l.seq)).toEqual([2, 1])
    // Twelve lines of another town later, the city's ticker holds none of town a's.
    const others = Array.from({ length: LIMITS.tickerLength }, (_, i) => line(20 - i, 'b'))
    kept = keepTownLines(kept, state(20, others), 'a')
    expect(kept.map((l) => l.seq)).toEqual([2, 1])
    const many = Array.from({ length: LIMITS.tickerLength + 3 }, (_, i) => line(40 - i, 'a'))
    kept = keepTownLines(kept, state(40, many.slice(0, LIMITS.tickerLength)), 'a')
    kept = keepTownLines(kept, state(40, many.slice(3)), 'a')
    expect(kept.map((l) => l.seq)).toEqual(many.slice(0, LIMITS.tickerLength).map((l) => l.seq))
  })

  test('drops lines past the seq the server now holds (a history it no longer has)', () => {
    const kept = keepTownLines([line(9, 'a'), line(5, 'a')], state(6, [line(6, 'a')]), 'a')
    expect(kept.map((l) => l.seq)).toEqual([6, 5])
  })
})

describe('the daily window', () => {
  test('holds what a snapshot reads, and each town’s accidents of last year’s same period', () => {
    const keep = inDailyWindow(DAY)
    const read = dailyWindow(DAY, towns)
    expect(read.every(keep)).toBe(true)
    expect(read).toContain(townDailyKey('2026-02-09', DAILY.closed, towns[3]))
    expect(keep(townDailyKey('2025-01-01', DAILY.accidents, towns[3]))).toBe(true)
    expect(keep(townDailyKey('2025-03-10', DAILY.deaths, towns[3]))).toBe(true)
    expect(keep(townDailyKey('2025-03-11', DAILY.accidents, towns[3]))).toBe(false)
    expect(keep(townDailyKey('2026-02-08', DAILY.found, towns[3]))).toBe(false)
    expect(keep(dailyKey('2026-03-10', DAILY.inspections))).toBe(false)
  })
})

describe('the address', () => {
  test('?town= names the town; opening another or the city keeps the other options', () => {
    expect(townAsked('?lang=en&town=321283100')).toBe('321283100')
    expect(townAsked('?town=')).toBeNull()
    expect(townAsked('')).toBeNull()
    expect(searchWithTown('?lang=en&rotate=5', '321283100')).toBe('?lang=en&rotate=5&town=321283100')
    expect(searchWithTown('?town=321283100&lang=en', '321283101')).toBe('?town=321283101&lang=en')
    expect(searchWithTown('?town=321283100&lang=en', null)).toBe('?lang=en')
    expect(searchWithTown('?town=321283100', null)).toBe('')
  })
})
