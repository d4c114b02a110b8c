import { parseCell, type Cells } from '../cells.ts'
import type { Mandates } from './config.ts'

// Emergency readiness (应急准备) from the cells: resources by kind and town (gauges, `now`), and this
// quarter's drills against the quarter's plan (the year's cells, by region-time quarter). No TypeBox
// here: the wall bundles this file.

/** 应急资源 kinds, in the wall's order. */
export const RESOURCE_KINDS = [
  { value: 'rescue_team', zh: '救援队伍', en: 'Rescue teams' },
  { value: 'warehouse', zh: '物资储备库', en: 'Warehouses' },
  { value: 'expert', zh: '应急专家', en: 'Experts' },
  { value: 'equipment', zh: '救援装备', en: 'Equipment' },
] as const
export type ResourceKind = (typeof RESOURCE_KINDS)[number]['value']

export const READINESS_METRIC = {
  /** Resources in service: res|town|domain|kind (gauge). */
  resources: 'res',
  /** Their people or items: res.size|town|domain|kind (gauge). */
  resourceSize: 'res.size',
} as const
/** Drills held in quarter q (1–4) of the year's cells: drill.q<q>|town|domain|- and their participants. */
export const drillMetric = (quarter: number) => `drill.q${quarter}`
export const drillPeopleMetric = (quarter: number) => `drill.people.q${quarter}`

/** The quarter (1–4) of a region-time day YYYY-MM-DD. */
export const quarterOf = (day: string) => Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1

export interface ResourceSummary {
  byKind: { kind: ResourceKind; count: number; size: number }[]
  /** Towns holding any, most first: count per kind. */
  byTown: { town: string; total: number; kinds: Record<string, number> }[]
  total: number
}

export function resourceSummary(now: Cells): ResourceSummary {
  const byKind = new Map(RESOURCE_KINDS.map((k) => [k.value as string, { kind: k.value, count: 0, size: 0 }]))
  const towns = new Map<string, { town: string; total: number; kinds: Record<string, number> }>()
  let total = 0
  for (const key in now) {
    const { metric, town, grade: kind } = parseCell(key)
    const k = byKind.get(kind)
    if (!k) continue
    if (metric === READINESS_METRIC.resourceSize) k.size += now[key]
    if (metric !== READINESS_METRIC.resources) continue
    k.count += now[key]
    total += now[key]
    let t = towns.get(town)
    if (!t) towns.set(town, (t = { town, total: 0, kinds: {} }))
    t.total += now[key]
    t.kinds[kind] = (t.kinds[kind] ?? 0) + now[key]
  }
  const byTown = [...towns.values()].sort((a, b) => b.total - a.total || a.town.localeCompare(b.town))
  return { byKind: [...byKind.values()], byTown, total }
}

export interface DrillSummary {
  quarter: number
  done: number
  planned: number
  participants: number
  /** Every town of the region, furthest behind its plan first. */
  byTown: { town: string; done: number; planned: number }[]
}

/** This quarter's drills (of `day`, region time) against each town's plan. */
export function drillSummary(year: Cells, day: string, towns: string[], m: Mandates): DrillSummary {
  const quarter = quarterOf(day)
  const done = new Map<string, number>()
  let participants = 0
  for (const key in year) {
    const { metric, town } = parseCell(key)
    if (metric === drillMetric(quarter)) done.set(town, (done.get(town) ?? 0) + year[key])
    else if (metric === drillPeopleMetric(quarter)) participants += year[key]
  }
  const plan = (town: string) => m.readiness.drillPlan?.[town] ?? m.readiness.drillsPerQuarter
  const byTown = towns
    .map((town) => ({ town, done: done.get(town) ?? 0, planned: plan(town) }))
    .sort((a, b) => b.planned - b.done - (a.planned - a.done) || a.town.localeCompare(b.town))
  return {
    quarter,
    done: [...done.values()].reduce((a, b) => a + b, 0),
    planned: byTown.reduce((a, t) => a + t.planned, 0),
    participants,
    byTown,
  }
}
