import { Type, type Static } from 'typebox'

// POST /api/import and its progress: the routes declare these, the Import panel reads their types.

/**
 * Stable codes of the import's refusals and warnings (listed with their meaning in docs/import.md):
 * a client can say them in its own words; `reason`/`reasonEn` are the server's.
 */
export const IMPORT_ISSUE_CODES = [
  // The upload itself
  'upload.not_multipart',
  'upload.malformed',
  'upload.no_file',
  'upload.too_many_parts',
  'upload.too_large',
  // The file as a whole
  'file.empty',
  'file.old_excel',
  'file.opendocument',
  'file.unreadable',
  'file.no_sheet',
  'file.too_many_rows',
  'csv.unclosed_quote',
  'csv.malformed',
  // The header row
  'header.not_found',
  'header.missing_column',
  'header.same_column',
  'header.unknown_column',
  'header.data_without_header',
  // Rows
  'row.example',
  'row.footer',
  'row.duplicate_id',
  'ledger.no_rows',
  // Cells
  'cell.required',
  'cell.too_long',
  'cell.bad_id',
  'cell.bad_date',
  'cell.date_out_of_range',
  'cell.in_future',
  'cell.unknown_town',
  'cell.unknown_domain',
  'cell.industry_of_other_domain',
  'cell.unknown_industry',
  'cell.unknown_value',
  'cell.closed_while_reported',
  'cell.closed_before_found',
  'cell.deadline_before_found',
  'cell.not_an_event',
  'cell.bad_extension',
  // Against what is already stored
  'hazard.taken',
  'hazard.changed_during_import',
  'hazard.illegal_move',
  'hazard.changed_fields',
] as const
export type ImportIssueCode = (typeof IMPORT_ISSUE_CODES)[number]

/** One problem, where the user will look for it: the spreadsheet's row and the column's header. */
export const ImportIssue = Type.Object(
  {
    /** Row number as the spreadsheet shows it (null: the file as a whole). */
    row: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    /** The column's header as written in the file (or as the template names it, for a missing column). */
    column: Type.String(),
    /** The cell's content, as read. */
    value: Type.Optional(Type.String()),
    code: Type.Enum([...IMPORT_ISSUE_CODES]),
    reason: Type.String(),
    reasonEn: Type.String(),
  },
  { additionalProperties: false },
)
export type ImportIssue = Static<typeof ImportIssue>

/** A sync's rows by what became of them (docs/import.md). */
export const SyncCounts = Type.Object(
  {
    /** Hazards not stored before: reported, then moved to their 整改状态. */
    new: Type.Integer(),
    /** Stored hazards whose 整改状态 moved on: the legal status changes applied. */
    updated: Type.Integer(),
    /** Stored hazards already in the row's status: nothing applied. */
    unchanged: Type.Integer(),
    /** Rows refused against what is stored (an illegal move, a number taken by another hazard). */
    refused: Type.Integer(),
  },
  { additionalProperties: false },
)
export type SyncCounts = Static<typeof SyncCounts>

/** What an import that stopped part way had applied: its first rows, up to one row. */
const AppliedPart = {
  /** Events applied before the import stopped. */
  applied: Type.Integer(),
  /** Rows whose events are all in. */
  rowsApplied: Type.Integer(),
  /** The last spreadsheet row applied: every row of the sync up to it is in, none after it (null: none). */
  appliedThroughRow: Type.Union([Type.Integer(), Type.Null()]),
}

export const ImportDone = Type.Object(
  {
    fileHash: Type.String(),
    /** The worksheet read (XLSX: the first one with the header row), null for a CSV. */
    sheet: Type.Union([Type.String(), Type.Null()]),
    /** Ledger rows read (the template's example row, footers and blank rows not counted). */
    rows: Type.Integer(),
    ...SyncCounts.properties,
    /** Rows this import changed (new + updated). */
    rowsApplied: Type.Integer(),
    /** Events the changed rows became: a report per new hazard, plus status changes. */
    events: Type.Integer(),
    applied: Type.Integer(),
    /** Events this same file had applied before (an import completed after a stop): counted once. */
    duplicates: Type.Integer(),
    seq: Type.Integer(),
    /** What was read but not used (unknown columns, the example row, footers). */
    warnings: Type.Array(ImportIssue),
  },
  { additionalProperties: false },
)
export type ImportDone = Static<typeof ImportDone>

export const ImportRefused = Type.Object(
  {
    error: Type.String(),
    fileHash: Type.Optional(Type.String()),
    /** The worksheet read, once known. */
    sheet: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    /** The problems found, at most a few hundred; `issueCount` says how many in all. */
    issues: Type.Array(ImportIssue),
    issueCount: Type.Integer(),
    warnings: Type.Array(ImportIssue),
    /** The sync's counts, when the rows were compared with what is stored. */
    counts: Type.Optional(SyncCounts),
    ...AppliedPart,
  },
  { additionalProperties: false },
)
export type ImportRefused = Static<typeof ImportRefused>

/**
 * 503 (storage failed) or any 5xx: what was applied before the import stopped, when it had begun
 * applying. Importing the same file again completes it.
 */
export const ImportStopped = Type.Object(
  {
    error: Type.String(),
    fileHash: Type.Optional(Type.String()),
    applied: Type.Optional(Type.Integer()),
    rowsApplied: Type.Optional(Type.Integer()),
    appliedThroughRow: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    /**
     * Rows after appliedThroughRow up to this one were being applied when storage failed: they may
     * or may not be in (the answer was lost). Importing the same file again settles it either way.
     */
    unsureThroughRow: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  },
  { additionalProperties: false },
)
export type ImportStopped = Static<typeof ImportStopped>

/** receiving: the upload is under way (known from the hash a browser sends ahead of the file). */
export const IMPORT_PHASES = ['receiving', 'checking', 'applying', 'done', 'rejected', 'failed'] as const

export const ImportProgress = Type.Object(
  {
    fileHash: Type.String(),
    phase: Type.Enum([...IMPORT_PHASES]),
    /** Rows checked (checking) or rows applied (applying, done) of `total`. */
    done: Type.Integer(),
    total: Type.Integer(),
  },
  { additionalProperties: false },
)
export type ImportProgress = Static<typeof ImportProgress>

export const FileHashParams = Type.Object(
  { fileHash: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
)
