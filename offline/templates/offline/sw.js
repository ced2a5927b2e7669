/* The offline visit app's service worker: Workbox precaching (npm packages served from this site). */
importScripts("{{ workbox|escapejs }}workbox-sw.js");
workbox.setConfig({ modulePathPrefix: "{{ workbox|escapejs }}", debug: false });
workbox.core.clientsClaim();
self.skipWaiting();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ precache|safe }}, { ignoreURLParametersMatching: [/.*/] });
