// In-place forms: "cancel" closes a note form opened in place, and focus goes back to the row's
// button that opened it (not to the top of the page); when a request fails (network down, server
// unavailable) the form stays as it is and a message says that nothing was lost.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close-form]");
  if (!button) return;
  const form = button.closest("form");
  const row = form.closest(".report-row");
  form.remove();
  if (row) returnFocusTo(row);
});

// Focus to a row's "edit" button while it has one, else to the row itself.
function returnFocusTo(row) {
  // The row's note button (填写 / 修改); once the note is submitted there is none: the row.
  const control = row.querySelector(".report-row__actions [data-opens-note]");
  const target = control || row;
  if (!control) row.tabIndex = -1;
  target.focus();
  // A swap elsewhere on the page settling in the same moment (the counts above the rows) can
  // leave the focus on <body>: give it back once.
  window.requestAnimationFrame(() => {
    if (target.isConnected && document.activeElement === document.body) target.focus();
  });
}

// The page's one polite live region says what an in-place action did. Emptied first, so that the
// same words said twice (two saves in a row) are heard twice.
function announce(message) {
  const region = document.getElementById("announcements");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = message;
  }, 100);
}

// The server names what it did and the element it swapped in (an "announce" event, once the swap
// has settled): focus returns there instead of falling to <body> with the removed form.
document.addEventListener("announce", (event) => {
  const { message, focus } = event.detail;
  const target = focus ? document.getElementById(focus) : null;
  if (target) returnFocusTo(target);
  if (message) announce(message);
});

// A form sent back with its errors replaces itself: focus goes to the first field in error, or to
// the error itself, which screen readers read out (role="alert").
document.addEventListener("htmx:afterSettle", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || !form.isConnected) return;
  const problem = form.querySelector('[aria-invalid="true"]') || form.querySelector('[role="alert"]');
  if (!problem) return;
  if (!problem.matches("input, select, textarea, button")) problem.tabIndex = -1;
  problem.focus();
});

function showNetworkError(event) {
  const form = event.detail.elt.closest("form") || event.detail.elt;
  const message = document.querySelector('meta[name="network-error-message"]');
  let notice = form.querySelector(".network-error");
  if (!notice) {
    notice = document.createElement("p");
    notice.className = "network-error form-error";
    notice.setAttribute("role", "alert");
    form.prepend(notice);
  }
  notice.textContent = message ? message.content : "";
}

document.addEventListener("htmx:sendError", showNetworkError);
document.addEventListener("htmx:responseError", showNetworkError);

// Whether a field differs from what the page showed (or what a kept draft put back).
function changed(field) {
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.type === "file") return field.files.length > 0;
  if (field.tagName === "SELECT") {
    const options = [...field.options];
    const shown = options.map((option) => option.defaultSelected);
    if (!field.multiple && options.length && !shown.includes(true)) shown[0] = true;
    return options.some((option, index) => option.selected !== shown[index]);
  }
  return "defaultValue" in field && field.value !== field.defaultValue;
}

// data-confirm-when narrows a question to when it matters: "changed" asks only when the form
// holds unsaved edits (a cancel would throw them away); a CSS selector asks only when the form
// holds a match (a ticked box that marks evidence superseded, say).
function worthAsking(button) {
  const when = button.dataset.confirmWhen;
  const form = button.form || button.closest("form");
  if (!when || !form) return true;
  if (when === "changed") return [...form.elements].some(changed);
  return form.querySelector(when) !== null;
}

// Actions that cannot be undone, or that reach many people, ask first: a button with
// data-confirm="question" does nothing unless the user agrees (before htmx or the form sees it).
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && worthAsking(button) && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

// A plain (not htmx) form posts once: a second click while the next page is on its way is ignored,
// so a reminder or an import is not sent twice. The buttons are not disabled here, which would
// drop the clicked button's name and value from what is sent. Coming back (the back button)
// allows posting again.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || form.method !== "post") return;
  if (form.matches("[data-hx-post], [hx-post]")) return;
  if (form.dataset.posting) {
    event.preventDefault();
    return;
  }
  form.dataset.posting = "true";
});
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-posting]")) delete form.dataset.posting;
});
