import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import { IMPORT_LIMITS } from '../import/columns.ts'
import { LedgerFileError, readLedger } from '../import/read.ts'
import { checkLedger, fileHashOf } from '../import/ledger.ts'
import { applyRows, findTakenHazards } from '../import/apply.ts'
import { ImportProgressStore } from '../import/progress.ts'
import { buildTemplate, TEMPLATE_FILENAME } from '../import/template.ts'
import {
  FileHashParams,
  ImportDone,
  ImportProgress,
  ImportRefused,
  type ImportIssue,
} from '../../shared/api/import.ts'
import { ErrorReply } from '../../shared/api/errors.ts'

// Bulk import of a hazard ledger (隐患台账): check every row, then apply them all, or apply nothing
// and say which rows are wrong. Progress is kept in Redis so any node answers the polling browser.

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, {
    limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1, fields: 10, parts: 11 },
  })
  const progress = new ImportProgressStore(app.store.redis, app.store.keys.prefix)

  const refuse = (
    reply: FastifyReply,
    status: 400 | 409 | 413 | 415,
    body: {
      error: string
      fileHash?: string
      issues: ImportIssue[]
      warnings?: ImportIssue[]
      applied?: number
    },
  ) => {
    // Who tried to import what, and why it was refused (the answer goes only to the browser). One
    // stopped part way has applied some rows: a warning, since the ledger is now half in.
    const applied = body.applied ?? 0
    reply.log[applied ? 'warn' : 'info'](
      {
        by: reply.request.caller?.name,
        fileHash: body.fileHash,
        error: body.error,
        issueCount: body.issues.length,
        issues: body.issues.slice(0, 3),
        applied,
      },
      applied ? `ledger import stopped part way: ${applied} events applied` : 'ledger import refused',
    )
    return reply.code(status).send({
      error: body.error,
      ...(body.fileHash ? { fileHash: body.fileHash } : {}),
      issues: body.issues.slice(0, IMPORT_LIMITS.maxIssues),
      issueCount: body.issues.length,
      warnings: body.warnings ?? [],
      applied: body.applied ?? 0,
    })
  }
  const fileIssue = (reason: string, reasonEn: string): ImportIssue[] => [
    { row: null, column: '', reason, reasonEn },
  ]

  app.post(
    '/api/import',
    {
      // Thousands of events in one request: admins only (the progress and template routes are
      // admin-only too, by the access policy's rule for data routes it does not name).
      onRequest: app.requireRole('admin'),
      schema: {
        description:
          'Upload a hazard ledger (one file field: XLSX, or CSV in UTF-8 or GB18030; optionally a `sha256` field before it). Every row is checked first; ' +
          'any bad row → nothing applied and a report of each bad row, column and reason. Importing the same file again counts once.',
        consumes: ['multipart/form-data'],
        response: {
          200: ImportDone,
          400: ImportRefused,
          409: ImportRefused,
          413: ImportRefused,
          415: ImportRefused,
          503: ErrorReply,
        },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        return refuse(reply, 415, {
          error: 'not a file upload',
          issues: fileIssue(
            '请以表单文件（multipart/form-data）上传',
            'upload the file as multipart/form-data',
          ),
        })
      }
      const part = await req.file()
      if (!part)
        return refuse(reply, 400, {
          error: 'no file',
          issues: fileIssue('请求中没有文件', 'the request holds no file'),
        })
      // A browser sends the SHA-256 it computed ahead of the file, so the import is known (receiving)
      // by the time the last byte is sent and its progress is asked for. Checked against the bytes below.
      const claimed = part.fields.sha256
      const claimedHash =
        claimed && 'value' in claimed && typeof claimed.value === 'string' ? claimed.value : ''
      if (/^[0-9a-f]{64}$/.test(claimedHash)) await progress.set(claimedHash, 'receiving', 0, 0)
      let buf: Buffer
      try {
        buf = await part.toBuffer()
      } catch (err) {
        if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err
        const mb = IMPORT_LIMITS.maxBytes / 1024 / 1024
        return refuse(reply, 413, {
          error: 'file too large',
          issues: fileIssue(`文件超过 ${mb} MB`, `the file is larger than ${mb} MB`),
        })
      }
      const fileHash = fileHashOf(buf)
      if (claimedHash && claimedHash !== fileHash) await progress.forget(claimedHash)
      await progress.set(fileHash, 'checking', 0, 0)

      let check
      try {
        const { rows } = await readLedger(buf)
        check = await checkLedger(rows, {
          region: app.region,
          fileHash,
          now: app.clock(),
          onProgress: (done, total) => progress.set(fileHash, 'checking', done, total),
        })
      } catch (err) {
        if (!(err instanceof LedgerFileError)) throw err
        await progress.set(fileHash, 'rejected', 0, 0)
        return refuse(reply, err.status, {
          error: 'unreadable file',
          fileHash,
          issues: fileIssue(err.reason, err.reasonEn),
        })
      }
      const { rows, warnings } = check
      if (check.issues.length) {
        await progress.set(fileHash, 'rejected', 0, check.total)
        return refuse(reply, 400, {
          error: 'invalid rows: nothing applied',
          fileHash,
          issues: check.issues,
          warnings,
        })
      }
      const header = (field: string) => check.headers[field as keyof typeof check.headers] ?? ''

      const taken = await findTakenHazards(rows, app.store, app.clock(), req.caller?.name)
      if (taken.length) {
        await progress.set(fileHash, 'rejected', 0, rows.length)
        const issues = taken.map((c) => ({
          row: c.row,
          column: header(c.field),
          reason: c.reason,
          reasonEn: c.reasonEn,
        }))
        return refuse(reply, 409, { error: 'conflict: nothing applied', fileHash, issues, warnings })
      }

      await progress.set(fileHash, 'applying', 0, rows.length)
      const outcome = await applyRows(rows, {
        store: app.store,
        batchLimit: app.config.batchLimit,
        timeZone: app.region.region.timeZone,
        clock: app.clock,
        by: req.caller?.name,
        onBatch: (done) => progress.set(fileHash, 'applying', done, rows.length),
      })
      if (!outcome.ok) {
        app.metrics.eventsApplied.inc(outcome.applied)
        await progress.set(fileHash, 'failed', 0, rows.length)
        const issues = [
          {
            row: outcome.row,
            column: header(outcome.field),
            reason: outcome.reason,
            reasonEn: outcome.reasonEn,
          },
        ]
        return refuse(reply, 409, {
          error: 'conflict while applying',
          fileHash,
          issues,
          warnings,
          applied: outcome.applied,
        })
      }
      app.metrics.eventsApplied.inc(outcome.applied)
      await progress.set(fileHash, 'done', rows.length, rows.length)
      req.log.info(
        {
          by: req.caller?.name,
          fileHash,
          rows: rows.length,
          applied: outcome.applied,
          duplicates: outcome.duplicates,
          seq: outcome.seq,
        },
        'ledger imported',
      )
      return {
        fileHash,
        rows: rows.length,
        rowsApplied: outcome.rowsApplied,
        events: outcome.applied + outcome.duplicates,
        applied: outcome.applied,
        duplicates: outcome.duplicates,
        seq: outcome.seq,
        warnings,
      }
    },
  )

  app.get(
    '/api/import/progress/:fileHash',
    {
      schema: {
        description:
          "An import's progress by the file's SHA-256 (hex): receiving, checking, applying, done, rejected or failed; readable for an hour.",
        params: FileHashParams,
        response: { 200: ImportProgress, 404: ErrorReply },
      },
    },
    async (req, reply) => {
      const found = await progress.get(req.params.fileHash)
      if (!found)
        return reply
          .code(404)
          .send({ error: 'no import of this file is known (not yet received, or over an hour ago)' })
      return found
    },
  )

  app.get(
    '/api/import/template.xlsx',
    {
      schema: {
        description:
          'The ledger template: headers, an example row, dropdowns from the region configuration, and a sheet explaining each column.',
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'an XLSX workbook' }),
        },
      },
    },
    async (_req, reply) => {
      const buf = await buildTemplate(app.region, app.today())
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header(
          'content-disposition',
          `attachment; filename="hazard-ledger-template.xlsx"; filename*=UTF-8''${encodeURIComponent(TEMPLATE_FILENAME)}`,
        )
        .header('cache-control', 'no-cache')
        .send(buf)
    },
  )
}

export default importRoutes
