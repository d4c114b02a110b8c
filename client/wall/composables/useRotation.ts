import { computed, onBeforeUnmount, ref, type Ref } from 'vue'

// A list longer than its panel shows a page at a time, turning every `everyMs`, instead of
// "N more not shown": over a cycle every item is on screen.

export function useRotation<T>(items: Ref<T[]>, perPage: Ref<number>, everyMs = 8_000) {
  const page = ref(0)
  const pages = computed(() => Math.max(1, Math.ceil(items.value.length / Math.max(1, perPage.value))))
  const timer = setInterval(() => {
    page.value = (page.value + 1) % pages.value
  }, everyMs)
  onBeforeUnmount(() => clearInterval(timer))
  const shown = computed(() => {
    const at = (page.value % pages.value) * perPage.value
    return items.value.slice(at, at + perPage.value)
  })
  return { shown, page: computed(() => page.value % pages.value), pages }
}
