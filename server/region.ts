import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Value } from 'typebox/value'
import {
  RegionSchema,
  indexRegion,
  isTimeZone,
  regionProblems,
  type Region,
  type RegionIndex,
} from '../shared/region.ts'
import { ConfigError, type Config } from './config.ts'

/** Loads and checks the region file named by the configuration. */
export function loadRegion(config: Pick<Config, 'region' | 'regionFile' | 'timeZone'>): RegionIndex {
  const path = config.regionFile ?? fileURLToPath(new URL(`./regions/${config.region}.json`, import.meta.url))
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError(`Cannot read region file ${path}: ${(err as Error).message}`)
  }
  if (!Value.Check(RegionSchema, data)) {
    const problems = [...Value.Errors(RegionSchema, data)]
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new ConfigError(`Region file ${path} is not valid: ${problems.join('; ')}`)
  }
  if (config.timeZone && !isTimeZone(config.timeZone)) {
    throw new ConfigError(
      `Bad configuration: TIME_ZONE "${config.timeZone}" is not a known IANA zone (e.g. Asia/Shanghai)`,
    )
  }
  const region: Region = config.timeZone ? { ...data, timeZone: config.timeZone } : data
  const problems = regionProblems(region)
  if (problems.length) throw new ConfigError(`Region file ${path}: ${problems.join('; ')}`)
  return indexRegion(region)
}
