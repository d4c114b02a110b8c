import type { HazardSource } from '../../shared/enums.ts'
import type { AcceptedEvent, LookoutEvent } from '../../shared/events.ts'
import type { Region } from '../../shared/region.ts'
import { addDays, daysEnding, deadlineMs, regionDay } from '../../shared/time.ts'
import { activity, atMinute, inOfficeHours, latestSpringFestival } from './calendar.ts'
import {
  ACCIDENT_KINDS,
  NOTES,
  SIGNIFICANT_ACCIDENT,
  TRAFFIC_COLLISIONS,
  titlesFor,
  type AccidentKind,
} from './catalog.ts'
import { INSPECTION_WEIGHT_BY_RISK, PLACES, PLACE_TOWNS } from './profile.ts'
import { TimeQueue } from './queue.ts'
import { mandatesOf } from '../../shared/mandates/defaults.ts'
import { campaignsOf } from '../../shared/campaigns/defaults.ts'
import { campaignOn } from '../../shared/campaigns/window.ts'
import { Rng } from './random.ts'
import { buildRegistry, pickTown, type Enterprise } from './registry.ts'
import {
  accidentScore,
  drillsOfDay,
  dutyRoster,
  workLists,
  dutyScores,
  lateHazardScore,
  resourceRegister,
  type Planned,
} from './mandates.ts'

// The simulated city: a pure, seeded generator. Given a seed and the time, it says what happened
// (the backfill of the past days) and what happens next (the live flow). It does no I/O.
//
// Re-running a seed against the same server must count nothing twice and never contradict what the
// server already holds. So every event id names what it is about (a day, an inspection, a hazard and
// its n-th status change…), and everything an id means is drawn from a generator seeded by that id
// alone, never by the order things were generated in or by the clock. A later run may reach further
// or less far, but where it sends an id again it sends the same event, which the server answers
// "duplicate". Only `at` (and for live events, which hazards move next) depends on the clock.

type WithoutAt<E> = E extends unknown ? Omit<E, 'at'> : never
/** An event before it is given its time. */
export type EventBody = WithoutAt<LookoutEvent>

/** Events that happen together (an inspection and the hazards it found), at one planned time. */
interface Step {
  at: number
  events: EventBody[]
  /** Holiday stops and long-stalled rectifications wait for the real clock; everything else may be hurried. */
  realTime: boolean
  /** Tracks that start with this step: the lifecycles of the hazards it reported. */
  spawn: Track[]
}

/** Steps that must happen in order: one hazard's lifecycle, one enterprise's holiday. */
interface Track {
  steps: Step[]
  next: number
}

/** Where a hazard or inspection is: an enterprise, or a place (a road, a house, a dyke). */
interface Site {
  town: string
  domain: string
  industry?: string
  enterprise?: Enterprise
  hazardsPerInspection: number
  majorShare: number
}

export interface SimulationOptions {
  seed: number
  region: Region
  /** Days of history before the live flow, today included; 0 for none. */
  backfillDays?: number
  /** Enterprises in the register. */
  enterprises?: number
}

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Inspections on an ordinary weekday, city-wide (towns' safety offices plus departments). */
const INSPECTIONS_PER_WEEKDAY = 38
/** Hazards enterprises report from their own checks, per weekday. */
const SELF_CHECKS_PER_WEEKDAY = 9
/** Chance of a (general) accident on a given day; and of a year having one significant accident. */
const ACCIDENT_CHANCE_PER_DAY = 0.17
const SIGNIFICANT_ACCIDENT_CHANCE_PER_YEAR = 0.4

/** Rectification deadlines, as [days, weight]: a week for most general hazards, a month or more for major ones. */
const GENERAL_DEADLINE_DAYS = [
  [3, 15],
  [5, 15],
  [7, 35],
  [10, 10],
  [15, 15],
  [30, 10],
] as const
const MAJOR_DEADLINE_DAYS = [
  [15, 15],
  [30, 35],
  [45, 20],
  [60, 20],
  [90, 10],
] as const
/** Where accidents happen (kinds of accident per industry in catalog.ts). */
const ACCIDENT_WEIGHTS = [
  ['road_traffic', 45],
  ['construction', 20],
  ['industry_trade', 15],
  ['small_premises', 8],
  ['hazardous_chemicals', 6],
  ['urban_gas', 6],
] as const
const WORK_ACCIDENT_INDUSTRIES = new Set(['construction', 'industry_trade', 'hazardous_chemicals'])
/**
 * What a live event is when it is not a step of something already under way: an inspection (I), a
 * hazard from an enterprise's self-check (S) or a public report (R), or an accident (A), which at
 * 5 events/s comes about every ten minutes.
 */
const LIVE_CREATIONS = [
  ['I', 84],
  ['S', 12],
  ['R', 3.75],
  ['A', 0.25],
] as const

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const iso = (ms: number) => new Date(ms - (ms % SECOND)).toISOString()

export class Simulation {
  /** Every id this simulation makes starts with it: `sim<seed>`. */
  readonly idPrefix: string
  readonly enterprises: readonly Enterprise[]
  private readonly seed: number
  private readonly region: Region
  private readonly tz: string
  private readonly backfillDays: number
  private readonly domainOf = new Map<string, string>()
  private readonly inspectionTargets: (readonly [Enterprise, number])[]
  private readonly accidentIndustries: (readonly [string, number])[]
  /** Tracks whose next step may happen whenever the live flow gets to it, earliest planned first. */
  private readonly ready = new TimeQueue<Track>()
  /** Tracks whose next step waits for its planned time to come. */
  private readonly waiting = new TimeQueue<Track>()
  private readonly live: Rng
  private readyTarget = 100
  private liveDay = ''
  private liveCounts: Record<string, number> = {}
  private backfilled = false

  constructor(opts: SimulationOptions) {
    this.seed = opts.seed >>> 0
    this.region = opts.region
    this.tz = opts.region.timeZone
    this.backfillDays = opts.backfillDays ?? 30
    this.idPrefix = `sim${this.seed}`
    for (const d of opts.region.domains) for (const i of d.industries) this.domainOf.set(i.id, d.id)
    this.enterprises = buildRegistry(
      new Rng(this.seed, 'registry'),
      opts.region,
      opts.enterprises ?? 300,
      this.idPrefix,
    )
    this.inspectionTargets = this.enterprises.map((e) => [e, INSPECTION_WEIGHT_BY_RISK[e.riskLevel]] as const)
    this.accidentIndustries = ACCIDENT_WEIGHTS.filter(([i]) => this.domainOf.has(i))
    if (!this.enterprises.length || !this.accidentIndustries.length || !this.domainOf.has('industry_trade')) {
      throw new Error(
        `the simulator needs a region with the industries of server/simulator/profile.ts; ${opts.region.city.code} lacks them`,
      )
    }
    this.live = new Rng(this.seed, 'live')
  }

  /**
   * Everything that happened before `now`, oldest first: the enterprise register, the last Spring
   * Festival's stops and resumptions, and `backfillDays` days of inspections, hazards and their
   * rectification, accidents. What was planned but is still to come is kept for the live flow.
   */
  backfill(now: number): AcceptedEvent[] {
    if (this.backfilled) throw new Error('backfill() is called once, before next()')
    this.backfilled = true
    const today = regionDay(now, this.tz)
    const emitted: { at: number; body: EventBody }[] = []
    const play = (track: Track) => {
      while (track.next < track.steps.length) {
        const step = track.steps[track.next]
        if (step.at > now) return this.queue(track)
        track.next++
        for (const body of step.events) emitted.push({ at: step.at, body })
        step.spawn.forEach(play)
      }
    }
    if (this.backfillDays > 0) {
      const springFestival = latestSpringFestival(today)
      if (springFestival) {
        for (const e of this.enterprises) {
          const track = this.springFestivalTrack(e, springFestival)
          if (track) play(track)
        }
      }
      for (const day of daysEnding(today, this.backfillDays)) {
        for (const track of this.planDay(day)) {
          if (track.steps[0].at <= now) play(track) // the rest of today has not happened yet
        }
      }
    }
    emitted.sort((a, b) => a.at - b.at) // stable: a report stays before its status changes
    const first = emitted.length ? emitted[0].at : now
    const registeredAt = atMinute(regionDay(first - DAY, this.tz), 9 * 60, this.tz)
    this.readyTarget = Math.max(100, this.ready.size)
    return [
      ...this.enterprises.map((e) => withAt(this.registration(e), registeredAt)),
      ...resourceRegister(this.seed, this.idPrefix, this.region.towns).map((body) =>
        withAt(body, registeredAt),
      ),
      ...emitted.map((x) => withAt(x.body, x.at)),
    ]
  }

  /**
   * What only an admin may send, in order: the duty roster around `now`'s month (stamped at `now`'s
   * minute) and the year's work lists with their progress so far (mandates.ts).
   */
  adminEvents(now: number): AcceptedEvent[] {
    const at = now - (now % 60_000)
    const departments = mandatesOf(this.region).departments.map((d) => d.id)
    return [
      ...dutyRoster(this.seed, this.idPrefix, regionDay(now, this.tz)).map((body) => withAt(body, at)),
      ...workLists(this.seed, this.idPrefix, departments, now, this.tz)
        .sort((a, b) => a.at - b.at)
        .map((x) => withAt(x.body, x.at)),
    ]
  }

  /**
   * What happens next, at `now`: one step of something under way (a hazard rectified, accepted,
   * an enterprise resuming work), or something new (an inspection and the hazards it found, a
   * hazard an enterprise or the public reported, rarely an accident). Time runs faster than the
   * clock here: a rectification planned for next week may be reported in the next minute.
   */
  next(now: number): AcceptedEvent[] {
    const day = regionDay(now, this.tz)
    if (day !== this.liveDay) {
      this.liveDay = day
      this.liveCounts = {}
    }
    if ((this.waiting.peekAt() ?? Infinity) <= now) return this.advance(this.waiting.pop()!, now)
    // Keep the number of hazards under way near where the backfill left it.
    const advanceChance = Math.min(0.95, Math.max(0.35, 0.78 * Math.sqrt(this.ready.size / this.readyTarget)))
    if (this.ready.size && this.live.chance(advanceChance)) return this.advance(this.ready.pop()!, now)
    const kind = this.live.weighted(LIVE_CREATIONS)
    const n = (this.liveCounts[kind] = (this.liveCounts[kind] ?? 0) + 1)
    const id = `${this.idPrefix}-${day.replaceAll('-', '')}-L${kind}${pad(n, 5)}`
    const track =
      kind === 'I'
        ? this.inspection(id, day, now)
        : kind === 'S'
          ? this.selfCheck(id, day, now)
          : kind === 'R'
            ? this.publicReport(id, day, now)
            : this.accident(id, day, now, false)
    return this.advance(track, now)
  }

  private advance(track: Track, now: number): AcceptedEvent[] {
    const step = track.steps[track.next++]
    step.spawn.forEach((t) => this.queue(t))
    this.queue(track)
    return step.events.map((body) => withAt(body, now))
  }

  private queue(track: Track): void {
    const step = track.steps[track.next]
    if (step) (step.realTime ? this.waiting : this.ready).push(step.at, track)
  }

  private registration(e: Enterprise): EventBody {
    return {
      id: `${e.id}:reg`,
      type: 'enterprise.registered',
      enterpriseId: e.id,
      name: e.name,
      town: e.town,
      domain: e.domain,
      industry: e.industry,
      riskLevel: e.riskLevel,
    }
  }

  /** Whether `day` is one of the region's pre-holiday sweeps (its campaigns, or the defaults). */
  private sweeping(day: string): boolean {
    return campaignOn(campaignsOf(this.region).sweeps, day) !== undefined
  }

  /** The day's inspections, self-reported and publicly reported hazards, and accidents. */
  private planDay(day: string): Track[] {
    const r = new Rng(this.seed, 'day', day)
    const busy = activity(day, this.sweeping(day))
    const stem = `${this.idPrefix}-${day.replaceAll('-', '')}`
    const tracks: Track[] = []
    const inspections = r.round(INSPECTIONS_PER_WEEKDAY * busy * r.between(0.8, 1.2))
    for (let j = 1; j <= inspections; j++) tracks.push(this.inspection(`${stem}-I${pad(j, 3)}`, day))
    const selfChecks = r.round(SELF_CHECKS_PER_WEEKDAY * Math.max(busy, 0.3) * r.between(0.7, 1.3))
    for (let j = 1; j <= selfChecks; j++) tracks.push(this.selfCheck(`${stem}-S${pad(j, 3)}`, day))
    const publicReports = r.round(r.between(0.5, 3.5))
    for (let j = 1; j <= publicReports; j++) tracks.push(this.publicReport(`${stem}-R${pad(j, 3)}`, day))
    if (r.chance(ACCIDENT_CHANCE_PER_DAY)) tracks.push(this.accident(`${stem}-A1`, day))
    if (day === this.significantAccidentDay(Number(day.slice(0, 4))))
      tracks.push(this.accident(`${stem}-AX`, day, undefined, true))
    if (busy >= 1) {
      const ids = this.enterprises.map((e) => e.id)
      for (const p of dutyScores(this.seed, day, stem, ids, this.tz)) tracks.push(planned([p]))
      const towns = this.region.towns.map((town) => town.code)
      for (const p of drillsOfDay(this.seed, day, stem, towns, this.tz)) tracks.push(planned([p]))
    }
    return tracks
  }

  /** At most one significant (较大) accident a year, on a day fixed by the seed and the year. */
  private significantAccidentDay(year: number): string | undefined {
    const r = new Rng(this.seed, 'significant', year)
    if (!r.chance(SIGNIFICANT_ACCIDENT_CHANCE_PER_YEAR)) return undefined
    return addDays(`${year}-01-01`, r.int(0, 364))
  }

  /** `at` if given (live), else a time of `day` drawn for the id. The draw is made either way. */
  private when(r: Rng, day: string, at: number | undefined, fromMinute: number, toMinute: number): number {
    const planned = atMinute(day, r.int(fromMinute, toMinute), this.tz)
    return at ?? planned
  }

  private inspection(
    id: string,
    day: string,
    at?: number,
    target?: Enterprise,
    source?: HazardSource,
  ): Track {
    const r = new Rng(this.seed, id)
    const time = this.when(r, day, at, 8 * 60 + 30, 17 * 60 + 30)
    const site = target
      ? this.enterpriseSite(target)
      : r.chance(0.72)
        ? this.enterpriseSite(r.weighted(this.inspectionTargets))
        : this.placeSite(r, day)
    const found = Math.min(8, r.poisson(target ? 1 : site.hazardsPerInspection))
    const hazardSource = source ?? this.inspectionSource(r, day, site)
    const titles = new Set<string>()
    const hazards = Array.from({ length: found }, (_, k) =>
      this.hazard(`${id}-H${k + 1}`, time, site, hazardSource, titles),
    )
    const inspection: EventBody = {
      id,
      type: 'inspection.completed',
      inspectionId: id,
      town: site.town,
      domain: site.domain,
      ...(site.industry ? { industry: site.industry } : {}),
      ...(site.enterprise ? { enterprise: site.enterprise.name } : {}),
      hazardsFound: found,
    }
    return creation(
      time,
      [inspection, ...hazards.map((h) => h.report)],
      hazards.map((h) => h.track),
    )
  }

  /** Why inspectors were there: routine mostly; on the region's sweep days the sweep; in winter fire campaigns. */
  private inspectionSource(r: Rng, day: string, site: Site): HazardSource {
    const month = Number(day.slice(5, 7))
    const campaign = site.domain === 'fire' && (month >= 11 || month <= 3) ? 35 : 15
    if (this.sweeping(day))
      return r.weighted([
        ['pre_holiday_sweep', 55],
        ['routine', 35],
        ['special_campaign', 10],
      ])
    return r.weighted([
      ['routine', 100 - campaign],
      ['special_campaign', campaign],
    ])
  }

  /** A hazard an enterprise found in its own check (企业自查): chemical plants report most. */
  private selfCheck(id: string, day: string, at?: number): Track {
    const r = new Rng(this.seed, id)
    const time = this.when(r, day, at, 8 * 60, 20 * 60)
    const reporters = this.enterprises.filter((e) => e.domain === 'production')
    const enterprise = r.weighted(
      reporters.map((e) => [e, e.industry === 'hazardous_chemicals' ? 3 : 1] as const),
    )
    const h = this.hazard(`${id}-H1`, time, this.enterpriseSite(enterprise), 'self_check', new Set())
    return creation(time, [h.report], [h.track])
  }

  /** A hazard a citizen reported (群众举报): e-bikes in stairwells, gas, houses, roads. */
  private publicReport(id: string, day: string, at?: number): Track {
    const r = new Rng(this.seed, id)
    const time = this.when(r, day, at, 7 * 60, 22 * 60)
    const kinds = new Set(['e_bikes', 'small_premises', 'self_built_housing', 'urban_gas', 'road_traffic'])
    const place = r.pick(this.regionPlaces().filter((p) => kinds.has(p.industry ?? '')))
    const site: Site = {
      town: pickTown(r, this.region, PLACE_TOWNS),
      domain: place.domain,
      industry: place.industry,
      hazardsPerInspection: 1,
      majorShare: place.majorShare,
    }
    const h = this.hazard(`${id}-H1`, time, site, 'report', new Set())
    return creation(time, [h.report], [h.track])
  }

  private accident(id: string, day: string, at?: number, significant = false): Track {
    const r = new Rng(this.seed, id)
    const industry = significant ? 'industry_trade' : r.weighted(this.accidentIndustries)
    const kind: AccidentKind = significant ? SIGNIFICANT_ACCIDENT : r.pick(ACCIDENT_KINDS[industry])
    const traffic = industry === 'road_traffic'
    const time = this.when(r, day, at, traffic ? 6 * 60 : 8 * 60, traffic ? 22 * 60 : 18 * 60)
    // Work accidents happen at a registered enterprise; traffic, fires and gas blasts at a place.
    const candidates = WORK_ACCIDENT_INDUSTRIES.has(industry)
      ? this.enterprises.filter((e) => e.industry === industry)
      : []
    const enterprise = candidates.length ? r.pick(candidates) : undefined
    const town = enterprise?.town ?? pickTown(r, this.region, PLACE_TOWNS)
    const townName = this.region.towns.find((t) => t.code === town)?.name ?? ''
    const title = enterprise
      ? `${enterprise.name}${kind.name}`
      : traffic
        ? `${townName}境内${r.pick(TRAFFIC_COLLISIONS)}${kind.name}`
        : `${townName}一${industry === 'urban_gas' ? '餐饮店' : '沿街商铺'}${kind.name}`
    const accident: EventBody = {
      id,
      type: 'accident.reported',
      accidentId: id,
      town,
      domain: this.domainOf.get(industry) ?? 'production',
      industry,
      deaths: r.int(...kind.deaths),
      seriousInjuries: r.int(...kind.seriousInjuries),
      directLossYuan: Math.round(r.between(...kind.lossYuan) / 1000) * 1000,
      title,
    }
    const track = creation(time, [accident], [])
    // Its principal is scored once the investigation has its first findings.
    if (enterprise)
      track.steps.push(
        planned([accidentScore(this.seed, id, enterprise.id, significant, time, this.tz)]).steps[0],
      )
    return track
  }

  /**
   * One hazard: its report, and the track of its lifecycle. The draws that decide the lifecycle
   * (grade, fixed on the spot, failed acceptance, stoppage, how late) come first, so the statuses
   * it goes through depend on its id alone; the timings after them may depend on the clock.
   */
  private hazard(
    hazardId: string,
    reportAt: number,
    site: Site,
    source: HazardSource,
    titlesTaken: Set<string>,
  ) {
    const r = new Rng(this.seed, hazardId)
    const titles = titlesFor(site.domain, site.industry)
    const major = titles.major.length > 0 && r.chance(site.majorShare)
    const onTheSpot = !major && r.chance(0.42) // 即查即改
    const failsAcceptance = !onTheSpot && r.chance(major ? 0.12 : 0.08)
    const halts = major && site.enterprise?.domain === 'production' && r.chance(0.35) // 停产整改
    const pace = r.weighted(
      major
        ? ([
            ['on_time', 85],
            ['late', 10],
            ['stalled', 5],
          ] as const)
        : ([
            ['on_time', 80],
            ['late', 17],
            ['stalled', 3],
          ] as const),
    )
    const deadlineDays = onTheSpot ? 0 : r.weighted(major ? MAJOR_DEADLINE_DAYS : GENERAL_DEADLINE_DAYS)
    const candidates = (major ? titles.major : titles.general).filter((t) => !titlesTaken.has(t))
    const title = r.pick(candidates.length ? candidates : major ? titles.major : titles.general)
    titlesTaken.add(title)

    const deadline = addDays(regionDay(reportAt, this.tz), deadlineDays)
    const report: EventBody = {
      id: hazardId,
      type: 'hazard.reported',
      hazardId,
      town: site.town,
      domain: site.domain,
      ...(site.industry ? { industry: site.industry } : {}),
      grade: major ? 'major' : 'general',
      title,
      deadline,
      ...(site.enterprise ? { enterprise: site.enterprise.name } : {}),
      source,
    }
    const steps: Step[] = []
    let moves = 0
    const move = (
      at: number,
      status: 'rectifying' | 'awaiting_acceptance' | 'closed',
      note?: string,
      realTime = false,
    ) => {
      const body: EventBody = {
        id: `${hazardId}:s${++moves}`,
        type: 'hazard.status',
        hazardId,
        status,
        ...(note ? { note } : {}),
      }
      steps.push({ at: at - (at % SECOND), events: [body], realTime, spawn: [] })
    }
    const work = (at: number, state: 'stopped' | 'resumed', suffix: string) => {
      const body: EventBody = {
        id: `${hazardId}:${suffix}`,
        type: 'enterprise.work',
        enterpriseId: site.enterprise!.id,
        state,
        preCheckDone: state === 'resumed',
      }
      steps.push({ at: at - (at % SECOND), events: [body], realTime: false, spawn: [] })
    }
    const office = (at: number) => inOfficeHours(at, this.tz, r.int(0, 150))

    if (onTheSpot) {
      move(reportAt + r.int(10, 90) * MINUTE, 'closed', NOTES.fixedOnTheSpot)
    } else {
      const due = deadlineMs(deadline, this.tz)
      let t = reportAt
      if (halts) work((t += r.int(30, 120) * MINUTE), 'stopped', 'halt')
      t = office(t + r.between(0.5, major ? 48 : 30) * HOUR)
      move(t, 'rectifying', major ? NOTES.planMade : undefined)
      const done =
        pace === 'on_time'
          ? reportAt + r.between(0.35, 0.95) * (due - reportAt)
          : due + (pace === 'late' ? r.between(1, 8) : r.between(20, 60)) * DAY
      t = office(Math.max(done, t + HOUR))
      move(t, 'awaiting_acceptance', NOTES.submitted, pace === 'stalled')
      const acceptanceDelay = () => r.between(major ? 2 : 0.3, major ? 7 : 3) * DAY
      if (failsAcceptance) {
        t = office(t + acceptanceDelay())
        move(t, 'rectifying', NOTES.rejected)
        t = office(t + r.between(1, 4) * DAY)
        move(t, 'awaiting_acceptance', NOTES.submitted)
      }
      t = office(t + acceptanceDelay())
      move(t, 'closed', NOTES.accepted)
      if (halts) work(office(t + r.between(2, 20) * HOUR), 'resumed', 'reopen') // 复产验收 done with the acceptance
      // Left overdue at an enterprise: its principal may be scored a few days after the deadline.
      const score =
        pace !== 'on_time' && site.enterprise
          ? lateHazardScore(this.seed, hazardId, site.enterprise.id, major, due, this.tz)
          : undefined
      if (score) {
        steps.push(planned([score]).steps[0])
        steps.sort((a, b) => a.at - b.at) // stable: the lifecycle keeps its order
      }
    }
    return { report, track: { steps, next: 0 } satisfies Track }
  }

  /**
   * An enterprise's Spring Festival: it stops before the holiday (building sites earliest, when the
   * workers go home), is checked before it resumes (复工前检查; a few resume without), and resumes
   * after 初七, building sites after 元宵. Continuous processes and services mostly keep running.
   */
  private springFestivalTrack(e: Enterprise, springFestival: string): Track | undefined {
    const year = springFestival.slice(0, 4)
    const r = new Rng(this.seed, e.id, 'spring-festival', year)
    if (!r.chance(e.profile.springFestivalStop)) return undefined
    const building = e.industry === 'construction'
    const stopDay = addDays(springFestival, -(building ? r.int(7, 18) : r.int(1, 5)))
    const resumeDay = addDays(
      springFestival,
      building ? r.int(10, 22) : e.industry === 'hazardous_chemicals' ? r.int(5, 10) : r.int(6, 14),
    )
    const checked = r.chance(0.96)
    const stopAt = atMinute(stopDay, r.int(16 * 60, 18 * 60), this.tz)
    const checkDay = addDays(resumeDay, -r.int(1, 2))
    const resumeAt = atMinute(resumeDay, r.int(7 * 60 + 30, 9 * 60 + 30), this.tz)
    const work = (at: number, state: 'stopped' | 'resumed', preCheckDone: boolean): Step => ({
      at,
      events: [
        {
          id: `${e.id}:sf${year}:${state}`,
          type: 'enterprise.work',
          enterpriseId: e.id,
          state,
          preCheckDone,
        },
      ],
      realTime: true,
      spawn: [],
    })
    const steps = [work(stopAt, 'stopped', false)]
    if (checked) {
      const check = this.inspection(`${e.id}-SF${year}`, checkDay, undefined, e, 'pre_resumption').steps[0]
      steps.push({ ...check, realTime: true })
    }
    steps.push(work(resumeAt, 'resumed', checked))
    return { steps, next: 0 }
  }

  private enterpriseSite(e: Enterprise): Site {
    return {
      town: e.town,
      domain: e.domain,
      industry: e.industry,
      enterprise: e,
      hazardsPerInspection: e.profile.hazardsPerInspection,
      majorShare: e.profile.majorShare,
    }
  }

  private regionPlaces() {
    return PLACES.filter((p) =>
      p.industry
        ? this.domainOf.get(p.industry) === p.domain
        : this.region.domains.some((d) => d.id === p.domain),
    )
  }

  /** A place that is not a registered enterprise, more often what the season calls for (dykes in summer). */
  private placeSite(r: Rng, day: string): Site {
    const month = Number(day.slice(5, 7))
    const place = r.weighted(
      this.regionPlaces().map(
        (p) => [p, p.weight * (p.season?.months.includes(month) ? p.season.factor : 1)] as const,
      ),
    )
    return {
      town: pickTown(r, this.region, PLACE_TOWNS),
      domain: place.domain,
      ...(place.industry ? { industry: place.industry } : {}),
      hazardsPerInspection: place.hazardsPerInspection,
      majorShare: place.majorShare,
    }
  }
}

/** Events planned by server/simulator/mandates.ts, as a track of their own. */
function planned(list: Planned[]): Track {
  return { steps: list.map((p) => ({ at: p.at, events: [p.body], realTime: false, spawn: [] })), next: 0 }
}

function creation(at: number, events: EventBody[], spawn: Track[]): Track {
  return { steps: [{ at: at - (at % SECOND), events, realTime: false, spawn }], next: 0 }
}

function withAt(body: EventBody, at: number): AcceptedEvent {
  return { ...body, at: iso(at) } as AcceptedEvent
}
