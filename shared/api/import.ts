import { Type, type Static } from 'typebox'

// POST /api/import and its progress: the routes declare these, the Import panel reads their types.

/** One problem, where the user will look for it: the spreadsheet's row and the column's header. */
export const ImportIssue = Type.Object(
  {
    /** Row number as the spreadsheet shows it (null: the file as a whole). */
    row: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    /** The column's header as written in the file (or as the template names it, for a missing column). */
    column: Type.String(),
    /** The cell's content, as read. */
    value: Type.Optional(Type.String()),
    reason: Type.String(),
    reasonEn: Type.String(),
  },
  { additionalProperties: false },
)
export type ImportIssue = Static<typeof ImportIssue>

export const ImportDone = Type.Object(
  {
    fileHash: Type.String(),
    /** Ledger rows imported (the template's example row and blank rows not counted). */
    rows: Type.Integer(),
    /** Rows this import added; the others were imported before (by this same file) and count once. */
    rowsApplied: Type.Integer(),
    /** Events the rows became: one per hazard, plus its status steps. */
    events: Type.Integer(),
    applied: Type.Integer(),
    /** Events this file had already applied (imported before): counted once. */
    duplicates: Type.Integer(),
    seq: Type.Integer(),
    /** What was read but not used (unknown columns, the example row). */
    warnings: Type.Array(ImportIssue),
  },
  { additionalProperties: false },
)
export type ImportDone = Static<typeof ImportDone>

export const ImportRefused = Type.Object(
  {
    error: Type.String(),
    fileHash: Type.Optional(Type.String()),
    /** The problems found, at most a few hundred; `issueCount` says how many in all. */
    issues: Type.Array(ImportIssue),
    issueCount: Type.Integer(),
    warnings: Type.Array(ImportIssue),
    /** Events applied before the refusal (only a conflict found while applying leaves any). */
    applied: Type.Integer(),
  },
  { additionalProperties: false },
)
export type ImportRefused = Static<typeof ImportRefused>

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
