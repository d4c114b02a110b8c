import { describe, expect, test } from 'vitest'
import { campaignProblems, type Campaigns } from '../../shared/campaigns/config.ts'
import { DEFAULT_CAMPAIGNS, campaignsOf } from '../../shared/campaigns/defaults.ts'
import { SWEEP_SHOWN_AFTER_DAYS, campaignIdFor, campaignsShown } from '../../shared/campaigns/window.ts'
import { addDays } from '../../shared/time.ts'
import { CAMPAIGNS } from './fixtures.ts'

// Which campaign an event counts in, and which campaigns the wall's slot shows on a day: pure
// functions on region-time days.

const sweepHazard = { type: 'hazard.reported', source: 'pre_holiday_sweep' }

describe('what an event counts in', () => {
  test('a hazard counts in a sweep only with source pre_holiday_sweep, found on one of its days', () => {
    expect(campaignIdFor(sweepHazard, '2026-01-27', CAMPAIGNS)).toBe('2026-spring')
    expect(campaignIdFor(sweepHazard, '2026-02-15', CAMPAIGNS)).toBe('2026-spring')
    expect(campaignIdFor(sweepHazard, '2026-01-26', CAMPAIGNS)).toBeUndefined()
    expect(campaignIdFor(sweepHazard, '2026-02-16', CAMPAIGNS)).toBeUndefined()
    for (const source of ['routine', 'pre_resumption', 'special_campaign', undefined])
      expect(campaignIdFor({ type: 'hazard.reported', source }, '2026-02-01', CAMPAIGNS)).toBeUndefined()
    expect(campaignIdFor(sweepHazard, '2026-09-20', CAMPAIGNS)).toBe('2026-national')
  })

  test("an enterprise's stop or resumption counts in the season of its day; other events in none", () => {
    expect(campaignIdFor({ type: 'enterprise.work' }, '2026-03-17', CAMPAIGNS)).toBe('2026-spring')
    expect(campaignIdFor({ type: 'enterprise.work' }, '2026-03-18', CAMPAIGNS)).toBeUndefined()
    for (const type of ['hazard.status', 'inspection.completed', 'enterprise.registered'])
      expect(campaignIdFor({ type, source: 'pre_holiday_sweep' }, '2026-02-01', CAMPAIGNS)).toBeUndefined()
  })
})

describe('what the campaign slot shows', () => {
  const shown = (day: string) => {
    const { sweep, season } = campaignsShown(day, CAMPAIGNS)
    return {
      sweep: sweep && `${sweep.campaign.id}${sweep.running ? '' : ' (over)'}`,
      season: season && `${season.campaign.id}${season.running ? '' : ' (over)'}`,
    }
  }

  test('a sweep shows while it runs and a week after; a season running beside it takes turns with it', () => {
    expect(shown('2026-01-27')).toEqual({ sweep: '2026-spring', season: '2026-spring' })
    expect(shown('2026-02-16')).toEqual({ sweep: '2026-spring (over)', season: '2026-spring' })
    expect(shown(addDays('2026-02-15', SWEEP_SHOWN_AFTER_DAYS))).toEqual({
      sweep: '2026-spring (over)',
      season: '2026-spring',
    })
    expect(shown(addDays('2026-02-15', SWEEP_SHOWN_AFTER_DAYS + 1))).toEqual({
      sweep: null,
      season: '2026-spring',
    })
  })

  test('outside every season the last season dated shows, unless a sweep does (it gives its place)', () => {
    expect(shown('2026-05-01')).toEqual({ sweep: null, season: '2026-spring (over)' })
    expect(shown('2026-09-20')).toEqual({ sweep: '2026-national', season: null })
    expect(shown('2026-10-07')).toEqual({ sweep: '2026-national (over)', season: null })
    expect(shown('2026-10-08')).toEqual({ sweep: null, season: '2026-spring (over)' })
  })

  test('before the first season ends there is none to show, and none at all when none is dated', () => {
    expect(shown('2025-06-01')).toEqual({ sweep: null, season: null })
    expect(campaignsShown('2026-05-01', { sweeps: [], seasons: [] })).toEqual({ sweep: null, season: null })
  })
})

describe('dates in the region file', () => {
  test('overlaps, reversed dates, dates that do not exist and ids used twice are refused', () => {
    const bad: Campaigns = {
      sweeps: [
        { id: 'a', name: 'A', nameEn: 'A', start: '2026-01-01', end: '2026-01-20' },
        { id: 'b', name: 'B', nameEn: 'B', start: '2026-01-20', end: '2026-01-30' },
        { id: 'a', name: 'C', nameEn: 'C', start: '2026-05-02', end: '2026-05-01' },
      ],
      seasons: [{ id: 's', name: 'S', nameEn: 'S', start: '2026-02-30', end: '2026-03-10' }],
    }
    expect(campaignProblems(bad)).toEqual([
      'sweep id "a" appears twice',
      'sweep "a" ends (2026-05-01) before it starts (2026-05-02)',
      'sweeps "a" and "b" overlap',
      'season "s": 2026-02-30 is not a real date',
    ])
    expect(campaignProblems(CAMPAIGNS)).toEqual([])
    expect(campaignProblems(DEFAULT_CAMPAIGNS)).toEqual([])
  })

  test("without a campaigns section a region gets each Spring Festival's by DOMAIN.md's rule", () => {
    const c = campaignsOf({})
    // Spring Festival 2027 is 6 February: the sweep from three weeks before to the day before 除夕,
    // the season from two weeks before to four weeks after.
    expect(c.sweeps.find((s) => s.id === '2027-spring')).toMatchObject({
      start: '2027-01-16',
      end: '2027-02-04',
    })
    expect(c.seasons.find((s) => s.id === '2027-spring')).toMatchObject({
      start: '2027-01-23',
      end: '2027-03-06',
    })
    expect(campaignsOf({ campaigns: CAMPAIGNS })).toBe(CAMPAIGNS)
  })
})
