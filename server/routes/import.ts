import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError } from 'fastify'
import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import { IMPORT_LIMITS } from '../import/columns.ts'
import { refusedBody, runImport, type ImportResult } from '../import/job.ts'
import { ImportProgressStore } from '../import/progress.ts'
import { buildTemplate, TEMPLATE_FILENAME } from '../import/template.ts'
import { receiveLedger, uploadRefusal } from '../import/upload.ts'
import {
  FileHashParams,
  ImportDone,
  ImportProgress,
  ImportRefused,
  ImportStopped,
} from '../../shared/api/import.ts'
import { ErrorReply } from '../../shared/api/errors.ts'

// Bulk import of a hazard ledger (隐患台账) as a sync: the import job (server/import/job.ts) checks
// every row, then applies what changed, or applies nothing and says which rows are wrong. This route
// receives the upload and turns the job's result into a status. Progress is kept in Redis so any node
// answers the polling browser.

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, {
    limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1, fields: 10, parts: 11 },
  })
  const progress = new ImportProgressStore(app.store.redis, app.store.keys.prefix)

  app.post(
    '/api/import',
    {
      // Thousands of events in one request: admins only (the progress and template routes are
      // admin-only too, by the access policy's rule for data routes it does not name).
      onRequest: app.requireRole('admin'),
      schema: {
        description:
          'Upload a hazard ledger (one file field: XLSX, or CSV in UTF-8 or GB18030; optionally a `sha256` field before it). ' +
          'A sync: new hazards are reported, stored ones take the status moves to their 整改状态, unchanged ones are skipped. ' +
          'Every row is checked first; any bad row → nothing applied and a report of each bad row, column, code and reason. See docs/import.md.',
        consumes: ['multipart/form-data'],
        response: {
          200: ImportDone,
          400: ImportRefused,
          409: ImportRefused,
          413: ImportRefused,
          415: ImportRefused,
          500: ImportStopped,
          503: ImportStopped,
        },
      },
      // What fails before the handler (a body that is not multipart at all) is refused in the
      // import's own reply shape, like everything the handler refuses.
      errorHandler: (err: FastifyError, _req, reply) => {
        if (!err.statusCode || err.statusCode >= 500) throw err
        const refusal = uploadRefusal(err)
        return reply.code(refusal.status).send(refusedBody(refusal.error, [refusal.issue]))
      },
    },
    async (req, reply) => {
      // A browser sends the SHA-256 it computed ahead of the file, so the import is known (receiving)
      // by the time the last byte is sent and its progress is asked for. Checked against the bytes.
      const received = await receiveLedger(req, (hash) => progress.set(hash, 'receiving', 0, 0))
      let result: ImportResult
      if (!received.ok) {
        req.log.info({ by: req.caller?.name, error: received.error }, 'ledger upload refused')
        result = {
          kind: 'refused',
          status: received.status,
          body: refusedBody(received.error, [received.issue]),
        }
      } else {
        result = await runImport(received.file, {
          store: app.store,
          progress,
          region: app.region,
          clock: app.clock,
          batchLimit: app.config.batchLimit,
          log: req.log,
          by: req.caller?.name,
          countApplied: (n) => app.metrics.eventsApplied.inc(n),
        })
        if (received.claimedHash && received.claimedHash !== result.body.fileHash)
          await progress.forget(received.claimedHash)
      }
      if (result.kind === 'done') return result.body
      if (result.kind === 'stopped' && result.status === 503) reply.header('retry-after', '1')
      return reply.code(result.status).send(result.body)
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
