import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type Config } from '../config.ts'
import { loadRegion } from '../region.ts'
import { ROLES } from '../../shared/access.ts'
import {
  isExpired,
  newToken,
  readTokensFile,
  TokensFileError,
  writeTokensFile,
  type Role,
  type TokenRecord,
} from './tokens.ts'

// `npm run token -- create|list|revoke`: manages the tokens file (TOKENS_FILE, default ./data/tokens.json).
// A new token is printed once; the file keeps only its hash. Running servers re-read the file, so a
// revoke takes effect without a restart. Exit 0: done; 1: refused (bad file, unknown id); 2: wrong usage.

const USAGE = `usage:
  npm run token -- create --role viewer|duty|reporter|admin --name "<who holds it>" [--towns <code>,<code>] [--days <n>] [--url <the server's base URL>]
  npm run token -- list
  npm run token -- revoke <id>`

class UsageError extends Error {}

function create(config: Config, args: string[], now: number): string {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      towns: { type: 'string' },
      days: { type: 'string' },
      url: { type: 'string' },
    },
    strict: true,
  })
  const role = values.role as Role | undefined
  if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`)
  const name = values.name?.trim()
  if (!name || name.length > 100)
    throw new UsageError('--name must say who holds the token (1–100 characters)')
  let towns: string[] | undefined
  if (values.towns !== undefined) {
    if (role !== 'reporter') throw new UsageError('--towns limits a reporter: use it with --role reporter')
    towns = [
      ...new Set(
        values.towns
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ]
    const region = loadRegion(config)
    const unknown = towns.filter((t) => !region.townByCode.has(t))
    if (!towns.length || unknown.length) {
      throw new UsageError(
        `--towns: unknown town ${unknown.join(', ') || '(none given)'}; the region's towns: ${[...region.townByCode.keys()].join(', ')}`,
      )
    }
  }
  let expiresAt: string | undefined
  if (values.days !== undefined) {
    const days = Number(values.days)
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw new UsageError('--days must be a whole number of days, 1–3650')
    expiresAt = new Date(now + days * 86_400_000).toISOString()
  }
  // A link without its scheme (wall-host:3000/?token=…) is no link a browser opens.
  if (values.url !== undefined && !/^https?:\/\/[^/?#\s]+/.test(values.url))
    throw new UsageError(
      "--url must be the wall's address with http:// or https://, e.g. http://wall-host:3000",
    )
  const path = resolve(config.tokensFile)
  const records = readTokensFile(path)
  const { token, record } = newToken(
    { name, role, ...(towns ? { towns } : {}), ...(expiresAt ? { expiresAt } : {}) },
    now,
  )
  writeTokensFile(path, [...records, record])
  const lines = [
    `Created ${role} token ${record.id} for ${name}${towns ? ` (towns ${towns.join(', ')})` : ''}, ${expiresAt ? `expires ${expiresAt}` : 'no expiry'}:`,
    token,
    'It is shown only this once: the tokens file keeps its hash. Send it as "Authorization: Bearer <token>".',
  ]
  const host = config.host === '0.0.0.0' || config.host === '::' ? hostname() : config.host
  const base = (values.url ?? `http://${host}:${config.port}`).replace(/\/+$/, '')
  if (role === 'viewer') {
    lines.push(
      `Wall link (open it once on the screen; the browser keeps the token in a cookie): ${base}/?token=${token}`,
    )
  } else {
    lines.push(
      `Entry page link (open it once on the ${role === 'duty' ? 'duty officer' : role}'s phone or desk; the browser keeps the token in a cookie): ${base}/entry?token=${token}`,
    )
  }
  return lines.join('\n')
}

function list(config: Config, now: number): string {
  const path = resolve(config.tokensFile)
  const records = readTokensFile(path)
  if (!records.length) return `No tokens in ${path}.`
  const state = (r: TokenRecord) =>
    isExpired(r, now) ? `EXPIRED ${r.expiresAt}` : r.expiresAt ? `expires ${r.expiresAt}` : 'no expiry'
  const rows = records.map((r) => [
    r.id,
    r.role,
    r.name,
    r.towns?.join(',') ?? 'all towns',
    `created ${r.createdAt}`,
    state(r),
  ])
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

function revoke(config: Config, args: string[]): string {
  if (args.length !== 1) throw new UsageError('revoke takes one token id (see npm run token -- list)')
  const path = resolve(config.tokensFile)
  const records = readTokensFile(path)
  const gone = records.find((r) => r.id === args[0])
  if (!gone) throw new TokensFileError(`No token ${args[0]} in ${path} (see npm run token -- list)`)
  writeTokensFile(
    path,
    records.filter((r) => r !== gone),
  )
  return `Revoked ${gone.id} (${gone.role}, ${gone.name}): running servers refuse it from their next request.`
}

export function run(
  argv: string[],
  env: Record<string, string | undefined>,
  now = Date.now(),
): { code: number; out: string } {
  const [command, ...args] = argv
  try {
    const config = loadConfig(env)
    switch (command) {
      case 'create':
        return { code: 0, out: create(config, args, now) }
      case 'list':
        return { code: 0, out: list(config, now) }
      case 'revoke':
        return { code: 0, out: revoke(config, args) }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given')
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return { code: 2, out: `${(err as Error).message}\n${USAGE}` }
    }
    if (err instanceof ConfigError) return { code: 2, out: err.message }
    if (err instanceof TokensFileError) return { code: 1, out: err.message }
    throw err
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { code, out } = run(process.argv.slice(2), process.env)
  ;(code === 0 ? console.log : console.error)(out)
  process.exitCode = code
}
