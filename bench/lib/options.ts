// What every scenario is told by the command line (bench/run.ts parses it).
export interface BenchOptions {
  /** Seconds instead of minutes: proves the scenario runs, measures little. */
  quick: boolean
  /** Viewer counts for fanout (default 1000,5000) and burst (default 1000). */
  viewers?: number[]
  /** Batch sizes for ingest (default 1,100,500). */
  batches?: number[]
  /** Seconds of each measured run (ingest, fanout) or of the burst. */
  seconds?: number
  /** Minutes of the wall soak. */
  minutes?: number
  /** Keep one core busy with a second process while measuring (fanout): how the tail degrades. */
  load?: boolean
  /** Write V8 CPU profiles of the server nodes to bench/results/profiles/. */
  profile: boolean
  /**
   * ingest only: the Redis topology to measure (single: a primary with one replica; sentinel;
   * cluster) with REDIS_WAIT_REPLICAS 0 and 1, beside one plain Redis in the same run.
   */
  redis?: 'single' | 'sentinel' | 'cluster'
  /** The command line, recorded with the figures. */
  command: string
}
