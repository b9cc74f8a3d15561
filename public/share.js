/*
 * Copy-link and share buttons for [data-share-url] boxes. The box stays hidden without JavaScript
 * (the address bar has the link); the Share button appears only where the browser can share.
 */
(function () {
  'use strict';

  function copyWithSelection(text) {
    var input = document.createElement('textarea');
    input.value = text;
    input.setAttribute('readonly', '');
    input.className = 'visually-hidden';
    document.body.append(input);
    input.select();
    var copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    input.remove();
    return copied;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () {
          return true;
        },
        function () {
          return copyWithSelection(text);
        },
      );
    }
    return Promise.resolve(copyWithSelection(text));
  }

  document.querySelectorAll('[data-share-url]').forEach(function (box) {
    var url = box.getAttribute('data-share-url');
    var title = box.getAttribute('data-share-title') || document.title;
    var status = box.querySelector('.share-status');
    var copyButton = box.querySelector('[data-share-copy]');
    var shareButton = box.querySelector('[data-share-native]');
    var clearTimer;

    function say(message) {
      window.clearTimeout(clearTimer);
      status.textContent = message;
      clearTimer = window.setTimeout(function () {
        status.textContent = '';
      }, 5000);
    }

    copyButton.addEventListener('click', function () {
      copy(url).then(function (copied) {
        say(copied ? box.getAttribute('data-copied') : box.getAttribute('data-copy-this') + ' ' + url);
      });
    });

    if (typeof navigator.share === 'function' && shareButton) {
      shareButton.hidden = false;
      shareButton.addEventListener('click', function () {
        navigator.share({ title: title, url: url }).catch(function () {
          // The person closed the share sheet: nothing to say.
        });
      });
    }
    box.hidden = false;
  });
})();
