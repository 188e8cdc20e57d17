/**
 * The cashier's one script, served as `/cashier/assets/cashier.<hash>.js`.
 * Every page works without it; with it, two things get better:
 *
 * - A waiting page (a pending card result, a QR code to scan, bank-transfer
 *   details) asks its own URL again every few seconds and moves on only once
 *   the answer is no longer a waiting page. This replaces
 *   `<meta http-equiv="refresh">`, which reloads the page under a screen
 *   reader's feet whether or not anything changed; without JavaScript the
 *   page's "check again" link does the same by hand.
 * - A deadline written by the server in a fixed zone is rewritten in the
 *   payer's own time zone, with the zone's name.
 *
 * It is a file of its own (the CSP allows `script-src 'self'` and no inline
 * code) and only ever fetches and navigates to same-origin paths.
 */
export const cashierJs = String.raw`(function () {
  'use strict';
  function localTimes() {
    var items = document.querySelectorAll('[data-local-time]');
    for (var i = 0; i < items.length; i += 1) {
      var item = items[i];
      var at = new Date(item.getAttribute('data-local-time') || '');
      var template = item.getAttribute('data-local-template') || '{time}';
      if (isNaN(at.getTime())) continue;
      try {
        var text = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short', timeZoneName: 'short' }).format(at);
        item.textContent = template.replace('{time}', text);
      } catch (e) { /* an old browser keeps the server's text */ }
    }
  }
  function watch() {
    var marker = document.querySelector('[data-watch-url]');
    if (!marker) return;
    var url = marker.getAttribute('data-watch-url') || '';
    var seconds = Number(marker.getAttribute('data-watch-seconds'));
    if (url.charAt(0) !== '/' || url.charAt(1) === '/' || url.charAt(1) === '\\' || !(seconds > 0)) return;
    function later() { setTimeout(check, seconds * 1000); }
    function check() {
      fetch(url, { headers: { accept: 'text/html' }, cache: 'no-store', credentials: 'same-origin', redirect: 'manual' })
        .then(function (response) {
          if (response.type === 'opaqueredirect') { location.replace(url); return; }
          return response.text().then(function (text) {
            if (text.indexOf('data-watch-url=') === -1) location.replace(url);
            else later();
          });
        })
        .catch(later);
    }
    later();
  }
  localTimes();
  watch();
})();
`;
