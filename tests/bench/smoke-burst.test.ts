import { expect, test } from 'vitest'
import { quick } from './quick.ts'

// npm run bench -- burst --quick: see tests/bench/quick.ts.

test('burst: nothing lost, every viewer ends on the snapshot', { timeout: 240_000 }, async () => {
  const result = await quick('burst')
  expect(result.rows.find((r) => r.figure === 'viewers holding the snapshot state')?.met).toBe(true)
  expect(result.rows.find((r) => r.figure === 'events in the log')?.met).toBe(true)
})
