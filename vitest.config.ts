import { defineConfig } from 'vitest/config'
import SlowFirstSequencer from './tests/slow-first.ts'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own redis-server; two files at a time suits the 2-core machines.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
})
