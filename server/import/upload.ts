import type { FastifyRequest } from 'fastify'
import { IMPORT_LIMITS } from './columns.ts'
import type { ImportIssue } from '../../shared/api/import.ts'

// Receiving a ledger upload: one multipart file field, optionally after a `sha256` field (the hash
// a browser computed, so the import's progress can be asked for while the file is still on its way).
// Whatever the body is (no boundary, cut short, too many parts), the answer is a refusal that names
// the upload as the problem: never a 500.

export type Received =
  | { ok: true; file: Buffer; claimedHash: string }
  | { ok: false; status: 400 | 413 | 415; error: string; issue: ImportIssue }

const fileIssue = (code: ImportIssue['code'], reason: string, reasonEn: string): ImportIssue => ({
  row: null,
  column: '',
  code,
  reason,
  reasonEn,
})

/** The refusal of an upload that could not be read, by what went wrong. */
export function uploadRefusal(err: unknown): Extract<Received, { ok: false }> {
  const { code, statusCode } = err as { code?: string; statusCode?: number }
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    const mb = IMPORT_LIMITS.maxBytes / 1024 / 1024
    return {
      ok: false,
      status: 413,
      error: 'file too large',
      issue: fileIssue('upload.too_large', `文件超过 ${mb} MB`, `the file is larger than ${mb} MB`),
    }
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return {
      ok: false,
      status: 413,
      error: 'too many parts',
      issue: fileIssue(
        'upload.too_many_parts',
        '一次只能上传一个文件（表单字段过多）',
        'one file per upload (the form has too many parts)',
      ),
    }
  }
  if (statusCode === 415 || code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return {
      ok: false,
      status: 415,
      error: 'not a file upload',
      issue: fileIssue(
        'upload.not_multipart',
        '请以表单文件（multipart/form-data）上传',
        'upload the file as multipart/form-data',
      ),
    }
  }
  // Busboy's own errors (no boundary, a part cut short, a malformed part header) carry no status.
  return {
    ok: false,
    status: 400,
    error: 'malformed upload',
    issue: fileIssue(
      'upload.malformed',
      '上传的表单数据不完整或格式错误，请重新上传',
      'the multipart body is malformed or cut short: upload again',
    ),
  }
}

/** Reads the upload; `onClaimedHash` is told the browser's hash as soon as it arrives. */
export async function receiveLedger(
  req: FastifyRequest,
  onClaimedHash: (hash: string) => Promise<void>,
): Promise<Received> {
  if (!req.isMultipart()) return uploadRefusal({ code: 'FST_INVALID_MULTIPART_CONTENT_TYPE' })
  let file: Buffer | null = null
  let claimedHash = ''
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'sha256' && typeof part.value === 'string' && !file) {
          claimedHash = part.value
          if (/^[0-9a-f]{64}$/.test(claimedHash)) await onClaimedHash(claimedHash)
        }
        continue
      }
      // The parts limit allows one file: a second one ends the loop with FST_FILES_LIMIT.
      file = await part.toBuffer()
    }
  } catch (err) {
    return uploadRefusal(err)
  }
  if (!file) {
    return {
      ok: false,
      status: 400,
      error: 'no file',
      issue: fileIssue('upload.no_file', '请求中没有文件', 'the request holds no file'),
    }
  }
  return { ok: true, file, claimedHash }
}
