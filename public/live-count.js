/*
 * Keeps the signature count on an open page current: polls the element's data-count-src (a JSON
 * {count}) every 30 seconds while the tab is visible, and at once when it becomes visible again.
 */
(function () {
  'use strict';

  var POLL_MS = 30000;
  var TEXT_NODE = 3;
  var counter = document.querySelector('[data-count-src]');
  if (!counter || !window.fetch) return;
  var number = counter.querySelector('strong');
  if (!number) return;

  var lang = counter.getAttribute('data-lang') || 'en';

  function show(count) {
    number.textContent = count.toLocaleString(lang);
    var label = number.nextSibling;
    var one = new Intl.PluralRules(lang).select(count) === 'one';
    var phrase = one ? counter.getAttribute('data-one') : counter.getAttribute('data-many');
    if (label && label.nodeType === TEXT_NODE && phrase) label.nodeValue = ' ' + phrase;
  }

  function refresh() {
    if (document.visibilityState === 'hidden') return;
    fetch(counter.getAttribute('data-count-src'), { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && typeof body.count === 'number') show(body.count);
      })
      .catch(function () {
        // Offline or the server is restarting: the next poll tries again.
      });
  }

  window.setInterval(refresh, POLL_MS);
  document.addEventListener('visibilitychange', refresh);
})();
