import { createHash } from 'node:crypto'
import { checkEvents, type AcceptedEvent } from '../../shared/events.ts'
import type { DutyAssigned } from '../../shared/mandates/events.ts'
import { EXTENSION_PATTERN } from '../../shared/mandates/duty.ts'
import type { ImportIssue, ImportIssueCode } from '../../shared/api/import.ts'
import { LIMITS } from '../../shared/limits.ts'
import type { RegionIndex } from '../../shared/region.ts'
import { readLedger, type CellValue, type SheetRow } from './read.ts'
import { cellText, readWhen } from './values.ts'

// A duty roster file (值班表: one row a day — date, duty leader, leader's extension, duty officer,
// officer's extension) turned into duty.assigned events. Every row is checked before anything is
// applied; each problem names its row, its column's header and the reason, like the ledger import.

type Field = 'day' | 'leader' | 'leaderExt' | 'officer' | 'officerExt'

/** The columns, with the headers each is known by (compared without spaces, case-insensitively). */
export const ROSTER_COLUMNS: { field: Field; zh: string; en: string; aliases: string[] }[] = [
  { field: 'day', zh: '日期', en: 'Date', aliases: ['值班日期', 'day'] },
  { field: 'leader', zh: '值班领导', en: 'Duty leader', aliases: ['带班领导', 'leader'] },
  {
    field: 'leaderExt',
    zh: '领导分机',
    en: 'Leader extension',
    aliases: ['值班领导分机', '带班领导分机', 'leaderext', 'leaderext.'],
  },
  { field: 'officer', zh: '值班员', en: 'Duty officer', aliases: ['值班人员', 'officer'] },
  {
    field: 'officerExt',
    zh: '值班员分机',
    en: 'Officer extension',
    aliases: ['值班人员分机', 'officerext', 'officerext.'],
  },
]

/** Days one file may assign: applied in one batch, so all of it or none. */
export const ROSTER_MAX_DAYS = LIMITS.batchMax

const norm = (text: string) => text.replace(/\s+/g, '').toLowerCase()
const EXTENSION = new RegExp(EXTENSION_PATTERN)

/** A header row: one that names at least three of the roster's columns. */
function columnsOf(cells: CellValue[]): Map<Field, { index: number; header: string }> {
  const at = new Map<Field, { index: number; header: string }>()
  cells.forEach((cell, index) => {
    const text = norm(cellText(cell))
    const col = ROSTER_COLUMNS.find((c) => [c.zh, c.en, ...c.aliases].some((name) => norm(name) === text))
    if (col && !at.has(col.field)) at.set(col.field, { index, header: cellText(cell) })
  })
  return at
}

/** Reads a roster file (the ledger import's reader: XLSX or CSV, a title row above the header allowed). */
export async function readRoster(buf: Buffer): Promise<SheetRow[]> {
  const sheet = await readLedger(buf, {
    isHeader: (cells) => columnsOf(cells).size >= 3,
    headerSearchRows: 10,
    maxRows: ROSTER_MAX_DAYS,
  })
  return sheet.rows
}

export interface RosterCheck {
  events: AcceptedEvent[]
  issues: ImportIssue[]
}

/** Checks every row of a roster file; `events` only when there is no issue. */
export function checkRoster(
  rows: SheetRow[],
  opts: { region: RegionIndex; fileHash: string; now: number },
): RosterCheck {
  const issues: ImportIssue[] = []
  const headAt = rows.findIndex((r) => columnsOf(r.cells).size >= 3)
  const head = headAt >= 0 ? rows[headAt] : undefined
  const body = headAt >= 0 ? rows.slice(headAt + 1) : []
  const at = head ? columnsOf(head.cells) : new Map<Field, { index: number; header: string }>()
  for (const col of ROSTER_COLUMNS) {
    if (!at.has(col.field))
      issues.push({
        row: head?.row ?? null,
        column: col.zh,
        code: 'header.missing_column',
        reason: `缺少「${col.zh}」列`,
        reasonEn: `the column "${col.en}" (${col.zh}) is missing`,
      })
  }
  if (issues.length) return { events: [], issues }
  if (!body.length)
    return {
      events: [],
      issues: [
        {
          row: null,
          column: '',
          code: 'ledger.no_rows',
          reason: '值班表没有数据行',
          reasonEn: 'the roster has no rows',
        },
      ],
    }
  if (body.length > ROSTER_MAX_DAYS)
    return {
      events: [],
      issues: [
        {
          row: null,
          column: '',
          code: 'file.too_many_rows',
          reason: `一次最多导入 ${ROSTER_MAX_DAYS} 天`,
          reasonEn: `a file may assign at most ${ROSTER_MAX_DAYS} days`,
        },
      ],
    }

  const firstRowOfDay = new Map<string, number>()
  const events: DutyAssigned[] = []
  for (const { row, cells } of body) {
    const cell = (field: Field) => cells[at.get(field)!.index] ?? null
    const issue = (field: Field, code: ImportIssueCode, reason: string, reasonEn: string) =>
      issues.push({
        row,
        column: at.get(field)!.header,
        value: cellText(cell(field)),
        code,
        reason,
        reasonEn,
      })
    const before = issues.length
    const when = readWhen(cell('day'))
    let day = ''
    if (!when.ok) issue('day', when.code, when.reason, when.reasonEn)
    else if (when.value.timeMs !== undefined || when.value.instant !== undefined)
      issue('day', 'cell.bad_date', '只写日期，不写时间', 'a date only, without a time of day')
    else if (firstRowOfDay.has(when.value.day))
      issue(
        'day',
        'row.duplicate_id',
        `该日期已在第 ${firstRowOfDay.get(when.value.day)} 行安排`,
        `this day is already assigned in row ${firstRowOfDay.get(when.value.day)}`,
      )
    else firstRowOfDay.set((day = when.value.day), row)
    for (const field of ['leader', 'officer'] as const) {
      const name = cellText(cell(field))
      if (!name) issue(field, 'cell.required', '不能为空', 'must not be empty')
      else if (name.length > LIMITS.nameMax)
        issue(
          field,
          'cell.too_long',
          `不能超过 ${LIMITS.nameMax} 个字`,
          `must not have more than ${LIMITS.nameMax} characters`,
        )
    }
    for (const field of ['leaderExt', 'officerExt'] as const) {
      const ext = cellText(cell(field))
      if (!ext) issue(field, 'cell.required', '不能为空', 'must not be empty')
      else if (!EXTENSION.test(ext))
        issue(
          field,
          'cell.bad_extension',
          '分机号只能是数字（可带“-”），最多 20 位',
          'an extension is digits (a hyphen allowed), at most 20',
        )
    }
    if (issues.length > before) continue
    events.push({
      id: rosterEventId(opts.fileHash, day),
      type: 'duty.assigned',
      day,
      leader: cellText(cell('leader')),
      leaderExt: cellText(cell('leaderExt')),
      officer: cellText(cell('officer')),
      officerExt: cellText(cell('officerExt')),
    })
  }
  if (issues.length) return { events: [], issues }

  // The event rules as every client meets them (a day outside the years events may name, say).
  const checked = checkEvents({ events }, { region: opts.region, batchMax: ROSTER_MAX_DAYS, now: opts.now })
  if (!checked.ok) {
    for (const d of checked.details) {
      const [, index, field] = /^\/events\/(\d+)\/(\w+)/.exec(d.path) ?? []
      const event = events[Number(index)]
      const col = at.get(field as Field)
      issues.push({
        row: event ? firstRowOfDay.get(event.day)! : null,
        column: col?.header ?? '',
        code: 'cell.not_an_event',
        reason: d.message,
        reasonEn: d.message,
      })
    }
    return { events: [], issues }
  }
  return { events: checked.events, issues: [] }
}

/** Ids stable across uploads of the same file: uploading it again is all duplicates. */
const rosterEventId = (fileHash: string, day: string) =>
  `duty-${createHash('sha256').update(`${fileHash}|${day}`).digest('hex').slice(0, 24)}`
