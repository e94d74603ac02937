/* Easel's service worker (issue 9): an offline page when there is no network, and nothing more.
 *
 * Pages come from the network every time: they are personal (a timeline, a notification count)
 * and htmx swaps parts of them, so a cached page would show stale or someone else's state. The
 * worker only steps in when a navigation fails, with /offline (fetched at install without cookies,
 * so it is nobody's page), and keeps that page's stylesheet and logo for it. It never touches htmx
 * requests (HX-Request), POSTs or any other request, so /media stays with the browser's HTTP cache.
 */
"use strict";

const CACHE = "easel-offline-v1";
const OFFLINE = "/offline";
const PRECACHE = [OFFLINE, "/static/css/easel.css", "/static/img/logo.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all(PRECACHE.map((url) =>
        fetch(url, { credentials: "omit", cache: "reload" }).then((response) => {
          if (!response.ok) throw new Error(`${url} answered ${response.status}`);
          return cache.put(url, response);
        }))))
      .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("HX-Request")) return;  // straight to the network
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && PRECACHE.includes(url.pathname)) {
    // The network first (so a new stylesheet is never held back), the kept copy when offline.
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname)));
  }
});
