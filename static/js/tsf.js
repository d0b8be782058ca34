// Loaded before Bootstrap Italia: where its fonts are served from (no CDN).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
