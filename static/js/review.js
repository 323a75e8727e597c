// The review queue: one box ticks every item on the page, and the decision says how many are
// ticked. Delegated from the document, so that it keeps working after htmx swaps the list.
const ITEMS = 'input[type="checkbox"][name="items"]';

function update(form) {
  const boxes = [...form.querySelectorAll(ITEMS)];
  const ticked = boxes.filter((box) => box.checked).length;
  const all = form.querySelector("#select-page");
  if (all) {
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  const count = form.querySelector("[data-selected-count]");
  if (count) count.textContent = ticked ? count.dataset.selectedCount.replace("{n}", ticked) : "";
}

// Without this script the box would do nothing: it shows only once the script runs.
function reveal(root) {
  for (const wrapper of root.querySelectorAll("[data-select-all][hidden]")) wrapper.hidden = false;
  for (const form of root.querySelectorAll("form")) if (form.querySelector(ITEMS)) update(form);
}

document.addEventListener("change", (event) => {
  const box = event.target;
  const form = box.form;
  if (!form) return;
  if (box.id === "select-page") {
    for (const item of form.querySelectorAll(ITEMS)) item.checked = box.checked;
    update(form);
  } else if (box.matches(ITEMS)) {
    update(form);
  }
});

document.addEventListener("DOMContentLoaded", () => reveal(document));
// An outerHTML swap replaces the list: look in the whole page.
document.addEventListener("htmx:afterSettle", () => reveal(document));
