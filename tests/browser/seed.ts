import type { LookoutEvent } from '../../shared/events.ts'
import type { Region } from '../../shared/region.ts'
import { LIMITS } from '../../shared/limits.ts'

// A believable month of a city's work-safety data, pushed through the public API like any
// data-entry client: enterprises with a risk mix, hazards found over 30 days moving through their
// lifecycle (some overdue), inspections, accidents this year and last, stoppages and resumptions.
// Deterministic (seeded), so screenshots compare across runs.

const DAY = 86_400_000

const HAZARD_TITLES = {
  general: [
    '消防通道堆放杂物',
    '脚手架连墙件缺失',
    '储罐静电接地线断开',
    '配电箱未接地',
    '电动自行车在楼道内充电',
    '安全出口指示标志损坏',
    '压力表超过检定有效期',
    '临边防护栏杆缺失',
    '砂轮机防护罩缺失',
    '灭火器压力不足',
    '应急照明损坏',
    '叉车未定期检验',
  ],
  major: [
    '构成重大危险源的罐区未实现紧急切断功能',
    '深基坑未按方案开挖',
    '粉尘爆炸危险场所除尘系统未采取防爆措施',
    '燃气管道违规穿越人员密集场所',
    '塔吊起重力矩限制器失效',
  ],
}
const ENTERPRISE_NAMES = ['化工', '建设', '机械', '船舶', '物流', '纺织', '新材料', '燃气', '商贸', '医药']

/** A small seeded PRNG (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
  }
}

let idCounter = 0
const newId = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${(idCounter++).toString(36).padStart(5, '0')}`
const iso = (ms: number) => new Date(ms).toISOString()

/** The events of a believable month ending `now`, in an order the API accepts. */
export function monthOfEvents(region: Region, now: number, seed = 7): LookoutEvent[] {
  const rnd = random(seed)
  const towns = region.towns.map((t) => t.code)
  const domains = region.domains
  const events: LookoutEvent[] = []
  const riskLevels = ['major', 'significant', 'general', 'low'] as const
  const riskWeights = [0.06, 0.16, 0.38, 0.4]
  const pickRisk = () => {
    let x = rnd.next()
    for (let i = 0; i < riskLevels.length; i++) {
      x -= riskWeights[i]
      if (x <= 0) return riskLevels[i]
    }
    return 'low'
  }

  const enterprises: string[] = []
  for (let i = 0; i < 140; i++) {
    const enterpriseId = `ent-${seed}-${i}`
    enterprises.push(enterpriseId)
    const town = rnd.pick(towns)
    events.push({
      id: newId('reg'),
      type: 'enterprise.registered',
      at: iso(now - 40 * DAY + i * 60_000),
      enterpriseId,
      name: `泰兴${rnd.pick(['恒', '华', '联', '新', '永', '金', '润', '盛'])}${rnd.pick(['达', '泰', '安', '通', '源', '兴'])}${rnd.pick(ENTERPRISE_NAMES)}有限公司`,
      town,
      domain: rnd.pick(['production', 'production', 'production', 'public', 'fire']),
      riskLevel: pickRisk(),
    })
  }

  // Hazards over the last 30 days. Most are fixed before their deadline; some are left to go overdue.
  for (let i = 0; i < 240; i++) {
    const ageDays = rnd.int(0, 29)
    const reportedAt = now - ageDays * DAY - rnd.int(1, 8) * 3600_000
    const grade = rnd.next() < 0.12 ? 'major' : 'general'
    const domain = rnd.pick(domains.slice(0, 4).concat(domains))
    const hazardId = `hz-${seed}-${i}`
    const deadline = reportedAt + (grade === 'major' ? 15 : rnd.int(3, 10)) * DAY
    events.push({
      id: newId('hz'),
      type: 'hazard.reported',
      at: iso(reportedAt),
      hazardId,
      town: rnd.pick(towns),
      domain: domain.id,
      grade,
      title: rnd.pick(HAZARD_TITLES[grade]),
      deadline: iso(deadline),
      source: rnd.pick(['routine', 'pre_holiday_sweep', 'special_campaign'] as const),
    })
    // How far it got, and when: each step at a random point between the report and min(now, deadline).
    const window = Math.min(now - 60_000, deadline) - reportedAt
    const at = (frac: number) => iso(reportedAt + frac * window)
    const x = rnd.next()
    const stage =
      deadline < now
        ? x < 0.8
          ? 3
          : x < 0.88
            ? 2
            : x < 0.94
              ? 1
              : 0
        : x < 0.35
          ? 3
          : x < 0.55
            ? 2
            : x < 0.8
              ? 1
              : 0
    if (stage === 3 && rnd.next() < 0.3) {
      events.push({
        id: newId('st'),
        type: 'hazard.status',
        at: at(rnd.next() * 0.5),
        hazardId,
        status: 'closed',
      })
      continue
    }
    if (stage >= 1)
      events.push({
        id: newId('st'),
        type: 'hazard.status',
        at: at(0.1 + rnd.next() * 0.2),
        hazardId,
        status: 'rectifying',
      })
    if (stage >= 2)
      events.push({
        id: newId('st'),
        type: 'hazard.status',
        at: at(0.35 + rnd.next() * 0.3),
        hazardId,
        status: 'awaiting_acceptance',
      })
    if (stage >= 3)
      events.push({
        id: newId('st'),
        type: 'hazard.status',
        at: at(0.7 + rnd.next() * 0.3),
        hazardId,
        status: 'closed',
      })
  }

  for (let i = 0; i < 90; i++) {
    events.push({
      id: newId('insp'),
      type: 'inspection.completed',
      at: iso(now - rnd.int(0, 29) * DAY - rnd.int(1, 6) * 3600_000),
      inspectionId: `insp-${seed}-${i}`,
      town: rnd.pick(towns),
      domain: rnd.pick(domains).id,
      hazardsFound: rnd.int(0, 4),
      enterprise: `${rnd.pick(ENTERPRISE_NAMES)}企业`,
    })
  }

  // Accidents: a few general ones this year, and last year's same period for the comparison.
  const thisYearStart = Date.UTC(new Date(now).getUTCFullYear(), 0, 1)
  const daysIntoYear = Math.max(1, Math.floor((now - thisYearStart) / DAY))
  const accident = (
    at: number,
    deaths: number,
    seriousInjuries: number,
    directLossYuan: number,
    title: string,
  ) =>
    events.push({
      id: newId('acc'),
      type: 'accident.reported',
      at: iso(at),
      accidentId: newId('a'),
      town: rnd.pick(towns),
      domain: 'production',
      deaths,
      seriousInjuries,
      directLossYuan,
      title,
    })
  accident(now - Math.floor(daysIntoYear * 0.7) * DAY, 1, 0, 1_200_000, '高处坠落事故')
  accident(now - Math.floor(daysIntoYear * 0.4) * DAY, 0, 2, 800_000, '机械伤害事故')
  accident(now - Math.floor(daysIntoYear * 0.1) * DAY, 1, 1, 2_500_000, '物体打击事故')
  for (const back of [0.8, 0.5, 0.3, 0.2, 0.05]) {
    accident(
      now - 365 * DAY - Math.floor(daysIntoYear * back) * DAY,
      back > 0.4 ? 1 : 0,
      1,
      600_000,
      '车辆伤害事故',
    )
  }

  // After the holiday: most enterprises stopped, many resumed, two without the pre-resumption check.
  enterprises.slice(0, 60).forEach((enterpriseId, i) => {
    events.push({
      id: newId('wk'),
      type: 'enterprise.work',
      at: iso(now - 20 * DAY + i * 60_000),
      enterpriseId,
      state: 'stopped',
      preCheckDone: false,
    })
    if (i < 38) {
      events.push({
        id: newId('wk'),
        type: 'enterprise.work',
        at: iso(now - 10 * DAY + i * 3600_000),
        enterpriseId,
        state: 'resumed',
        preCheckDone: i % 19 !== 5,
      })
    }
  })

  // The log is applied in the order given: sort by time so every status follows its report.
  return events.sort((a, b) => Date.parse(a.at ?? '') - Date.parse(b.at ?? ''))
}

/** POSTs `events` in batches; throws on any rejection. */
export async function postEvents(baseUrl: string, events: LookoutEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += LIMITS.batchMax) {
    const res = await fetch(`${baseUrl}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: events.slice(i, i + LIMITS.batchMax) }),
    })
    if (!res.ok) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`)
  }
}

export const seedMonth = (baseUrl: string, region: Region, now = Date.now()) =>
  postEvents(baseUrl, monthOfEvents(region, now))

export { newId }
