import type { RegionStore } from './store.ts'

// The mandates' records as lua/mandates.lua keeps them, read from JS.
//   resources[resourceId] = active (1/0)|kind|town|domain|size|name

export function decodeResource(s: string) {
  const [active, kind, town, domain, size, ...name] = s.split('|')
  return { active: active === '1', kind, town, domain, size: Number(size), name: name.join('|') }
}

/** The town of each resource (undefined: never registered). */
export async function resourceTowns(
  store: RegionStore,
  ids: string[],
): Promise<Map<string, string | undefined>> {
  if (!ids.length) return new Map()
  const states = await store.redis.hmget(`${store.keys.prefix}resources`, ...ids)
  return new Map(ids.map((id, i) => [id, states[i] ? decodeResource(states[i]).town : undefined]))
}
