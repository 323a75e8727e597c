// The briefing's PDF is typeset on the server and takes a few seconds. Its download link fetches
// the file itself, so that the button can say 正在生成… and a polite live region can say what is
// happening until the file is saved. What is not a PDF (the sign-in page after a session expired,
// the page saying the PDF cannot be made) is opened as the link would have opened it.
const link = document.querySelector("[data-briefing-pdf]");
const status = document.getElementById("briefing-pdf-status");

function filenameOf(response) {
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = disposition.match(/filename="([^"]+)"/);
  return match ? match[1] : "briefing.pdf";
}

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = filename;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(event) {
  // A new tab or window, or a saved link, is the browser's to handle.
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  if (link.getAttribute("aria-disabled") === "true") return; // already on its way
  const label = link.textContent;
  link.textContent = link.dataset.busy;
  link.setAttribute("aria-disabled", "true");
  link.classList.add("is-busy");
  status.textContent = link.dataset.busyStatus;
  try {
    const response = await fetch(link.href, { credentials: "same-origin" });
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.startsWith("application/pdf")) {
      save(await response.blob(), filenameOf(response));
      status.textContent = link.dataset.ready;
    } else if (type.startsWith("text/html")) {
      window.location.assign(link.href);
    } else {
      status.textContent = link.dataset.failed;
    }
  } catch {
    status.textContent = link.dataset.failed;
  } finally {
    link.textContent = label;
    link.removeAttribute("aria-disabled");
    link.classList.remove("is-busy");
  }
}

if (link && status) link.addEventListener("click", download);
