import { expect, test } from 'vitest'
import { quick } from './quick.ts'

// npm run bench -- fanout --quick: see tests/bench/quick.ts.

test(
  'fanout: latency, messages, bytes and RSS per viewer beside the bare ws broadcast',
  { timeout: 240_000 },
  async () => {
    const result = await quick('fanout')
    expect(
      result.rows.some((r) => r.figure.includes('event-to-viewer p99') && r.baseline?.name === 'bare ws p99'),
    ).toBe(true)
  },
)
