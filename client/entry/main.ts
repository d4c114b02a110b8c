import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n, setLang, currentLang } from './i18n/index.ts'
import { registerOfflinePage } from './offline.ts'
import './styles/entry.css'

setLang(currentLang())
createApp(App).use(createPinia()).use(i18n).mount('#app')
registerOfflinePage()
