// Nothing typed is lost when a session expires: a form's content is kept in sessionStorage while
// it is being submitted. If the submission ends on the login page, the content waits there; when
// the same form is shown again after signing in, it is put back and the user submits once more.
// Any other page after a submission means it went through, and the kept copy is dropped.
// A copy belongs to the user who typed it (an opaque key the page carries in
// <meta name="draft-owner">): it is put back for that user only, and dropped when someone else
// signs in on the same browser, at sign-out, and on a login page that is not the end of a session.
(function () {
  "use strict";
  const PREFIX = "draft:";
  const OWNER = (document.querySelector('meta[name="draft-owner"]') || {}).content || "";
  const LOGOUT = 'form[action$="/logout/"]';
  const FORMS = "form[data-keep-draft], body.change-form #content-main form";
  const SKIPPED = new Set(["csrfmiddlewaretoken", "password", "old_password", "new_password1",
    "new_password2", "password1", "password2"]);

  function keyOf(form) {
    const name = form.getAttribute("data-keep-draft") || form.action || location.pathname;
    return `${PREFIX}${OWNER}:${name}`;
  }

  function dropAll() {
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const key = sessionStorage.key(i);
      if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
    }
  }

  function keep(form) {
    const values = [];
    for (const [name, value] of new FormData(form)) {
      if (!SKIPPED.has(name) && typeof value === "string") values.push([name, value]);
    }
    sessionStorage.setItem(keyOf(form), JSON.stringify(values));
  }

  function restore(form, values) {
    const byName = new Map();
    for (const [name, value] of values) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(value);
    }
    for (const [name, list] of byName) {
      const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      fields.forEach((field, index) => {
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = list.includes(field.value);
        } else if (field.tagName === "SELECT" && field.multiple) {
          for (const option of field.options) option.selected = list.includes(option.value);
        } else if (field.type !== "file" && index < list.length) {
          field.value = list[index];
        }
      });
    }
    const notice = document.createElement("p");
    notice.className = "draft-restored";
    notice.setAttribute("role", "status");
    const message = document.querySelector('meta[name="draft-restored-message"]');
    notice.textContent = message ? message.content : "";
    form.prepend(notice);
  }

  document.addEventListener("DOMContentLoaded", () => {
    // The sign-in pages (password, then the second factor) neither restore nor drop: the copy
    // waits for the first page after sign-in, where only its own user's keys match.
    if (document.body.dataset.page === "login") return;
    // Another user's keys never match: their copies are dropped unseen.
    const forms = OWNER
      ? new Map([...document.querySelectorAll(FORMS)].map((f) => [keyOf(f), f]))
      : new Map();
    for (let i = sessionStorage.length - 1; i >= 0; i--) {
      const key = sessionStorage.key(i);
      if (!key.startsWith(PREFIX)) continue;
      const form = forms.get(key);
      if (form) restore(form, JSON.parse(sessionStorage.getItem(key)));
      sessionStorage.removeItem(key);
    }
  });

  // Listened for on the document, so that forms htmx puts in the page later (a note form opened
  // in place) are kept too.
  document.addEventListener("submit", (event) => {
    if (event.target.matches(LOGOUT)) dropAll();
    else if (event.target.matches(FORMS)) keep(event.target);
  }, true);

  // An htmx form that saved without a redirect to the login page needs no kept copy. The form
  // that asked is requestConfig.elt: when the response replaced it, htmx announces the request
  // on an ancestor still in the page, and detail.elt is that ancestor.
  document.addEventListener("htmx:afterRequest", (event) => {
    const source = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    const form = source.closest && source.closest(FORMS);
    const redirected = event.detail.xhr && event.detail.xhr.getResponseHeader("HX-Redirect");
    if (form && event.detail.successful && !redirected) sessionStorage.removeItem(keyOf(form));
  });
})();
