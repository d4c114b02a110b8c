import type { Region } from '../../shared/region.ts'
import { mulberry32 } from '../../server/simulator/random.ts'
import type { LookoutEvent } from '../../shared/events.ts'
import type { HazardStatus } from '../../shared/enums.ts'

// A realistic mix of events for load: what a city's inspectors send on a busy day, in proportion.
// Stateful, so every event is legal when it arrives: a status change names a hazard whose last
// event was already answered, in a move the lifecycle allows. Duplicates re-send an answered event
// byte for byte, as a client retrying after a lost answer would.

/** Share of each kind of new event (they sum to 1). */
const SHARES = [
  ['inspection.completed', 0.36],
  ['hazard.reported', 0.3],
  ['hazard.status', 0.26],
  ['enterprise.work', 0.04],
  ['enterprise.registered', 0.02],
  ['accident.reported', 0.02],
] as const

const TITLES = [
  '消防通道堵塞',
  '配电箱未接地',
  '危化品仓库超量储存',
  '脚手架连墙件缺失',
  '应急照明损坏',
  '有限空间作业无审批',
  '燃气管道腐蚀',
  '电动自行车室内充电',
]
const NEXT_STATUS: Record<HazardStatus, HazardStatus[]> = {
  reported: ['rectifying', 'rectifying', 'rectifying', 'closed'],
  rectifying: ['awaiting_acceptance'],
  awaiting_acceptance: ['closed', 'closed', 'closed', 'rectifying'],
  closed: [],
}

export interface MixOptions {
  region: Region
  /** Makes ids unique across runs against one Redis. */
  tag: string
  seed?: number
  /** Share of events that re-send an already answered one. */
  duplicateShare?: number
  /** Enterprises registered up front (enterprise.work needs them). */
  enterprises?: number
}

interface OpenHazard {
  id: string
  status: HazardStatus
}

export class EventMix {
  private readonly random: () => number
  private readonly towns: { code: string; weight: number }[]
  private readonly domains: { id: string; industries: string[]; weight: number }[]
  private readonly townTotal: number
  private readonly domainTotal: number
  private counter = 0
  /** Hazards whose last event was answered, ready for their next move. */
  private readonly idleHazards: OpenHazard[] = []
  private readonly busyHazards = new Map<string, OpenHazard>()
  /** Bodies of answered events, for duplicates (a bounded ring). */
  private readonly answered: string[] = []
  private answeredNext = 0
  private readonly enterpriseIds: string[] = []

  constructor(private readonly opts: MixOptions) {
    this.random = mulberry32(opts.seed ?? 42)
    // Busy town centres and the development zone see more; a few domains dominate.
    this.towns = opts.region.towns.map((t, i) => ({
      code: t.code,
      weight: i < 4 ? 3 : t.code.endsWith('EDZ') ? 4 : 1,
    }))
    const domainWeight: Record<string, number> = {
      production: 5,
      fire: 3,
      traffic: 2,
      public: 2,
      natural: 1,
      social: 0.5,
    }
    this.domains = opts.region.domains.map((d) => ({
      id: d.id,
      industries: d.industries.map((i) => i.id),
      weight: domainWeight[d.id] ?? 1,
    }))
    this.townTotal = this.towns.reduce((s, t) => s + t.weight, 0)
    this.domainTotal = this.domains.reduce((s, d) => s + d.weight, 0)
  }

  /** The enterprises to register before the load starts (acknowledge them once answered). */
  registry(): LookoutEvent[] {
    const events: LookoutEvent[] = []
    for (let i = 0; i < (this.opts.enterprises ?? 200); i++) events.push(this.enterpriseRegistered())
    return events
  }

  /**
   * The next event body as JSON and what it is. A duplicate (at the configured share, once
   * something has been answered) is a body sent before.
   */
  next(): { json: string; event: LookoutEvent | null } {
    if (this.answered.length && this.random() < (this.opts.duplicateShare ?? 0)) {
      return { json: this.answered[Math.floor(this.random() * this.answered.length)], event: null }
    }
    const event = this.fresh()
    return { json: JSON.stringify(event), event }
  }

  /** Marks events as answered (applied or duplicate): their hazards may move on, their bodies be re-sent. */
  acknowledge(sent: { json: string; event: LookoutEvent | null }[], ok: boolean): void {
    for (const s of sent) {
      if (!s.event) continue
      if (ok) this.remember(s.json)
      // An enterprise can stop or resume work once its registration is in.
      if (ok && s.event.type === 'enterprise.registered') this.enterpriseIds.push(s.event.enterpriseId)
      const hazardId = 'hazardId' in s.event ? s.event.hazardId : undefined
      if (!hazardId) continue
      const h = this.busyHazards.get(hazardId)
      if (!h) continue
      this.busyHazards.delete(hazardId)
      if (!ok) continue // refused: leave it alone from now on
      if (s.event.type === 'hazard.status') h.status = s.event.status
      if (h.status !== 'closed') this.idleHazards.push(h)
    }
  }

  private remember(json: string): void {
    if (this.answered.length < 10_000) this.answered.push(json)
    else this.answered[this.answeredNext++ % 10_000] = json
  }

  private fresh(): LookoutEvent {
    let r = this.random()
    for (const [type, share] of SHARES) {
      if ((r -= share) > 0) continue
      if (type === 'hazard.status' && this.idleHazards.length) return this.hazardStatus()
      if (type === 'enterprise.work' && this.enterpriseIds.length) return this.enterpriseWork()
      if (type === 'inspection.completed') return this.inspection()
      if (type === 'enterprise.registered') return this.enterpriseRegistered()
      if (type === 'accident.reported') return this.accident()
      break
    }
    return this.hazardReported()
  }

  private id(prefix: string): string {
    return `${prefix}-${this.opts.tag}-${(this.counter++).toString(36).padStart(6, '0')}`
  }

  private town(): string {
    let r = this.random() * this.townTotal
    for (const t of this.towns) if ((r -= t.weight) <= 0) return t.code
    return this.towns[0].code
  }

  private place(): { town: string; domain: string; industry?: string } {
    let r = this.random() * this.domainTotal
    let domain = this.domains[0]
    for (const d of this.domains) {
      if ((r -= d.weight) <= 0) {
        domain = d
        break
      }
    }
    const industry = domain.industries.length
      ? domain.industries[Math.floor(this.random() * domain.industries.length)]
      : undefined
    return { town: this.town(), domain: domain.id, ...(industry ? { industry } : {}) }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]
  }

  private hazardReported(): LookoutEvent {
    const hazardId = this.id('H')
    const deadline = new Date(Date.now() + (7 + Math.floor(this.random() * 30)) * 86_400_000)
      .toISOString()
      .slice(0, 10)
    this.busyHazards.set(hazardId, { id: hazardId, status: 'reported' })
    return {
      id: this.id('e'),
      type: 'hazard.reported',
      hazardId,
      ...this.place(),
      grade: this.random() < 0.04 ? 'major' : 'general',
      title: this.pick(TITLES),
      deadline,
      source: 'routine',
    }
  }

  private hazardStatus(): LookoutEvent {
    // A random idle hazard moves on (swap-remove keeps this O(1)).
    const i = Math.floor(this.random() * this.idleHazards.length)
    const h = this.idleHazards[i]
    this.idleHazards[i] = this.idleHazards[this.idleHazards.length - 1]
    this.idleHazards.pop()
    this.busyHazards.set(h.id, h)
    return {
      id: this.id('e'),
      type: 'hazard.status',
      hazardId: h.id,
      status: this.pick(NEXT_STATUS[h.status]) as Exclude<HazardStatus, 'reported'>,
    }
  }

  private inspection(): LookoutEvent {
    return {
      id: this.id('e'),
      type: 'inspection.completed',
      inspectionId: this.id('I'),
      ...this.place(),
      hazardsFound: Math.floor(this.random() * 4),
    }
  }

  private accident(): LookoutEvent {
    const deaths = this.random() < 0.1 ? 1 : 0
    return {
      id: this.id('e'),
      type: 'accident.reported',
      accidentId: this.id('A'),
      ...this.place(),
      deaths,
      seriousInjuries: Math.floor(this.random() * 3),
      directLossYuan: Math.floor(this.random() * 500_000),
    }
  }

  private enterpriseRegistered(): LookoutEvent {
    const enterpriseId = this.id('E')
    const levels = ['major', 'significant', 'general', 'low'] as const
    const { town, domain, industry } = this.place()
    return {
      id: this.id('e'),
      type: 'enterprise.registered',
      enterpriseId,
      name: `泰兴市${enterpriseId}有限公司`,
      town,
      domain,
      ...(industry ? { industry } : {}),
      riskLevel: this.pick(levels),
    }
  }

  private enterpriseWork(): LookoutEvent {
    return {
      id: this.id('e'),
      type: 'enterprise.work',
      enterpriseId: this.pick(this.enterpriseIds),
      state: this.random() < 0.5 ? 'stopped' : 'resumed',
      preCheckDone: this.random() < 0.9,
    }
  }
}

/**
 * Events for a stateless template (redis-benchmark replaces each `__rand_int__` with a fresh number
 * per command): the kinds of the mix that need no earlier event, in the same proportions.
 */
export function templateEvents(region: Region, count: number, seed = 7): LookoutEvent[] {
  const mix = new EventMix({ region, tag: 'tpl', seed })
  const events: LookoutEvent[] = []
  while (events.length < count) {
    const { event } = mix.next()
    if (!event || event.type === 'hazard.status' || event.type === 'enterprise.work') continue
    events.push(withRandomIds(event))
  }
  return events
}

function withRandomIds(e: LookoutEvent): LookoutEvent {
  const rand = (prefix: string) => `${prefix}-__rand_int__`
  switch (e.type) {
    case 'hazard.reported':
      return { ...e, id: rand('e'), hazardId: rand('H') }
    case 'inspection.completed':
      return { ...e, id: rand('e'), inspectionId: rand('I') }
    case 'accident.reported':
      return { ...e, id: rand('e'), accidentId: rand('A') }
    case 'enterprise.registered':
      return { ...e, id: rand('e'), enterpriseId: rand('E') }
    default:
      return { ...e, id: rand('e') }
  }
}
