import { expect, test } from 'vitest'
import { quick } from './quick.ts'

// npm run bench -- wall-soak --quick: see tests/bench/quick.ts.

test('wall-soak: heap, DOM nodes and busy share of the wall in Chromium', { timeout: 300_000 }, async () => {
  const result = await quick('wall-soak')
  expect(result.rows.some((r) => r.figure === 'page errors')).toBe(false)
})
