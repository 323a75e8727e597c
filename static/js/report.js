// In-place forms: "cancel" closes a note form opened in place; when a request fails (network down,
// server unavailable) the form stays as it is and a message says that nothing was lost.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close-form]");
  if (button) button.closest("form").remove();
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

// Actions that cannot be undone, or that reach many people, ask first: a button with
// data-confirm="question" does nothing unless the user agrees (before htmx or the form sees it).
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);
