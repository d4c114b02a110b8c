import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import multipart from '@fastify/multipart'
import { DutyImportDone, DutyReply, type DutyPair } from '../../shared/mandates/api.ts'
import { dutyDayAt } from '../../shared/mandates/duty.ts'
import { mandatesOf } from '../../shared/mandates/defaults.ts'
import { ImportRefused, type ImportIssue } from '../../shared/api/import.ts'
import { ErrorReply } from '../../shared/api/errors.ts'
import { IMPORT_LIMITS } from '../import/columns.ts'
import { LedgerFileError } from '../import/read.ts'
import { receiveLedger } from '../import/upload.ts'
import { fileHashOf } from '../import/ledger.ts'
import { checkRoster, readRoster } from '../import/roster.ts'
import { prepareEvent } from '../ingest/prepare.ts'

// The duty roster (值班值守, docs/mandates.md): who is on duty now, for the wall, and an admin's
// upload of a roster file (CSV or XLSX), all of it or none.

const rosterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, {
    limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1, fields: 10, parts: 11 },
  })
  const timeZone = app.region.timeZone
  const handover = mandatesOf(app.region).readiness.handover

  app.get(
    '/api/duty',
    {
      schema: {
        description:
          "The pair on duty now (region time): the roster's day until the next day's handover (the region file's mandates.readiness.handover), and when that is.",
        response: { 200: DutyReply },
      },
    },
    async () => {
      const now = app.clock()
      const { day, untilMs } = dutyDayAt(now, timeZone, handover)
      const stored = await app.store.redis.hget(`${app.store.keys.prefix}duty`, day)
      let onDuty: DutyPair | null = null
      if (stored) {
        const [leader, leaderExt, officer, officerExt] = JSON.parse(stored) as string[]
        onDuty = { leader, leaderExt, officer, officerExt }
      }
      return { day, handover, now, until: untilMs, onDuty }
    },
  )

  const refuse = (
    reply: FastifyReply,
    status: 400 | 409 | 413 | 415,
    error: string,
    issues: ImportIssue[],
  ) => {
    reply.log.info(
      { by: reply.request.caller?.name, error, issues: issues.slice(0, 3) },
      'roster import refused',
    )
    return reply.code(status).send({
      error,
      issues: issues.slice(0, IMPORT_LIMITS.maxIssues),
      issueCount: issues.length,
      warnings: [],
      applied: 0,
      rowsApplied: 0,
      appliedThroughRow: null,
    })
  }
  const fileIssue = (code: ImportIssue['code'], reason: string, reasonEn: string): ImportIssue[] => [
    { row: null, column: '', code, reason, reasonEn },
  ]

  app.post(
    '/api/duty/import',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        description:
          'Upload a duty roster (one file field: XLSX, or CSV in UTF-8 or GB18030; columns 日期, 值班领导, 领导分机, 值班员, 值班员分机). Every row is checked first; ' +
          'any bad row → nothing applied and each bad row, column and reason. A day assigned again replaces its pair.',
        consumes: ['multipart/form-data'],
        response: {
          200: DutyImportDone,
          400: ImportRefused,
          409: ImportRefused,
          413: ImportRefused,
          415: ImportRefused,
          503: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      // The ledger import's receiving: every malformed upload is a refusal naming the upload.
      const received = await receiveLedger(req, async () => {})
      if (!received.ok) return refuse(reply, received.status, received.error, [received.issue])
      const fileHash = fileHashOf(received.file)
      let check
      try {
        check = checkRoster(await readRoster(received.file), {
          region: app.region,
          fileHash,
          now: app.clock(),
        })
      } catch (err) {
        if (!(err instanceof LedgerFileError)) throw err
        return refuse(reply, err.status, 'unreadable file', [
          { row: err.row, column: '', code: err.code, reason: err.reason, reasonEn: err.reasonEn },
        ])
      }
      if (check.issues.length) return refuse(reply, 400, 'invalid rows: nothing applied', check.issues)

      const by = req.caller?.name
      const now = app.clock()
      // One batch (a file holds at most a batch's days): the whole roster is in, or none of it.
      const outcome = await app.store.ingest(
        check.events.map((e) => prepareEvent(by === undefined ? e : { ...e, by }, timeZone)),
        now,
      )
      if (!outcome.ok) {
        return refuse(
          reply,
          409,
          'conflict: nothing applied',
          fileIssue('cell.not_an_event', outcome.reason, outcome.reason),
        )
      }
      app.metrics.eventsApplied.inc(outcome.applied.length)
      req.log.info(
        { by, fileHash, days: check.events.length, applied: outcome.applied.length, seq: outcome.seq },
        'roster imported',
      )
      return {
        days: check.events.length,
        applied: outcome.applied.length,
        duplicates: outcome.duplicates.length,
        seq: outcome.seq,
      }
    },
  )
}

export default rosterRoutes
