import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runBench } from '../../bench/run.ts'
import type { ScenarioResult } from '../../bench/lib/report.ts'

// The benchmarks' quick modes, so they cannot rot (tests/bench/smoke-*.test.ts, a file per scenario
// so two run at once): each scenario runs end to end (its own Redis, server and client processes) and
// produces well-formed figures. Speed is not judged here: these machines are shared, and a slow one
// must not fail the build.

const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url))

function wellFormed(result: ScenarioResult, scenario: string): void {
  expect(result.scenario).toBe(scenario)
  expect(result.quick).toBe(true)
  expect(result.rows.length).toBeGreaterThan(0)
  for (const row of result.rows) {
    expect(row.figure, 'figure').toEqual(expect.any(String))
    expect(Number.isFinite(row.value), `${row.figure}: ${row.value}`).toBe(true)
    if (row.baseline) expect(Number.isFinite(row.baseline.value), `${row.figure} baseline`).toBe(true)
    if (row.target !== undefined) expect(typeof row.met).toBe('boolean')
  }
  const path = `${RESULTS}${scenario}.quick.json`
  expect(existsSync(path)).toBe(true)
  const written = JSON.parse(readFileSync(path, 'utf8')) as ScenarioResult & { rows: { ratio?: number }[] }
  expect(written.rows.map((r) => r.figure)).toEqual(result.rows.map((r) => r.figure))
}

export async function quick(scenario: string): Promise<ScenarioResult> {
  const [result] = await runBench([scenario, '--quick'])
  wellFormed(result, scenario)
  return result
}
