// Preact components written with htm's tagged templates: no build-time JSX.
import { h, render, Fragment } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
export { h, render, Fragment };
export { useState, useEffect, useRef, useMemo, useCallback } from 'preact/hooks';
