import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { runBench } from '../../bench/run.ts'
import type { ScenarioResult } from '../../bench/lib/report.ts'

// The benchmarks' quick modes, so they cannot rot: each scenario runs end to end (its own Redis,
// server and client processes) and produces well-formed figures. Speed is not judged here: these
// machines are shared, and a slow one must not fail the build.

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

async function quick(scenario: string): Promise<ScenarioResult> {
  const [result] = await runBench([scenario, '--quick'])
  wellFormed(result, scenario)
  return result
}

describe('npm run bench -- <scenario> --quick', () => {
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

  test(
    'fanout: latency, messages, bytes and RSS per viewer beside the bare ws broadcast',
    { timeout: 240_000 },
    async () => {
      const result = await quick('fanout')
      expect(
        result.rows.some(
          (r) => r.figure.includes('event-to-viewer p99') && r.baseline?.name === 'bare ws p99',
        ),
      ).toBe(true)
    },
  )

  test('burst: nothing lost, every viewer ends on the snapshot', { timeout: 240_000 }, async () => {
    const result = await quick('burst')
    expect(result.rows.find((r) => r.figure === 'viewers holding the snapshot state')?.met).toBe(true)
    expect(result.rows.find((r) => r.figure === 'events in the log')?.met).toBe(true)
  })

  test(
    'wall-soak: heap, DOM nodes and busy share of the wall in Chromium',
    { timeout: 300_000 },
    async () => {
      const result = await quick('wall-soak')
      expect(result.rows.some((r) => r.figure === 'page errors')).toBe(false)
    },
  )

  test('bundle: the wall and entry page sizes beside the libraries alone', { timeout: 240_000 }, async () => {
    const result = await quick('bundle')
    expect(result.rows.some((r) => r.figure.startsWith('wall (index.html): JS gzipped'))).toBe(true)
  })
})
