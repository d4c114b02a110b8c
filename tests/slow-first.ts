import { statSync } from 'node:fs'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

// Runs the long test files first. Two workers share the files; when a long file (a browser suite,
// the bench smoke run, a Sentinel failover) starts last, one worker runs it alone while the other
// idles, and the whole run waits for it. A fresh CI checkout has no timings cached, so the files
// known to be long are named here, longest kinds first; the rest follow, larger files first.

const LONG_FIRST = [
  /tests\/bench\/smoke/,
  /tests\/browser\//,
  /tests\/redis\/(sentinel|cluster)/,
  /tests\/entry\//,
  /tests\/access\/csp-browser/,
  /tests\/api\/startup/,
  /tests\/hostile\/fuzz/,
  /tests\/ingest\/rebuild/,
]

const rank = (file: string) => {
  const i = LONG_FIRST.findIndex((re) => re.test(file))
  return i === -1 ? LONG_FIRST.length : i
}

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const size = (f: TestSpecification) => statSync(f.moduleId).size
    return [...files].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || size(b) - size(a))
  }
}
