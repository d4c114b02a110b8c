import type { LookoutEvent } from '../../shared/events.ts'
import { atMinute, inOfficeHours } from './calendar.ts'
import { addDays, regionDay } from '../../shared/time.ts'
import { Rng } from './random.ts'

// The simulated city's principal-person scores (主要负责人安全生产记分), ~20 a month: most for its own
// accidents and hazards left overdue, a few for duties not done (no training, no investigation, an
// order not carried out). Every draw is seeded by the id of what the score is about, so a rerun of a
// seed sends the same scores (the server answers "duplicate").

type WithoutAt<E> = E extends unknown ? Omit<E, 'at'> : never
export interface Planned {
  at: number
  body: WithoutAt<LookoutEvent>
}

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Of an enterprise's hazards that go overdue, the share its principal is scored for. */
const LATE_SCORE_CHANCE = { major: 0.7, general: 0.2 }
/** Scores for duties not done, per working day, city-wide. */
const DUTY_SCORES_PER_DAY = 0.15

function scored(id: string, at: number, enterpriseId: string, reason: string, points?: number): Planned {
  return {
    at: at - (at % 1000),
    body: {
      id,
      type: 'principal.scored',
      scoreId: id,
      enterpriseId,
      reason,
      ...(points === undefined ? {} : { points }),
    },
  }
}

/** A score a few days after the deadline of an enterprise's hazard that was not rectified in time, or none. */
export function lateHazardScore(
  seed: number,
  hazardId: string,
  enterpriseId: string,
  major: boolean,
  dueMs: number,
  timeZone: string,
): Planned | undefined {
  const r = new Rng(seed, hazardId, 'score')
  if (!r.chance(major ? LATE_SCORE_CHANCE.major : LATE_SCORE_CHANCE.general)) return undefined
  const at = inOfficeHours(dueMs + r.between(1, 3) * DAY, timeZone, r.int(0, 120))
  return major
    ? scored(`${hazardId}:ps`, at, enterpriseId, 'major_hazard_unrectified')
    : scored(`${hazardId}:ps`, at, enterpriseId, 'rectification_overdue', r.int(2, 4))
}

/** The score of an enterprise's accident, after the investigation's first days. */
export function accidentScore(
  seed: number,
  accidentId: string,
  enterpriseId: string,
  significant: boolean,
  accidentAt: number,
  timeZone: string,
): Planned {
  const r = new Rng(seed, accidentId, 'score')
  const at = inOfficeHours(accidentAt + r.between(2, 6) * DAY, timeZone, r.int(0, 120))
  return scored(
    `${accidentId}:ps`,
    at,
    enterpriseId,
    significant ? 'significant_accident' : 'general_accident',
  )
}

/** Scores for duties not done found on `day` (a working day's inspections), at enterprises drawn for the day. */
export function dutyScores(
  seed: number,
  day: string,
  stem: string,
  enterpriseIds: readonly string[],
  timeZone: string,
): Planned[] {
  const r = new Rng(seed, day, 'duty-scores')
  const n = r.round(DUTY_SCORES_PER_DAY * r.between(0.5, 1.5))
  return Array.from({ length: n }, (_, k) => {
    const at = atMinute(day, r.int(9 * 60, 17 * 60), timeZone)
    const reason = r.weighted([
      ['no_training', 40],
      ['no_investigation', 35],
      ['order_not_done', 20],
      ['obstruction', 5],
    ] as const)
    const points = reason === 'no_training' || reason === 'no_investigation' ? r.int(2, 3) : undefined
    return scored(`${stem}-P${k + 1}`, at, r.pick(enterpriseIds), reason, points)
  })
}

/** Drills a working day holds city-wide: about twenty a quarter. */
const DRILLS_PER_WORKING_DAY = 0.32
const DRILL_SCENARIOS = [
  ['production', '危化品储罐泄漏处置演练', 30, 120],
  ['production', '有限空间作业救援演练', 15, 40],
  ['production', '建筑施工高处坠落救援演练', 20, 60],
  ['fire', '人员密集场所火灾疏散演练', 50, 300],
  ['fire', '高层建筑灭火救援演练', 30, 80],
  ['natural', '防汛抢险演练', 40, 150],
  ['public', '城镇燃气泄漏处置演练', 20, 60],
  ['traffic', '危化品运输车辆事故处置演练', 20, 50],
] as const

/** The drills held on a working day, in towns drawn for the day (the chemical park most). */
export function drillsOfDay(
  seed: number,
  day: string,
  stem: string,
  towns: readonly string[],
  timeZone: string,
): Planned[] {
  const r = new Rng(seed, day, 'drills')
  const n = r.round(DRILLS_PER_WORKING_DAY * r.between(0.5, 1.5))
  return Array.from({ length: n }, (_, k) => {
    const [domain, scenario, least, most] = r.pick(DRILL_SCENARIOS)
    const town = r.weighted(towns.map((t) => [t, t.endsWith('EDZ') ? 4 : 1] as const))
    const id = `${stem}-D${k + 1}`
    return {
      at: atMinute(day, r.int(9 * 60, 16 * 60), timeZone),
      body: {
        id,
        type: 'drill.completed',
        drillId: id,
        town,
        domain,
        participants: r.int(least, most),
        scenario,
      },
    }
  })
}

const RESOURCE_NAMES = {
  rescue_team: ['应急救援队', '消防救援站', '危化品救援队', '防汛抢险队', '矿山(隧道)救援队'],
  warehouse: ['应急物资储备库', '防汛物资仓库'],
  expert: ['应急管理专家', '危化品安全专家', '建筑施工安全专家'],
  equipment: ['大功率排涝泵车', '应急照明车', '危化品侦检设备', '破拆救援装备'],
} as const

/** The city's register of emergency resources: about forty, in every town, the chemical park best equipped. */
export function resourceRegister(
  seed: number,
  idPrefix: string,
  towns: readonly { code: string; name: string }[],
) {
  const r = new Rng(seed, 'resources')
  const bodies: WithoutAt<LookoutEvent>[] = []
  towns.forEach((town, i) => {
    const n = town.code.endsWith('EDZ') ? 6 : r.int(1, 3)
    for (let k = 1; k <= n; k++) {
      const kind = r.weighted([
        ['rescue_team', 40],
        ['warehouse', 20],
        ['expert', 20],
        ['equipment', 20],
      ] as const)
      const id = `${idPrefix}-res-${String(i + 1).padStart(2, '0')}-${k}`
      const size =
        kind === 'rescue_team'
          ? r.int(12, 60)
          : kind === 'warehouse'
            ? r.int(300, 3000)
            : kind === 'equipment'
              ? r.int(1, 8)
              : 1
      const label = r.pick(RESOURCE_NAMES[kind])
      bodies.push({
        id: `${id}:reg`,
        type: 'resource.registered',
        resourceId: id,
        kind,
        name: kind === 'expert' ? `${label}${k}` : `${town.name}${label}`,
        town: town.code,
        size,
      })
    }
  })
  return bodies
}

/** The command center's duty pool: bureau leaders lead in turn, officers stand in turn (each with an extension). */
const DUTY_LEADERS = ['王建国', '李明', '周强', '孙伟', '吴海涛', '郑文华']
const DUTY_OFFICERS = ['陈晓', '赵磊', '钱峰', '冯娟', '蒋涛', '沈洁', '韩冰', '杨帆', '朱琳', '秦川']

/**
 * The duty roster (值班表) from the last day of the month before `today`'s to the end of the month
 * after it: a pair a day (so the wall has yesterday's pair before the handover on the 1st, and a demo
 * left running crosses into next month). Ids are the day's: a rerun assigns nothing twice.
 */
export function dutyRoster(seed: number, idPrefix: string, today: string) {
  const r = new Rng(seed, 'duty')
  const leaderAt = r.int(0, DUTY_LEADERS.length - 1)
  const officerAt = r.int(0, DUTY_OFFICERS.length - 1)
  const [y, m] = today.split('-').map(Number)
  const first = addDays(`${today.slice(0, 8)}01`, -1)
  const last = new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10)
  const bodies: WithoutAt<LookoutEvent>[] = []
  for (let day = first, i = 0; day <= last; day = addDays(day, 1), i++) {
    const leader = (leaderAt + i) % DUTY_LEADERS.length
    const officer = (officerAt + i) % DUTY_OFFICERS.length
    bodies.push({
      id: `${idPrefix}-duty-${day.replaceAll('-', '')}`,
      type: 'duty.assigned',
      day,
      leader: DUTY_LEADERS[leader],
      leaderExt: String(8001 + leader),
      officer: DUTY_OFFICERS[officer],
      officerExt: String(8101 + officer),
    })
  }
  return bodies
}

/** Items of a quarter's work list, and their titles' stems by department (the region's own ids where they match). */
const TASKS_PER_QUARTER = 30
const TASK_TITLES = [
  '开展危化品企业安全专项整治',
  '组织建筑施工安全大检查',
  '推进道路交通安全隐患治理',
  '开展消防安全“双随机”抽查',
  '完成重大危险源企业包保责任落实',
  '组织安全生产月宣传活动',
  '开展有限空间作业专项检查',
  '推动企业主要负责人安全培训',
  '完成汛期应急预案修订',
  '开展燃气安全排查整治',
  '组织第三方专家指导服务',
  '推进工贸企业粉尘涉爆整治',
]
const TASK_OUTCOMES = [
  ['on_time', 75],
  ['late', 12],
  ['open', 13],
] as const

/**
 * The year's work lists (全年工作要点、季度工作清单): ~30 items a quarter for `today`'s year, defined at
 * the year's start, each started early in its quarter and mostly done by its due date (some late,
 * some never), as far as `now` has got. Seeded by the item's id: a rerun sends the same events, and
 * a later run adds the steps that have happened since.
 */
export function workLists(
  seed: number,
  idPrefix: string,
  departments: readonly string[],
  now: number,
  timeZone: string,
): { at: number; body: WithoutAt<LookoutEvent> }[] {
  const year = Number(regionDay(now, timeZone).slice(0, 4))
  const defineAt = Math.min(now, atMinute(`${year}-01-05`, 9 * 60, timeZone))
  const out: { at: number; body: WithoutAt<LookoutEvent> }[] = []
  for (let quarter = 1; quarter <= 4; quarter++) {
    const start = `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`
    const end = addDays(
      quarter === 4 ? `${year + 1}-01-01` : `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01`,
      -1,
    )
    for (let k = 1; k <= TASKS_PER_QUARTER; k++) {
      const taskId = `${idPrefix}-task-${year}q${quarter}-${String(k).padStart(2, '0')}`
      const r = new Rng(seed, taskId)
      const due = r.chance(0.5) ? end : addDays(start, r.int(30, 85))
      out.push({
        at: defineAt,
        body: {
          id: `${taskId}:def`,
          type: 'task.defined',
          taskId,
          title: r.pick(TASK_TITLES),
          owner: r.pick(departments),
          year,
          quarter,
          due,
        },
      })
      const started = inOfficeHours(
        atMinute(addDays(start, r.int(0, 25)), 9 * 60, timeZone),
        timeZone,
        r.int(0, 240),
      )
      const outcome = r.weighted(TASK_OUTCOMES)
      const dueMs = atMinute(due, 17 * 60, timeZone)
      const doneAt =
        outcome === 'on_time'
          ? Math.max(started + DAY, dueMs - r.int(0, 20) * DAY)
          : outcome === 'late'
            ? dueMs + r.int(3, 30) * DAY
            : Infinity
      const steps = [
        { at: Math.max(defineAt + HOUR, started), status: 'in_progress' as const, tag: 'start' },
        { at: doneAt, status: 'done' as const, tag: 'done' },
      ]
      for (const step of steps) {
        if (step.at > now) break
        out.push({
          at: step.at - (step.at % 1000),
          body: { id: `${taskId}:${step.tag}`, type: 'task.progress', taskId, status: step.status },
        })
      }
    }
  }
  return out
}
