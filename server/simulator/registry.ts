import { RiskLevel } from '../../shared/enums.ts'
import type { Region } from '../../shared/region.ts'
import { INDUSTRIES, TRADE_NAME_FIRST, TRADE_NAME_SECOND, type IndustryProfile } from './profile.ts'
import type { Rng } from './random.ts'

// The simulated city's register of enterprises (企业名录): a few hundred, with a realistic risk mix,
// names by industry, spread over the towns the way the industry is.

export interface Enterprise {
  id: string
  name: string
  town: string
  domain: string
  industry: string
  riskLevel: RiskLevel
  profile: IndustryProfile
}

export interface TownWeights {
  named: Record<string, number>
  others: number
}

/** A town of `region` by `weights`; every town alike when the weights leave none (another region). */
export function pickTown(rng: Rng, region: Region, weights: TownWeights): string {
  const options = region.towns.map((t) => [t.code, weights.named[t.code] ?? weights.others] as const)
  if (options.some(([, w]) => w > 0)) return rng.weighted(options)
  return rng.pick(region.towns).code
}

/** The industries of the profile that `region` has. */
export function regionIndustries(region: Region): IndustryProfile[] {
  return INDUSTRIES.filter((p) =>
    region.domains.some((d) => d.id === p.domain && d.industries.some((i) => i.id === p.industry)),
  )
}

/** 泰兴市 → 泰兴: what company names start with. */
export function cityShortName(region: Region): string {
  return region.city.name.replace(/(市|县|区)$/, '')
}

export function buildRegistry(rng: Rng, region: Region, count: number, idPrefix: string): Enterprise[] {
  const industries = regionIndustries(region)
  if (!industries.length) return []
  const city = cityShortName(region)
  const taken = new Set<string>()
  const enterprises: Enterprise[] = []
  for (let i = 1; i <= count; i++) {
    const profile = rng.weighted(industries.map((p) => [p, p.enterpriseShare] as const))
    const town = pickTown(rng, region, profile.towns)
    const patterns = profile.townNames?.[town] && rng.chance(0.6) ? profile.townNames[town] : profile.names
    let name = ''
    for (let attempt = 0; attempt < 100 && (name === '' || taken.has(name)); attempt++) {
      const first = rng.pick([...TRADE_NAME_FIRST])
      const second = rng.pick([...TRADE_NAME_SECOND].filter((c) => c !== first))
      name = rng
        .pick(patterns)
        .replace('{c}', city)
        .replace('{n}', first + second)
    }
    taken.add(name)
    const riskLevel = rng.weighted(RiskLevel.values.map((level, k) => [level, profile.risk[k]] as const))
    enterprises.push({
      id: `${idPrefix}-E${String(i).padStart(3, '0')}`,
      name,
      town,
      domain: profile.domain,
      industry: profile.industry,
      riskLevel,
      profile,
    })
  }
  return enterprises
}
