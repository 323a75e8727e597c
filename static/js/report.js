// The reporting page: "cancel" closes a note form opened in place.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-close-form]");
  if (button) button.closest("form").remove();
});
