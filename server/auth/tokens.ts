import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { RoleSchema, roleAllows, type Role } from '../../shared/access.ts'

// Access tokens. The tokens file holds only SHA-256 hashes: a token is shown once, when it is created
// (`npm run token -- create`), and cannot be read back from the file.

export type { Role }
export { roleAllows }

const BASE64URL_SHA256 = '^[A-Za-z0-9_-]{43}$'

export const TokenRecordSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{4,40}$' }),
    /** Who holds it (recorded as `by` with every event it pushes). */
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: RoleSchema,
    /** A reporter limited to these towns (division codes); absent: every town. */
    towns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1 })),
    /** SHA-256 of the token, base64url. */
    hash: Type.String({ pattern: BASE64URL_SHA256 }),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)
export type TokenRecord = Static<typeof TokenRecordSchema>
export const TokensFileSchema = Type.Array(TokenRecordSchema)

/** Who is calling, as the routes see it. */
export type Caller = Pick<TokenRecord, 'id' | 'name' | 'role' | 'towns'>

export class TokensFileError extends Error {}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

/** A new secret (32 random bytes; the `lk_` prefix lets secret scanners recognise it) and its record. */
export function newToken(fields: Omit<TokenRecord, 'id' | 'hash' | 'createdAt'>, now = Date.now()) {
  const token = `lk_${randomBytes(32).toString('base64url')}`
  const { expiresAt, ...who } = fields
  const record: TokenRecord = {
    id: `tk_${randomBytes(6).toString('base64url')}`,
    ...who,
    hash: hashToken(token),
    createdAt: new Date(now).toISOString(),
    ...(expiresAt ? { expiresAt } : {}),
  }
  return { token, record }
}

export const isExpired = (record: TokenRecord, now: number) =>
  record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now

/** Reads and checks a tokens file; a missing file holds no tokens. Throws TokensFileError naming the problem. */
export function readTokensFile(path: string): TokenRecord[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new TokensFileError(`Cannot read tokens file ${path}: ${(err as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new TokensFileError(`Tokens file ${path} is not JSON: ${(err as Error).message}`)
  }
  if (!Value.Check(TokensFileSchema, data)) {
    const problems = [...Value.Errors(TokensFileSchema, data)]
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new TokensFileError(`Tokens file ${path} is invalid: ${problems.join('; ')}`)
  }
  const ids = new Set<string>()
  for (const r of data) {
    if (ids.has(r.id)) throw new TokensFileError(`Tokens file ${path} is invalid: id ${r.id} appears twice`)
    ids.add(r.id)
  }
  return data
}

/** Writes the whole file at once (rename), readable by its owner only: a server never reads half a file. */
export function writeTokensFile(path: string, records: TokenRecord[]): void {
  mkdirSync(dirname(path), { recursive: true })
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 })
  renameSync(temp, path)
}

/** What a presented token turned out to be. */
export type Verdict = { ok: true; record: TokenRecord } | { ok: false; reason: string }

/**
 * The tokens file as the server sees it: re-read whenever its modification time, size or inode
 * changes, so a revoked token stops working without a restart. A file that turns invalid keeps the
 * last good set (and `onError` says why); a deleted file holds no tokens.
 */
export class TokenStore {
  private records: TokenRecord[] = []
  private hashes: Buffer[] = []
  private stamp = ''

  constructor(
    readonly path: string,
    private readonly onError: (err: TokensFileError) => void = () => {},
  ) {
    this.load(readTokensFile(path))
    this.stamp = this.fileStamp()
  }

  private fileStamp(): string {
    try {
      const s = statSync(this.path)
      return `${s.ino}:${s.size}:${s.mtimeMs}`
    } catch {
      return 'missing'
    }
  }

  private load(records: TokenRecord[]): void {
    this.records = records
    this.hashes = records.map((r) => Buffer.from(r.hash, 'base64url'))
  }

  /** Re-reads the file if it changed; true when it did. */
  refresh(): boolean {
    const stamp = this.fileStamp()
    if (stamp === this.stamp) return false
    this.stamp = stamp
    try {
      this.load(readTokensFile(this.path))
    } catch (err) {
      if (!(err instanceof TokensFileError)) throw err
      this.onError(err)
    }
    return true
  }

  get size(): number {
    return this.records.length
  }

  /** The record of a presented token, comparing hashes in constant time. */
  verify(token: string, now = Date.now()): Verdict {
    this.refresh()
    const presented = Buffer.from(hashToken(token), 'base64url')
    let found: TokenRecord | undefined
    // Compare with every record, not stopping at a match: the time taken says nothing about which.
    this.hashes.forEach((hash, i) => {
      if (hash.length === presented.length && timingSafeEqual(hash, presented)) found = this.records[i]
    })
    if (!found) return { ok: false, reason: 'token not recognised (unknown or revoked)' }
    if (isExpired(found, now)) return { ok: false, reason: `token ${found.id} expired at ${found.expiresAt}` }
    return { ok: true, record: found }
  }

  /** Whether a token, known by its id, is still good (sockets opened with it are closed when not). */
  stillValid(id: string, now = Date.now()): boolean {
    const record = this.records.find((r) => r.id === id)
    return record !== undefined && !isExpired(record, now)
  }
}
