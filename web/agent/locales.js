// The workspace's catalogs: en is the reference, the others fall back to it.
import en from './locales/en.js';
import uk from './locales/uk.js';
import ru from './locales/ru.js';
import lt from './locales/lt.js';

export default { en, uk, ru, lt };
