// Passkeys on Cipherpad's pages: a form marked data-passkey="create" makes a passkey from the creation options the
// server kept, and one marked data-passkey="get" signs the question's details; either way the browser's credential, as
// JSON, goes back in the form's hidden field. The options come from the JSON block the form's data-options names.
(() => {
  "use strict";
  const texts = JSON.parse(document.getElementById("page-texts")?.textContent || "{}");
  const t = (english, value) => (texts[english] ?? english).replace("{0}", value ?? "");

  for (const form of document.querySelectorAll("form[data-passkey]")) {
    const field = form.querySelector("[data-passkey-field]");
    const error = form.querySelector("[data-passkey-error]");
    const fail = (message) => {
      error.textContent = message;
      error.hidden = false;
    };
    form.addEventListener("submit", async (event) => {
      if (field.value) {
        return;
      }
      event.preventDefault();
      error.hidden = true;
      const creating = form.dataset.passkey === "create";
      if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON || !PublicKeyCredential.parseRequestOptionsFromJSON) {
        fail(t("This browser cannot use passkeys; use another way, or a newer browser."));
        return;
      }
      const options = JSON.parse(document.getElementById(form.dataset.options).textContent);
      try {
        const credential = creating
          ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
          : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        field.value = JSON.stringify(credential.toJSON());
        form.submit();
      } catch (problem) {
        fail(t("Your device did not answer with a passkey ({0}). Try again, or use another way.", problem.name || String(problem)));
      }
    });
  }
})();
