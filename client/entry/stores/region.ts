import { mayAcknowledge } from '../../../shared/access.ts'
import { defineStore } from 'pinia'
import { computed, shallowRef, ref, watch } from 'vue'
import { indexRegion, type RegionIndex } from '../../../shared/region.ts'
import { regionDay } from '../../../shared/time.ts'
import { enumLabel, nameIn, type EnumKind } from '../../../shared/api/regions.ts'
import { ApiError, getRegions, type RegionsReply } from '../api.ts'
import { currentLang } from '../i18n/index.ts'
import { useSettingsStore } from './settings.ts'
import { serverNow } from '../clock.ts'
import { failureReason } from '../failure.ts'

// The choices every form is built from (towns, domains, industries, enumerations), as the server
// serves them. The last answer is kept on the device, so a reporter who opened the page once can
// fill in forms in a yard with no signal.

const CACHE_KEY = 'lookout.entry.regions'
/** The end of the token that loaded the cached answer: its `caller` is that token's, no other's. */
const CACHE_TOKEN_KEY = 'lookout.entry.regions.token'
const tokenTag = (token: string) => token.slice(-6)

/** The answer without who asked: what a page knows when it cannot ask the server with this token. */
const withoutCaller = (reply: RegionsReply | null): RegionsReply | null =>
  reply?.caller ? { ...reply, caller: undefined } : reply

function cached(token: string): RegionsReply | null {
  try {
    const text = localStorage.getItem(CACHE_KEY)
    const reply = text ? (JSON.parse(text) as RegionsReply) : null
    return localStorage.getItem(CACHE_TOKEN_KEY) === tokenTag(token) ? reply : withoutCaller(reply)
  } catch {
    return null
  }
}

export const useRegionStore = defineStore('region', () => {
  const settings = useSettingsStore()
  const reply = shallowRef<RegionsReply | null>(cached(settings.token))
  const loading = ref(false)
  const loadError = ref('')
  /** The server refused the token (401/403) when asked for the choices: the reporter must set one. */
  const needsToken = ref(false)
  const index = computed<RegionIndex | null>(() => (reply.value ? indexRegion(reply.value) : null))

  async function load(): Promise<void> {
    loading.value = true
    try {
      const fresh = await getRegions(settings.token)
      reply.value = fresh
      loadError.value = ''
      needsToken.value = false
      try {
        localStorage.setItem(CACHE_KEY, JSON.stringify(fresh))
        localStorage.setItem(CACHE_TOKEN_KEY, tokenTag(settings.token))
      } catch {
        /* not cached: the page still works while open */
      }
    } catch (err) {
      loadError.value = failureReason(err)
      needsToken.value = err instanceof ApiError && (err.status === 401 || err.status === 403)
    } finally {
      loading.value = false
    }
  }

  // Another token: what the last one may do no longer says anything until the server answers.
  watch(
    () => settings.token,
    () => (reply.value = withoutCaller(reply.value)),
  )

  /** Who the token is (the server's answer); null when unknown. */
  const caller = computed(() => reply.value?.caller ?? null)
  /** Towns the token may report for: a town-limited token's own, else all. */
  const tokenTowns = computed(() => {
    const towns = reply.value?.towns ?? []
    const allowed = caller.value?.towns
    return allowed ? towns.filter((t) => allowed.includes(t.code)) : towns
  })
  /**
   * The reporter's own towns that the token covers, which lists (hazards, enterprises) are asked
   * for; none means all the token covers (the server limits a town-limited token to its towns anyway).
   */
  const listTowns = computed(() => {
    const covered = new Set(tokenTowns.value.map((t) => t.code))
    return settings.myTowns.filter((code) => covered.has(code))
  })
  /** Towns the forms offer: the reporter's own the token covers, else all the token covers. */
  const townChoices = computed(() =>
    listTowns.value.length
      ? tokenTowns.value.filter((t) => listTowns.value.includes(t.code))
      : tokenTowns.value,
  )
  /** Whether this token may import a ledger (admins only; unknown: let the server say). */
  const canImport = computed(() => !caller.value || caller.value.role === 'admin')
  /** Whether this token may acknowledge alarms (duty officers and admins): the duty view shows. */
  const canAcknowledge = computed(() => !!caller.value && mayAcknowledge(caller.value.role))
  /** A duty officer's token reports nothing: only the duty view is offered. */
  const dutyOnly = computed(() => caller.value?.role === 'duty')

  /** A town's, domain's or industry's name in the page's language. */
  const localName = (entry: { name: string; nameEn: string }) => nameIn(entry, currentLang())

  function townName(code: string | undefined): string {
    const town = code ? index.value?.townByCode.get(code) : undefined
    return town ? localName(town) : (code ?? '')
  }

  function domainName(id: string): string {
    const domain = index.value?.domainById.get(id)
    return domain ? localName(domain) : id
  }

  function industryName(domainId: string, id: string): string {
    const industry = index.value?.domainById.get(domainId)?.industries.find((i) => i.id === id)
    return industry ? localName(industry) : id
  }

  /** Entries of an enumeration the server sent (HazardGrade, HazardStatus, HazardSource, …). */
  function choices(enumName: EnumKind): { value: string; label: string }[] {
    return (reply.value?.enums[enumName] ?? []).map((e) => ({ value: e.value, label: e[currentLang()] }))
  }

  function label(enumName: EnumKind, value: string): string {
    return enumLabel(reply.value?.enums, enumName, value, currentLang())
  }

  /** Today in the region's time zone (YYYY-MM-DD), whatever the phone's zone. */
  function today(): string {
    return regionDay(serverNow(), reply.value?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone)
  }

  return {
    reply,
    index,
    loading,
    loadError,
    needsToken,
    load,
    caller,
    tokenTowns,
    townChoices,
    listTowns,
    canImport,
    canAcknowledge,
    dutyOnly,
    localName,
    townName,
    domainName,
    industryName,
    choices,
    label,
    today,
  }
})
