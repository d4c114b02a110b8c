import type { LookoutEvent } from '../../shared/events.ts'
import { newId } from './seed.ts'

// The town page test's data: hazards, enterprises, inspections and accidents of two towns, with
// alarms, ticker lines, overdue hazards and an accident in last year's same period for each.

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
export const iso = (ms: number) => new Date(ms).toISOString()

/** Hazards, enterprises, inspections and accidents of two towns, B busier than A; `shift` varies the risk mix. */
export function twoTowns(now: number, A: string, B: string): LookoutEvent[] {
  const events: LookoutEvent[] = []
  const lastYear = new Date(now).getUTCFullYear() - 1
  const add = (town: string, n: number, tag: string, shift: number) => {
    const risks = ['major', 'major', 'significant', 'general', 'low'] as const
    for (let i = 0; i < risks.length; i++)
      events.push({
        id: newId('er'),
        type: 'enterprise.registered',
        enterpriseId: `ENT-${tag}-${i}`,
        name: `${tag}镇企业${i}号`,
        town,
        domain: 'production',
        industry: 'hazardous_chemicals',
        riskLevel: risks[(i + shift) % risks.length],
        at: iso(now - 40 * DAY),
      })
    events.push(
      {
        id: newId('ew'),
        type: 'enterprise.work',
        enterpriseId: `ENT-${tag}-0`,
        state: 'stopped',
        preCheckDone: false,
        at: iso(now - 3 * HOUR),
      },
      {
        id: newId('ew'),
        type: 'enterprise.work',
        enterpriseId: `ENT-${tag}-1`,
        state: 'resumed',
        preCheckDone: false,
        at: iso(now - 2 * HOUR),
      },
    )
    for (let i = 0; i < n; i++) {
      const hazardId = `HZ-${tag}-${i}`
      const overdue = i % 3 === 0
      events.push({
        id: newId('hr'),
        type: 'hazard.reported',
        hazardId,
        town,
        domain: i % 2 ? 'fire' : 'production',
        grade: i % 4 === 0 ? 'major' : 'general',
        title: `${tag}镇隐患 ${i}`,
        at: iso(overdue ? now - (20 + i) * DAY : now - (i % 5) * DAY - HOUR),
        deadline: iso(overdue ? now - (10 - i / 3) * DAY : now + 20 * DAY),
      })
      if (i % 5 === 1)
        events.push({
          id: newId('hs'),
          type: 'hazard.status',
          hazardId,
          status: 'closed',
          at: iso(now - 30 * 60_000),
        })
      if (i % 5 === 2)
        events.push({
          id: newId('hs'),
          type: 'hazard.status',
          hazardId,
          status: 'rectifying',
          at: iso(now - 20 * 60_000),
        })
    }
    events.push(
      {
        id: newId('in'),
        type: 'inspection.completed',
        inspectionId: `IN-${tag}`,
        town,
        domain: 'fire',
        hazardsFound: 1,
        at: iso(now - HOUR),
      },
      {
        id: newId('ac'),
        type: 'accident.reported',
        accidentId: `AC-${tag}`,
        town,
        domain: 'traffic',
        deaths: 1,
        seriousInjuries: 0,
        directLossYuan: 100_000,
        title: `${tag}镇道路事故`,
        at: iso(now - 40 * 60_000),
      },
      {
        id: newId('ac'),
        type: 'accident.reported',
        accidentId: `AC-${tag}-old`,
        town,
        domain: 'traffic',
        deaths: 0,
        seriousInjuries: 1,
        directLossYuan: 10_000,
        at: `${lastYear}-01-01T10:00:00+08:00`,
      },
    )
  }
  // B first: A's lines are the ticker's newest.
  add(B, 14, 'B', 1)
  add(A, 8, 'A', 0)
  return events
}
