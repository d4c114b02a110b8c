// A town's page is the wall's address with `?town=<code>`: a screen can be pointed at one town for
// good, and a reload stays there. Clicking a town on the city's page puts it in the address (so Back
// returns to the city); the town page's 返回全市 takes it out. Other options (`?lang=`, `?rotate=`…)
// stay as they are.

/** The town code the address asks for, or null (the city). Whether the region has it is the store's to say. */
export function townAsked(search: string): string | null {
  const code = new URLSearchParams(search).get('town')?.trim()
  return code ? code : null
}

/** `search` with the town set to `town` (null: taken out), as `?…` or '' when nothing is left. */
export function searchWithTown(search: string, town: string | null): string {
  const params = new URLSearchParams(search)
  if (town === null) params.delete('town')
  else params.set('town', town)
  const text = params.toString()
  return text ? `?${text}` : ''
}
