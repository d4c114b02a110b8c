import { expect, test } from 'vitest'
import type { AcceptedEvent, HazardReported } from '../../shared/events.ts'
import { campaignsOf } from '../../shared/campaigns/defaults.ts'
import { campaignIdFor } from '../../shared/campaigns/window.ts'
import { regionDay } from '../../shared/time.ts'
import { Simulation } from '../../server/simulator/generator.ts'
import { region } from '../helpers/app.ts'

// The demo's campaigns: the simulated inspectors sweep on the region's sweep days (so `npm run demo`
// fills the sweep panel while one runs), and the last Spring Festival's stops and resumptions fall
// in the region's season (the season panel outside it).

const TZ = region.timeZone
const NOW = Date.parse('2026-12-10T15:30:00+08:00') // ten days into Taixing's 2027 New Year sweep
const backfill = new Simulation({ seed: 42, region, backfillDays: 30 }).backfill(NOW)
const counted = (e: AcceptedEvent) => campaignIdFor(e, regionDay(Date.parse(e.at), TZ), campaignsOf(region))

test('hazards of the sweep are found on the region’s sweep days, and only then', () => {
  const reported = backfill.filter((e): e is HazardReported & AcceptedEvent => e.type === 'hazard.reported')
  const swept = reported.filter((h) => h.source === 'pre_holiday_sweep')
  expect(swept.length).toBeGreaterThan(50)
  expect(swept.every((h) => counted(h) === '2027-newyear')).toBe(true)
  // Before the sweep (November) none; during it most inspections are the sweep's.
  const days = (hs: typeof reported) => new Set(hs.map((h) => regionDay(Date.parse(h.at), TZ)))
  expect([...days(swept)].sort()[0]).toBe('2026-12-01')
  const inSweep = reported.filter((h) => regionDay(Date.parse(h.at), TZ) >= '2026-12-01')
  expect(swept.length / inSweep.length).toBeGreaterThan(0.3)
})

test("the last Spring Festival's stops and resumptions count in the region's season", () => {
  const work = backfill.filter((e) => e.type === 'enterprise.work' && e.id.includes(':sf2026:'))
  expect(work.length).toBeGreaterThan(200)
  expect(work.every((e) => counted(e) === '2026-spring')).toBe(true)
})
