// Every enumeration both sides agree on: the wire value, a Chinese label and an English gloss.
// Order matters: it is the order the wall shows them in (most severe first where there is a severity).

export interface EnumEntry<V extends string> {
  value: V
  zh: string
  en: string
}

function enumOf<const V extends string>(entries: readonly EnumEntry<V>[]) {
  return { entries, values: entries.map((e) => e.value) as V[] }
}

/** 隐患等级: a major hazard needs stoppage or outside help and a treatment plan. */
export const HazardGrade = enumOf([
  { value: 'major', zh: '重大隐患', en: 'Major' },
  { value: 'general', zh: '一般隐患', en: 'General' },
] as const)
export type HazardGrade = (typeof HazardGrade.values)[number]

/** A hazard's lifecycle; `overdue` is derived from the deadline, never a status. */
export const HazardStatus = enumOf([
  { value: 'reported', zh: '待整改', en: 'Reported' },
  { value: 'rectifying', zh: '整改中', en: 'Rectifying' },
  { value: 'awaiting_acceptance', zh: '待验收', en: 'Awaiting acceptance' },
  { value: 'closed', zh: '已销号', en: 'Closed' },
] as const)
export type HazardStatus = (typeof HazardStatus.values)[number]

/** 风险分级: four levels, shown in red/orange/yellow/blue and in no other meaning. */
export const RiskLevel = enumOf([
  { value: 'major', zh: '重大风险', en: 'Major' },
  { value: 'significant', zh: '较大风险', en: 'Significant' },
  { value: 'general', zh: '一般风险', en: 'General' },
  { value: 'low', zh: '低风险', en: 'Low' },
] as const)
export type RiskLevel = (typeof RiskLevel.values)[number]

/** The four risk colours, by level. */
export const RISK_COLOURS: Record<RiskLevel, string> = {
  major: '#e5312f',
  significant: '#f08c1a',
  general: '#f2d21b',
  low: '#2f7de1',
}

/** 事故等级 per State Council Decree 493, art. 3. */
export const AccidentGrade = enumOf([
  { value: 'especially_major', zh: '特别重大', en: 'Especially major' },
  { value: 'major', zh: '重大', en: 'Major' },
  { value: 'significant', zh: '较大', en: 'Significant' },
  { value: 'general', zh: '一般', en: 'General' },
] as const)
export type AccidentGrade = (typeof AccidentGrade.values)[number]

/** An enterprise stopping or resuming work (停工 / 复工). */
export const WorkState = enumOf([
  { value: 'stopped', zh: '停工', en: 'Stopped' },
  { value: 'resumed', zh: '复工', en: 'Resumed' },
] as const)
export type WorkState = (typeof WorkState.values)[number]

/** Where a hazard was found (campaigns the wall tracks). */
export const HazardSource = enumOf([
  { value: 'routine', zh: '日常检查', en: 'Routine inspection' },
  { value: 'pre_holiday_sweep', zh: '节前大排查', en: 'Pre-holiday sweep' },
  { value: 'pre_resumption', zh: '复工前检查', en: 'Before resuming work' },
  { value: 'special_campaign', zh: '专项整治', en: 'Special campaign' },
  { value: 'self_check', zh: '企业自查', en: 'Enterprise self-check' },
  { value: 'report', zh: '群众举报', en: 'Public report' },
] as const)
export type HazardSource = (typeof HazardSource.values)[number]
