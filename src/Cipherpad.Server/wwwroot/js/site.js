// Improves pages that work without it: times in the viewer's own time zone and language (the exact UTC time stays
// on hover), a countdown to a question's expiry, a button that copies the question, and a sign that a sent form is
// being worked on. Its texts come in the page's language from the layout (Localization/ScriptTexts.cs).
(() => {
  "use strict";
  const texts = JSON.parse(document.getElementById("page-texts")?.textContent || "{}");
  const t = (english, value) => (texts[english] ?? english).replace("{0}", value ?? "");
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const time of document.querySelectorAll("time[datetime]")) {
    const moment = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) {
      time.textContent = format.format(moment);
    }
  }

  // Counted from the seconds the server said were left, so a wrong clock on this device does not matter.
  const countdown = document.getElementById("countdown");
  if (countdown && countdown.dataset.secondsLeft) {
    const ends = performance.now() + Number(countdown.dataset.secondsLeft) * 1000;
    const tick = () => {
      const left = Math.ceil((ends - performance.now()) / 1000);
      if (left > 0) {
        const minutes = Math.floor(left / 60);
        const seconds = String(left % 60).padStart(2, "0");
        countdown.textContent = t("Time left to answer: {0}", `${minutes}:${seconds}`);
        setTimeout(tick, 1000 - ((ends - performance.now()) % 1000));
        return;
      }
      countdown.setAttribute("aria-live", "assertive");
      countdown.className = "alert-error";
      countdown.textContent = t("This question has expired.") + " ";
      const again = document.createElement("a");
      again.href = countdown.dataset.restart || location.pathname;
      again.textContent = t("Ask for a new one");
      countdown.append(again, ".");
    };
    tick();
  }

  if (navigator.clipboard) {
    for (const source of document.querySelectorAll("[data-copy]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary copy";
      button.textContent = t("Copy");
      button.setAttribute("aria-label", t("Copy the question"));
      button.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(source.textContent.trim());
          button.textContent = t("Copied");
        } catch {
          button.textContent = t("Select and copy it yourself");
        }
      });
      source.after(button);
    }
  }

  // A sent form says so, and cannot be sent twice by an impatient second press. Looked at once every listener has run,
  // since one of them (the human check) may hold the form back until it is ready.
  for (const form of document.querySelectorAll("main form[method=post]")) {
    form.addEventListener("submit", (event) => {
      setTimeout(() => {
        const button = event.submitter || form.querySelector("button[type=submit]");
        if (event.defaultPrevented || !button) {
          return;
        }
        button.dataset.label = button.textContent;
        button.disabled = true;
        button.textContent = t("Sending…");
        form.setAttribute("aria-busy", "true");
      });
    });
  }
  // Coming back to this page from the browser's history, its forms can be sent again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) {
      return;
    }
    for (const button of document.querySelectorAll("main button[data-label]")) {
      button.textContent = button.dataset.label;
      button.disabled = false;
      button.closest("form")?.removeAttribute("aria-busy");
      delete button.dataset.label;
    }
  });
})();
