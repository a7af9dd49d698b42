import { html, render } from '../shared/html.js';
render(html`<p>Frontline portal</p>`, document.getElementById('app'));
