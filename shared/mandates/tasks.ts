import { parseCell, type Cells } from '../cells.ts'
import type { Mandates } from './config.ts'

// The year's work lists (全年工作要点、季度工作清单): items owned by departments, each for a quarter of
// a year with a due date, from the year's cells (server/store/lua/mandates.lua writes
// `task.q<quarter>|-|owner|status` in the hash of the item's own year). No TypeBox here: the wall
// bundles this file.

export const TASK_STATUSES = ['not_started', 'in_progress', 'done'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

/** Items of quarter q (1–4) in a status: task.q<q>|-|owner|status in the year's cells. */
export const taskMetric = (quarter: number) => `task.q${quarter}`

export interface QuarterProgress {
  quarter: number
  total: number
  done: number
  inProgress: number
  /** Departments holding items this quarter, least done first. */
  byOwner: { owner: string; total: number; done: number }[]
}

/** Each quarter's completion, by department, from the year's cells. */
export function taskSummary(year: Cells, m: Mandates): QuarterProgress[] {
  return [1, 2, 3, 4].map((quarter) => {
    const owners = new Map<string, { owner: string; total: number; done: number }>()
    let total = 0
    let done = 0
    let inProgress = 0
    for (const key in year) {
      const { metric, domain: owner, grade: status } = parseCell(key)
      if (metric !== taskMetric(quarter) || !year[key]) continue
      const n = year[key]
      let o = owners.get(owner)
      if (!o) owners.set(owner, (o = { owner, total: 0, done: 0 }))
      o.total += n
      total += n
      if (status === 'done') {
        o.done += n
        done += n
      } else if (status === 'in_progress') inProgress += n
    }
    const order = new Map(m.departments.map((d, i) => [d.id, i]))
    const byOwner = [...owners.values()].sort(
      (a, b) =>
        a.done / a.total - b.done / b.total || (order.get(a.owner) ?? 99) - (order.get(b.owner) ?? 99),
    )
    return { quarter, total, done, inProgress, byOwner }
  })
}
