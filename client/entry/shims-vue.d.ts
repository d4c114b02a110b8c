// Lets tsc type-check .ts files that import single-file components (vue-tsc checks the components).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
