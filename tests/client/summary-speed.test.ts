import { expect, test } from 'vitest'
import {
  accidentsByGrade,
  computeKpis,
  openByDomain,
  riskDistribution,
  statusFunnel,
  summarize,
  townRanking,
} from '../../shared/summary.ts'
import { emptyState } from '../../shared/state.ts'
import { region as regionIndex } from '../helpers/app.ts'

// The wall recomputes summarize() a few times a second. Over a full region (~2,800 cells) plain scans
// took ~160 ms per call — most of a wall PC's CPU; the per-call cell index brings it to a few ms.

const region = regionIndex

function fullRegionState() {
  const s = emptyState('2026-03-02')
  let v = 1
  for (const t of region.towns) {
    for (const d of region.domains) {
      for (const g of ['major', 'general']) {
        for (const m of ['hz.reported', 'hz.rectifying', 'hz.awaiting_acceptance', 'hz.overdue'])
          s.now[`${m}|${t.code}|${d.id}|${g}`] = v++ % 7
        for (const m of ['hz.found', 'hz.closed']) {
          s.year[`${m}|${t.code}|${d.id}|${g}`] = v++ % 40
          s.today[`${m}|${t.code}|${d.id}|${g}`] = v++ % 3
        }
      }
      for (const level of ['major', 'significant', 'general', 'low'])
        s.now[`ent.risk|${t.code}|${d.id}|${level}`] = v++ % 9
      for (const m of ['ent.stopped', 'ent.resumed', 'ent.resumed_nocheck'])
        s.now[`${m}|${t.code}|${d.id}|-`] = v++ % 4
      for (const m of ['insp', 'insp.hazards']) {
        s.year[`${m}|${t.code}|${d.id}|-`] = v++ % 30
        s.today[`${m}|${t.code}|${d.id}|-`] = v++ % 5
      }
      s.year[`acc|${t.code}|${d.id}|general`] = v++ % 2
    }
  }
  return s
}

test('summarize agrees with each view computed on its own (plain scans)', () => {
  const s = fullRegionState()
  const whole = summarize(s, region)
  expect(whole.kpis).toEqual(computeKpis(s))
  expect(whole.byTown).toEqual(townRanking(s, region))
  expect(whole.byDomain).toEqual(openByDomain(s, region))
  expect(whole.risk).toEqual(riskDistribution(s, region))
  expect(whole.funnel).toEqual(statusFunnel(s))
  expect(whole.accidents).toEqual(accidentsByGrade(s))
  expect(whole.kpis.hazardsOpen).toBeGreaterThan(0)
})

test('summarize sees changes made in place between calls (the index lives for one call)', () => {
  const s = fullRegionState()
  const before = summarize(s, region).kpis.hazardsFoundToday
  s.today[`hz.found|${region.towns[0].code}|${region.domains[0].id}|major`] += 5
  expect(summarize(s, region).kpis.hazardsFoundToday).toBe(before + 5)
})

test('summarize reads each scope’s cells once per call, not once per roll-up', () => {
  // ~150 roll-ups, each scanning thousands of cells, took ~160 ms per call: counted, not timed
  // (a timed test fails on a busy machine; the time is in bench/README.md).
  const s = fullRegionState()
  let scans = 0
  const counted = (cells: Record<string, number>) =>
    new Proxy(cells, {
      ownKeys(target) {
        scans++
        return Reflect.ownKeys(target)
      },
    })
  const watched = {
    ...s,
    now: counted(s.now),
    today: counted(s.today),
    year: counted(s.year),
    daily: counted(s.daily),
  }
  const whole = summarize(watched, region)
  expect(whole.kpis).toEqual(summarize(s, region).kpis)
  expect(scans).toBeLessThanOrEqual(4)
})
