import { createApp } from 'vue'
import App from './App.vue'
import { createAppI18n } from './i18n'
import { createAppRouter } from './router'
import './style.css'

const app = createApp(App)
app.use(createAppI18n())
app.use(createAppRouter())
app.mount('#app')
