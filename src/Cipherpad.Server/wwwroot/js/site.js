// Improves pages that work without it: times in the viewer's own time zone and language (the exact UTC time stays
// on hover).
(() => {
  "use strict";
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const time of document.querySelectorAll("time[datetime]")) {
    const moment = new Date(time.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) {
      time.textContent = format.format(moment);
    }
  }
})();
