import { LIMITS } from '../../shared/limits.ts'

// The columns of a hazard ledger (隐患台账): the one place that says which headers the import reads,
// which are required, and how the template names and explains them.

export type ColumnKey =
  | 'hazardId'
  | 'title'
  | 'town'
  | 'domain'
  | 'industry'
  | 'grade'
  | 'deadline'
  | 'enterprise'
  | 'source'
  | 'at'
  | 'status'
  | 'closedAt'

export interface Column {
  key: ColumnKey
  /** The header the template writes and reports name when the file lacks the column. */
  header: string
  /** Other headers ledgers use for it; the first header found in a file wins, in this order. */
  aliases: string[]
  required: boolean
  /** One line for the template's explanation sheet. */
  help: string
}

export const COLUMNS: Column[] = [
  {
    key: 'hazardId',
    header: '隐患编号',
    aliases: ['隐患编码', '编号', '隐患ID'],
    required: true,
    help: '每条隐患唯一的编号，最长 64 字，可按本单位习惯编写（如 黄桥2026-001、〔2026〕12号）；同一文件内不能重复。重新导入同一台账时按编号同步整改状态。',
  },
  {
    key: 'title',
    header: '隐患描述',
    aliases: ['隐患名称', '隐患内容', '隐患情况', '存在问题', '问题描述'],
    required: true,
    help: `隐患的描述，最长 ${LIMITS.titleMax} 字（大屏上只显示开头）。`,
  },
  {
    key: 'town',
    header: '所属镇街',
    aliases: ['镇街', '所属镇', '所属乡镇', '乡镇', '所在镇街', '属地'],
    required: true,
    help: '镇（街道）名称或区划代码，从下拉列表中选择。',
  },
  {
    key: 'domain',
    header: '领域',
    aliases: ['所属领域', '安全领域'],
    required: true,
    help: '六大领域之一，从下拉列表中选择。',
  },
  {
    key: 'industry',
    header: '行业',
    aliases: ['所属行业', '行业类别'],
    required: false,
    help: '可不填；填写时必须是所选领域下的行业（见「选项」表）。',
  },
  {
    key: 'grade',
    header: '隐患等级',
    aliases: ['隐患级别', '等级'],
    required: true,
    help: '一般 或 重大。',
  },
  {
    key: 'deadline',
    header: '整改期限',
    aliases: ['整改时限', '整改截止日期', '整改期限日期'],
    required: true,
    help: '日期，如 2025-03-31 或 2025/3/31；到期当天结束仍未整改即为逾期。',
  },
  {
    key: 'enterprise',
    header: '企业名称',
    aliases: ['单位名称', '企业(单位)名称', '企业', '被检查单位', '生产经营单位'],
    required: false,
    help: '可不填，最长 100 字。',
  },
  {
    key: 'source',
    header: '隐患来源',
    aliases: ['来源', '检查类型'],
    required: false,
    help: '可不填；日常检查、节前大排查、复工前检查、专项整治、企业自查、群众举报 之一。',
  },
  {
    key: 'at',
    header: '发现时间',
    aliases: ['发现日期', '检查时间', '检查日期', '排查时间', '排查日期'],
    required: false,
    help: '可不填（按导入时间计）；日期或日期时间，如 2025-03-01 或 2025-03-01 09:30，北京时间，不能晚于现在。',
  },
  {
    key: 'status',
    header: '整改状态',
    aliases: ['状态', '隐患状态'],
    required: false,
    help: '可不填（按待整改计）；待整改、整改中、待验收、已销号 之一。已销号的隐患同时计入“发现”和“整改”。',
  },
  {
    key: 'closedAt',
    header: '销号时间',
    aliases: ['销号日期', '整改完成时间', '整改完成日期', '完成时间'],
    required: false,
    help: '可不填（按发现时间计）；整改状态不是待整改时，各状态变更记在这一时间，不能早于发现时间。',
  },
]

export const COLUMN_BY_KEY = new Map(COLUMNS.map((c) => [c.key, c]))

/** The template's example row: a row still holding this 隐患编号 is skipped, not imported. */
export const EXAMPLE_HAZARD_ID = 'EXAMPLE-0001'

/** Largest file and most data rows one import takes. */
export const IMPORT_LIMITS = {
  maxBytes: 20 * 1024 * 1024,
  maxRows: 50_000,
  /** Rows searched for the header row (ledgers often have a title row or two above it). */
  headerSearchRows: 10,
  /** Bad-row issues listed in one report; the count says how many there were in all. */
  maxIssues: 500,
  /** How long an import's progress stays readable. */
  progressTtlSeconds: 3600,
} as const

/**
 * A header as compared: no whitespace (also full-width), no required-marks (*), no trailing
 * explanation in brackets (「整改期限（YYYY-MM-DD）」), no case.
 */
export function normalizeHeader(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/[*＊]/g, '')
    .replace(/\([^)]*\)$/, '')
    .replace(/[:：]$/, '')
    .toLowerCase()
}

const HEADER_TO_KEY = new Map<string, ColumnKey>()
for (const c of COLUMNS) {
  for (const name of [c.header, ...c.aliases, c.key]) HEADER_TO_KEY.set(normalizeHeader(name), c.key)
}

/** The column a header names, if any. */
export function columnOfHeader(text: string): ColumnKey | undefined {
  return HEADER_TO_KEY.get(normalizeHeader(text))
}

/** Where a column was found in a file: its 0-based cell index and its header as written there. */
export interface FoundColumn {
  index: number
  header: string
}

export interface HeaderMatch {
  found: Map<ColumnKey, FoundColumn>
  /** Headers the import does not use, with why. */
  unused: { header: string; sameAs?: string }[]
  missing: Column[]
}

/** Matches a header row's cells against the known columns. */
export function matchHeaders(cells: string[]): HeaderMatch {
  const candidates = new Map<ColumnKey, FoundColumn[]>()
  const unused: HeaderMatch['unused'] = []
  cells.forEach((header, index) => {
    if (!header) return
    const key = columnOfHeader(header)
    if (!key) return void unused.push({ header })
    candidates.set(key, [...(candidates.get(key) ?? []), { index, header }])
  })
  const found = new Map<ColumnKey, FoundColumn>()
  for (const [key, list] of candidates) {
    // Two headers for one column (隐患名称 and 隐患描述): the one listed first in COLUMNS wins.
    const column = COLUMN_BY_KEY.get(key)!
    const rank = (f: FoundColumn) => {
      const names = [column.header, ...column.aliases, column.key].map(normalizeHeader)
      const at = names.indexOf(normalizeHeader(f.header))
      return at === -1 ? names.length : at
    }
    const [best, ...rest] = [...list].sort((a, b) => rank(a) - rank(b) || a.index - b.index)
    found.set(key, best)
    for (const r of rest) unused.push({ header: r.header, sameAs: best.header })
  }
  const missing = COLUMNS.filter((c) => c.required && !found.has(c.key))
  return { found, unused, missing }
}
