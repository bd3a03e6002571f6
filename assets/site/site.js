// mip's page behaviour: start GOV.UK Frontend's components, and run the
// disclaimer gate. Everything works without this script; it only adds the gate
// and the remembered answer.
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();

// The user's answer is stored only when they ask for it to be remembered.
const KEY = "mip-disclaimer-accepted";

function remembered() {
  try {
    return window.localStorage.getItem(KEY) === "yes";
  } catch {
    return false;
  }
}

function remember(yes) {
  try {
    if (yes) {
      window.localStorage.setItem(KEY, "yes");
    } else {
      window.localStorage.removeItem(KEY);
    }
    return true;
  } catch {
    return false;
  }
}

// A gate is a disclaimer before a region of results. Without JavaScript it is
// a block of text with a link on to the results; here the results stay hidden
// until the user agrees.
for (const gate of document.querySelectorAll("[data-mip-gate]")) {
  const target = document.getElementById(gate.dataset.mipGate);
  const form = gate.querySelector("form");
  if (!target || !form) {
    continue;
  }
  if (remembered()) {
    gate.hidden = true;
    continue;
  }
  target.hidden = true;
  form.hidden = false;
  for (const link of gate.querySelectorAll("[data-mip-gate-link]")) {
    link.hidden = true;
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const keep = form.querySelector("input[name=remember]");
    if (keep && keep.checked) {
      remember(true);
    }
    gate.hidden = true;
    target.hidden = false;
    const heading = target.querySelector("h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
}

// The cookies page lets the user forget a remembered answer.
const forget = document.getElementById("mip-forget");
if (forget) {
  const status = document.getElementById("mip-forget-status");
  forget.hidden = false;
  forget.addEventListener("click", () => {
    status.textContent = remember(false)
      ? "Your answer has been forgotten. You will be asked again."
      : "Your browser does not allow this site to store anything, so nothing was stored.";
  });
}
