import { expect, test } from 'vitest'
import { quick } from './quick.ts'

// npm run bench -- bundle --quick: see tests/bench/quick.ts.

test('bundle: the wall and entry page sizes beside the libraries alone', { timeout: 240_000 }, async () => {
  const result = await quick('bundle')
  expect(result.rows.some((r) => r.figure.startsWith('wall (index.html): JS gzipped'))).toBe(true)
})
