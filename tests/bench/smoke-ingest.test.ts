import { expect, test } from 'vitest'
import { quick } from './quick.ts'

// npm run bench -- ingest --quick: see tests/bench/quick.ts.

test(
  'ingest: Lookout beside the bare pipeline and EVALSHA, every request answered',
  { timeout: 240_000 },
  async () => {
    const result = await quick('ingest')
    expect(result.rows.find((r) => r.figure === 'single events: events/s')?.baseline?.name).toBe(
      'bare pipeline req/s',
    )
    // Correctness, not speed: the mix is legal, so nothing is refused.
    expect(result.rows.some((r) => r.figure.endsWith('failed requests'))).toBe(false)
  },
)
