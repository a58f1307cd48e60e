// Loaded as a module at the end of <body>: starts the GOV.UK Frontend components.
import { initAll } from "/static/dist/govuk-frontend.min.js";
initAll();

// A region htmx swaps in place (the agenda's "Move up" and "Move down") gives keyboard focus back
// to the same item's button, so a person reordering with the keyboard keeps their place.
let refocus = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  const active = document.activeElement;
  refocus = active && active.dataset && active.dataset.refocus ? active.dataset.refocus : null;
});
document.addEventListener("htmx:afterSettle", () => {
  if (!refocus) return;
  const item = refocus.split(":")[0];
  const target =
    document.querySelector(`[data-refocus="${refocus}"]`) ||
    document.querySelector(`[data-refocus^="${item}:"]`);
  if (target) target.focus();
  refocus = null;
});

// A passkey just added (django-otp-webauthn's script says so with an event): show it in the list.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
