// Hazards and enterprises as the Lua scripts keep them: one field of the `hazards` or `enterprises`
// hash each, '|'-separated with the only free text (title, name) last. The scripts' decodeHazard
// and decodeEnterprise (lua/common.lua) read and write the same format.

export interface HazardState {
  status: string
  overdue: boolean
  /** 临期: not overdue, and the deadline is at most the region's dueSoonDays away (tick.lua). */
  dueSoon: boolean
  /** Overdue after this instant (ms). */
  deadline: number
  town: string
  domain: string
  grade: string
  title: string
}

export interface EnterpriseState {
  riskLevel: string
  /** The work state last reported: '' when it never stopped or resumed. */
  work: string
  /** Resumed without the pre-resumption safety check. */
  noCheck: boolean
  town: string
  domain: string
  industry: string
  name: string
}

/** The first `count - 1` '|'-separated parts, and the rest (which may hold '|') as the last. */
function split(text: string, count: number): string[] {
  const parts: string[] = []
  let from = 0
  for (let i = 1; i < count; i++) {
    const bar = text.indexOf('|', from)
    parts.push(text.slice(from, bar))
    from = bar + 1
  }
  parts.push(text.slice(from))
  return parts
}

export function decodeHazard(text: string): HazardState {
  const [status, overdue, deadline, town, domain, grade, title] = split(text, 7)
  return {
    status,
    overdue: overdue === '1',
    dueSoon: overdue === 's',
    deadline: Number(deadline),
    town,
    domain,
    grade,
    title,
  }
}

export function decodeEnterprise(text: string): EnterpriseState {
  const [riskLevel, work, noCheck, town, domain, industry, name] = split(text, 7)
  return { riskLevel, work, noCheck: noCheck === '1', town, domain, industry, name }
}
