// Improves pages that work without it: times in the viewer's own time zone and language (the exact UTC time stays
// on hover), and a button that shows progress while its form is being sent.
(() => {
  "use strict";
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const time of document.querySelectorAll("time[datetime]")) {
    const moment = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) {
      time.textContent = format.format(moment);
    }
  }
  for (const form of document.querySelectorAll("form[data-busy]")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-busy", "true");
        button.textContent = form.dataset.busy;
        // Disabled after the browser has taken the button's value into the form it sends.
        setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }
})();
