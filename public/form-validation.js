/*
 * Inline validation for forms marked data-validate. It repeats the server's checks with the
 * server's own messages (the data-error-* attributes on each field) and shows them where and how a
 * 422 page does: message above the field, aria-invalid, aria-describedby, an error summary with
 * role=alert linking to the fields. The server still checks everything; when unsure, this script
 * lets the form through rather than refuse something the server would accept.
 */
(function () {
  'use strict';

  var LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
  var DOMAIN_LABEL = /^[a-z0-9-]{1,63}$/;
  var CONTROL_CHARACTERS = /\p{Cc}/u;
  // A URL reads these in a domain differently from a mail server: leave such addresses to the server.
  var URL_SYNTAX = /[/?#@:\\%[\]\s]/;

  /** The domain as the server sees it (punycode, lower case); undefined when only the server can tell. */
  function asciiDomain(domain) {
    if (URL_SYNTAX.test(domain)) return undefined;
    try {
      return new URL('http://' + domain + '/').hostname;
    } catch {
      return '';
    }
  }

  /** Mirrors parseEmailAddress in server/lib/email-address.ts. */
  function isEmailAddress(raw) {
    var email = raw.normalize('NFC').trim();
    var at = email.lastIndexOf('@');
    if (at < 1 || email.length > 254) return false;
    var local = email.slice(0, at);
    if (local.length > 64 || !LOCAL_PART.test(local)) return false;
    var domain = asciiDomain(email.slice(at + 1));
    if (domain === undefined) return true;
    if (!domain || domain.length > 253) return false;
    var labels = domain.split('.');
    var last = labels[labels.length - 1];
    var labelsValid = labels.every(function (label) {
      return DOMAIN_LABEL.test(label) && label.charAt(0) !== '-' && label.charAt(label.length - 1) !== '-';
    });
    return labels.length >= 2 && labelsValid && !/^\d+$/.test(last);
  }

  /** Mirrors cleanText in server/web/forms.ts: NFC, line breaks as \n, trimmed, counted in characters. */
  function problemWith(field) {
    var messages = field.dataset;
    var multiline = field.tagName === 'TEXTAREA';
    var value = field.value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
    var length = Array.from(value).length;
    if (messages.errorRequired && length === 0) return messages.errorRequired;
    if (messages.errorTooLong && length > Number(messages.maxChars)) return messages.errorTooLong;
    var checked = multiline ? value.replace(/[\n\t]/g, '') : value;
    if (messages.errorCharacters && CONTROL_CHARACTERS.test(checked)) return messages.errorCharacters;
    if (messages.errorFormat && field.type === 'email' && length > 0 && !isEmailAddress(value)) return messages.errorFormat;
    return '';
  }

  function describedBy(field, id, present) {
    var ids = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (each) {
      return each && each !== id;
    });
    if (present) ids.push(id);
    if (ids.length) field.setAttribute('aria-describedby', ids.join(' '));
    else field.removeAttribute('aria-describedby');
  }

  /** Shows or clears a field's message with the same markup as views/partials/text-field.eta. */
  function showProblem(field, message) {
    var wrapper = field.closest('.field');
    var id = 'error-' + field.name;
    var existing = document.getElementById(id);
    if (!message) {
      if (existing) existing.remove();
      if (wrapper) wrapper.classList.remove('field-error');
      field.removeAttribute('aria-invalid');
      describedBy(field, id, false);
      return;
    }
    var paragraph = existing || document.createElement('p');
    paragraph.className = 'error-message';
    paragraph.id = id;
    paragraph.textContent = ' ' + message;
    var prefix = document.createElement('span');
    prefix.className = 'visually-hidden';
    prefix.textContent = field.form.getAttribute('data-error-prefix');
    paragraph.prepend(prefix);
    if (!existing) field.before(paragraph);
    if (wrapper) wrapper.classList.add('field-error');
    field.setAttribute('aria-invalid', 'true');
    describedBy(field, id, true);
  }

  /** The same summary as views/partials/error-summary.eta, placed where the server puts it. */
  function showSummary(form, problems) {
    var old = form.querySelector('.error-summary');
    if (old) old.remove();
    if (!problems.length) return;
    var summary = document.createElement('div');
    summary.className = 'error-summary';
    summary.setAttribute('role', 'alert');
    summary.setAttribute('aria-labelledby', 'error-summary-title');
    summary.tabIndex = -1;
    var title = document.createElement('h2');
    title.id = 'error-summary-title';
    title.textContent = form.getAttribute('data-problem');
    var list = document.createElement('ul');
    problems.forEach(function (problem) {
      var link = document.createElement('a');
      link.href = '#' + problem.field.id;
      link.textContent = problem.message;
      var item = document.createElement('li');
      item.append(link);
      list.append(item);
    });
    summary.append(title, list);
    var heading = form.querySelector('h2');
    if (heading && heading.parentNode === form) heading.after(summary);
    else form.prepend(summary);
    summary.focus();
  }

  function enhance(form) {
    var fields = Array.from(form.querySelectorAll('input, textarea')).filter(function (field) {
      return Object.keys(field.dataset).some(function (key) {
        return key.indexOf('error') === 0;
      });
    });
    fields.forEach(function (field) {
      // maxlength counts UTF-16 units and would cut an emoji name short; the server counts characters.
      if (field.maxLength > 0) {
        field.dataset.maxChars = String(field.maxLength);
        field.removeAttribute('maxlength');
      }
      // Checked on submit only: a message appearing on blur would move the button under the pointer.
      // Once a field is marked, it is checked again as the person types, so the mark goes when fixed.
      field.addEventListener('input', function () {
        if (field.getAttribute('aria-invalid') === 'true') showProblem(field, problemWith(field));
      });
    });
    form.addEventListener('submit', function (event) {
      var problems = [];
      fields.forEach(function (field) {
        var message = problemWith(field);
        showProblem(field, message);
        if (message) problems.push({ field: field, message: message });
      });
      if (!problems.length) return;
      event.preventDefault();
      showSummary(form, problems);
    });
    form.addEventListener('click', function (event) {
      var link = event.target.closest('.error-summary a[href^="#"]');
      var target = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!target) return;
      event.preventDefault();
      target.focus();
      var label = form.querySelector('label[for="' + target.id + '"]');
      (label || target).scrollIntoView({ block: 'start' });
    });
    var serverSummary = form.querySelector('.error-summary');
    if (serverSummary) serverSummary.focus();
  }

  document.querySelectorAll('form[data-validate]').forEach(enhance);
})();
