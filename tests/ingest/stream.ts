import { HAZARD_TRANSITIONS } from '../../shared/hazard.ts'
import type { HazardStatus, RiskLevel } from '../../shared/enums.ts'
import type { LookoutEvent } from '../../shared/events.ts'
import { addDays, regionDay } from '../../shared/time.ts'
import { region } from '../helpers/app.ts'
import { mulberry32 } from '../../server/simulator/random.ts'

// A seeded, realistic stream of events for the rebuild check: all six types, hazards moving through
// their lifecycle (failed acceptances included), deadlines that pass, enterprises re-registered and
// stopping/resuming, a clock that advances over weeks. Legal by construction; the caller adds resends.

/** A seeded stream of choices (mulberry32): the same sequence on every run. */
export function prng(seed: number) {
  const next = mulberry32(seed)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]
  const chance = (p: number) => next() < p
  return { next, int, pick, chance }
}

const TZ = region.timeZone
const TOWNS = region.towns.map((t) => t.code)
const DOMAINS = region.domains
const RISK: RiskLevel[] = ['major', 'significant', 'general', 'general', 'low', 'low']

export function eventStream(seed: number, startMs: number) {
  const r = prng(seed)
  let now = startMs
  let n = 0
  const id = (kind: string) => `${kind}-${seed}-${(n++).toString(36).padStart(5, '0')}`
  const open = new Map<string, HazardStatus>()
  const enterprises: string[] = []
  const place = () => {
    const domain = r.pick(DOMAINS)
    const industry =
      domain.industries.length && r.chance(0.7) ? { industry: r.pick(domain.industries).id } : {}
    return { town: r.pick(TOWNS), domain: domain.id, ...industry }
  }
  /** Mostly stated by the client, sometimes left for the server to fill in (the caller's clock). */
  const at = () => (r.chance(0.8) ? { at: new Date(now - r.int(0, 3_600_000)).toISOString() } : {})

  /**
   * A deadline already passed (days < 0) was found before it and is entered late (a deadline before
   * the stated found time is refused); `stated` is drawn either way, so the stream stays the same.
   */
  const foundBefore = (days: number, stated: ReturnType<typeof at>) =>
    days < 0 ? { at: new Date(now + (days - 1) * 86_400_000).toISOString() } : stated

  function next(): LookoutEvent {
    const roll = r.next()
    if (roll < 0.3 || open.size === 0) {
      const hazardId = id('HZ')
      open.set(hazardId, 'reported')
      const days = r.chance(0.05) ? -r.int(1, 5) : r.int(0, 12)
      const deadline = r.chance(0.7)
        ? addDays(regionDay(now, TZ), days)
        : new Date(now + days * 86_400_000 + r.int(0, 86_400_000)).toISOString()
      return {
        id: id('hr'),
        type: 'hazard.reported',
        hazardId,
        ...place(),
        grade: r.chance(0.15) ? 'major' : 'general',
        title: r.pick([
          '消防通道堵塞',
          '储罐区静电接地失效',
          '脚手架连墙件缺失',
          '燃气管道腐蚀',
          '电动车违规充电',
        ]),
        deadline,
        ...(r.chance(0.4) ? { enterprise: `企业${r.int(1, 300)}` } : {}),
        ...(r.chance(0.5)
          ? { source: r.pick(['routine', 'pre_holiday_sweep', 'special_campaign'] as const) }
          : {}),
        ...foundBefore(days, at()),
      }
    }
    if (roll < 0.6) {
      const hazardId = r.pick([...open.keys()])
      const from = open.get(hazardId)!
      const to = r.pick(
        HAZARD_TRANSITIONS[from].filter((x): x is Exclude<HazardStatus, 'reported'> => x !== 'reported'),
      )
      if (to === 'closed') open.delete(hazardId)
      else open.set(hazardId, to)
      return { id: id('hs'), type: 'hazard.status', hazardId, status: to, ...at() }
    }
    if (roll < 0.75) {
      return {
        id: id('in'),
        type: 'inspection.completed',
        inspectionId: id('IN'),
        ...place(),
        hazardsFound: r.int(0, 6),
        ...at(),
      }
    }
    if (roll < 0.8) {
      const severe = r.chance(0.2)
      return {
        id: id('ac'),
        type: 'accident.reported',
        accidentId: id('AC'),
        ...place(),
        deaths: severe ? r.int(0, 12) : r.int(0, 1),
        seriousInjuries: severe ? r.int(0, 60) : r.int(0, 3),
        directLossYuan: severe ? r.int(0, 80_000_000) : r.int(0, 500_000),
        ...at(),
      }
    }
    if (roll < 0.9 || enterprises.length === 0) {
      const again = enterprises.length > 0 && r.chance(0.3)
      const enterpriseId = again ? r.pick(enterprises) : id('EN')
      if (!again) enterprises.push(enterpriseId)
      return {
        id: id('er'),
        type: 'enterprise.registered',
        enterpriseId,
        name: `泰兴企业${enterpriseId}`,
        ...place(),
        riskLevel: r.pick(RISK),
        ...at(),
      }
    }
    return {
      id: id('ew'),
      type: 'enterprise.work',
      enterpriseId: r.pick(enterprises),
      state: r.chance(0.6) ? 'resumed' : 'stopped',
      preCheckDone: r.chance(0.8),
      ...at(),
    }
  }

  return {
    rand: r,
    now: () => now,
    /** Moves the clock on (events are stamped up to an hour before it). */
    advance: (ms: number) => {
      now += ms
    },
    next,
    /** A hazard status move the lifecycle forbids, for a hazard that exists (or null if none does). */
    illegal(): LookoutEvent | null {
      for (const [hazardId, from] of open) {
        const to = (['rectifying', 'awaiting_acceptance', 'closed'] as const).find(
          (s) => !HAZARD_TRANSITIONS[from].includes(s),
        )
        if (to) return { id: id('bad'), type: 'hazard.status', hazardId, status: to }
      }
      return null
    },
  }
}
