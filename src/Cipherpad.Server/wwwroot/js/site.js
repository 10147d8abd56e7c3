// Improves pages that work without it: times in the viewer's own time zone and language (the exact UTC time stays
// on hover), a countdown to a question's expiry, and a button that copies the question.
(() => {
  "use strict";
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
        countdown.textContent = `Time left to answer: ${minutes}:${seconds}`;
        setTimeout(tick, 1000 - ((ends - performance.now()) % 1000));
        return;
      }
      countdown.setAttribute("aria-live", "assertive");
      countdown.className = "alert-error";
      countdown.textContent = "This question has expired. ";
      const again = document.createElement("a");
      again.href = countdown.dataset.restart || location.pathname;
      again.textContent = "Ask for a new one";
      countdown.append(again, ".");
    };
    tick();
  }

  if (navigator.clipboard) {
    for (const source of document.querySelectorAll("[data-copy]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the question");
      button.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(source.textContent.trim());
          button.textContent = "Copied";
        } catch {
          button.textContent = "Select and copy it yourself";
        }
      });
      source.after(button);
    }
  }
})();
