import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newToken, readTokensFile, writeTokensFile, type TokenRecord } from '../../server/auth/tokens.ts'
import type { Config } from '../../server/config.ts'
import { freshSpace, testApp, TOWN, type TestAppOptions } from '../helpers/app.ts'

// The access tests' fixture: a temporary tokens file holding one token of each kind, and apps
// with auth on that read it.

export function tokensFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-tokens-'))
  const path = join(dir, 'tokens.json')
  const add = (fields: Omit<TokenRecord, 'id' | 'hash' | 'createdAt'>) => {
    const made = newToken(fields)
    writeTokensFile(path, [...readTokensFile(path), made.record])
    return { ...made, header: { authorization: `Bearer ${made.token}` } }
  }
  const tokens = {
    viewer: add({ name: '指挥中心大屏', role: 'viewer' }),
    reporter: add({ name: '市应急管理局', role: 'reporter' }),
    townReporter: add({ name: '济川街道安监办', role: 'reporter', towns: [TOWN] }),
    admin: add({ name: '系统管理员', role: 'admin' }),
  }
  return {
    path,
    tokens,
    add,
    /** Removes a token from the file, as `npm run token -- revoke` does. */
    revoke(id: string) {
      writeTokensFile(
        path,
        readTokensFile(path).filter((r) => r.id !== id),
      )
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** An app with auth on, reading `tokensFile`, in a fresh key space. */
export function authApp(
  opts: Omit<TestAppOptions, 'config'> & { tokensFile: string; config?: Partial<Config> },
) {
  return testApp({
    keyVariant: freshSpace(),
    ...opts,
    config: { auth: 'tokens', tokensFile: opts.tokensFile, ...opts.config },
  })
}
