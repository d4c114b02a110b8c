import { expect, test } from 'vitest'
import { seasonFigures, sweepFigures } from '../../shared/campaigns/figures.ts'
import { withCellIndex } from '../../shared/cells.ts'

// A campaign's figures from the `now` cells (the campaign's id as the grade): only its own cells
// count, the rates are closed ÷ found and resumed ÷ (stopped + resumed), null with nothing to count.

const TOWNS = [{ code: 'A' }, { code: 'B' }, { code: 'C' }]

test("a sweep's figures are its own cells only: found, closed since, the closure rate, by town", () => {
  const now = {
    'sw.found|A|-|2026-spring': 4,
    'sw.closed|A|-|2026-spring': 3,
    'sw.found|B|-|2026-spring': 2,
    'sw.found|A|-|2025-spring': 9, // another sweep's
    'sw.closed|A|-|2025-spring': 9,
    'hz.found|A|fire|general': 50, // hazards of every source
  }
  for (const f of [
    sweepFigures(now, '2026-spring', TOWNS),
    withCellIndex(() => sweepFigures(now, '2026-spring', TOWNS)),
  ])
    expect(f).toEqual({
      found: 6,
      closed: 3,
      rate: 0.5,
      // Most still open first (B: 2, A: 1), the towns with none last.
      byTown: [
        { town: 'B', found: 2, closed: 0, rate: 0 },
        { town: 'A', found: 4, closed: 3, rate: 0.75 },
        { town: 'C', found: 0, closed: 0, rate: null },
      ],
    })
  expect(sweepFigures(now, '2027-spring', TOWNS)).toMatchObject({ found: 0, closed: 0, rate: null })
})

test("a season's figures: stopped, resumed, the rate, and who resumed without the check, by town", () => {
  const now = {
    'sr.stopped|A|-|2026-spring': 2,
    'sr.resumed|A|-|2026-spring': 6,
    'sr.resumed|B|-|2026-spring': 1,
    'sr.nocheck|B|ent-9|2026-spring': 1,
    'sr.nocheck|A|ent-2|2026-spring': 1,
    'sr.nocheck|A|ent-1|2026-spring': 1,
    'sr.nocheck|C|ent-7|2025-spring': 1, // another season's
    'ent.resumed_nocheck|C|production|-': 4, // the all-time gauge
  }
  expect(seasonFigures(now, '2026-spring', TOWNS)).toEqual({
    stopped: 2,
    resumed: 7,
    withoutCheck: 3,
    rate: 7 / 9,
    // Resumed without the check first, then the least resumed; the towns with none last.
    byTown: [
      { town: 'A', stopped: 2, resumed: 6, withoutCheck: 2, rate: 0.75 },
      { town: 'B', stopped: 0, resumed: 1, withoutCheck: 1, rate: 1 },
      { town: 'C', stopped: 0, resumed: 0, withoutCheck: 0, rate: null },
    ],
    withoutCheckList: [
      { enterpriseId: 'ent-1', town: 'A' },
      { enterpriseId: 'ent-2', town: 'A' },
      { enterpriseId: 'ent-9', town: 'B' },
    ],
  })
})
