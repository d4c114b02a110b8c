import { resolve } from 'node:path'
import { ConfigError, type Config } from '../config.ts'
import { isExpired, readTokensFile, TokensFileError } from './tokens.ts'

/**
 * `npm start` with auth on needs at least one usable token: without one nobody could read the wall,
 * so stop at once and say how to make one. Throws ConfigError (one line).
 */
export function requireTokens(config: Config, now = Date.now()): void {
  if (config.auth === 'off') return
  const path = resolve(config.tokensFile)
  let records
  try {
    records = readTokensFile(path)
  } catch (err) {
    if (err instanceof TokensFileError) throw new ConfigError(err.message)
    throw err
  }
  if (!records.some((r) => !isExpired(r, now))) {
    throw new ConfigError(
      `No usable access token in ${path}: create one with npm run token -- create --role admin --name "<who>" (AUTH=off is for local demos only)`,
    )
  }
}
