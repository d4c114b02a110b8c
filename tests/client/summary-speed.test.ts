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

const region = regionIndex.region

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

test('summarize over a full region takes milliseconds, not a sixth of a second', () => {
  const s = fullRegionState()
  for (let i = 0; i < 5; i++) summarize(s, region) // warm up the JIT
  const start = performance.now()
  for (let i = 0; i < 20; i++) summarize(s, region)
  const perCall = (performance.now() - start) / 20
  expect(perCall).toBeLessThan(40)
})
