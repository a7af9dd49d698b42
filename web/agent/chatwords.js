// The words of the chat's screens (the console, Admin → Chat, Reports →
// Chat), kept out of the first visit's catalogs: each of those screens
// imports this module, which adds them to the workspace's catalogs (the
// very objects i18n.js reads, so t() finds them at once and after a
// change of language).
import catalogs from './locales.js';
import en from './locales/chat/en.js';
import uk from './locales/chat/uk.js';
import ru from './locales/chat/ru.js';
import lt from './locales/chat/lt.js';

for (const [lang, words] of Object.entries({ en, uk, ru, lt }))
	Object.assign(catalogs[lang], words);
