import { html, render } from '../shared/html.js';
render(html`<p>Frontline workspace</p>`, document.getElementById('app'));
