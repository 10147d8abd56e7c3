// The human check of the registration and support forms (Accounts/HumanCheck.cs on the server): find the number n from
// 0 to max with SHA-256(salt + n) = challenge, then put the challenge and n into the form's hidden HumanCheck field.
// The server checks the answer with one hash; finding it takes this browser max / 2 hashes on average.
(function () {
  'use strict';
  const box = document.getElementById('human-check');
  if (!box) {
    return;
  }
  const form = box.closest('form');
  const field = box.querySelector('input[name=HumanCheck]');
  const status = document.getElementById('human-check-status');
  const { algorithm, challenge, salt, signature } = box.dataset;
  const max = Number(box.dataset.maxNumber);
  // Hashes started together: one at a time, waiting for each, is several times slower.
  const batchSize = 500;
  // Until the check has finished, a press of the button waits for it.
  let finished = false;
  let sendWhenSolved = false;
  let percent = 0;
  box.hidden = false;
  const texts = JSON.parse(document.getElementById('page-texts')?.textContent || '{}');
  const t = (english, value) => (texts[english] ?? english).replace('{0}', value ?? '');

  function show(text) {
    status.textContent = text;
  }

  function showProgress() {
    show(t('Checking you are a person… {0}%', percent) + (sendWhenSolved ? ' ' + t('The form is sent as soon as the check is done.') : ''));
  }

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function findNumber() {
    const encoder = new TextEncoder();
    for (let start = 0; start <= max; start += batchSize) {
      const end = Math.min(start + batchSize - 1, max);
      const tries = [];
      for (let n = start; n <= end; n++) {
        tries.push(crypto.subtle.digest('SHA-256', encoder.encode(salt + n)));
      }
      const hashes = await Promise.all(tries);
      const found = hashes.findIndex((hash) => hex(hash) === challenge);
      if (found >= 0) {
        return start + found;
      }
      percent = Math.floor((100 * end) / max);
      showProgress();
    }
    return null;
  }

  // A form shown again after a refusal for its fields keeps the check already solved.
  if (field.value) {
    return;
  }

  if (!window.crypto || !crypto.subtle) {
    // WebCrypto exists only on secure pages (https, or localhost).
    show(t('The check that you are a person needs a secure connection (https). Open this page through https and try again.'));
    return;
  }

  // A person who presses the button before the check is done is not turned away: the form goes once it is.
  form.addEventListener('submit', (event) => {
    if (!finished) {
      event.preventDefault();
      sendWhenSolved = true;
      showProgress();
    }
  });

  findNumber().then((number) => {
    finished = true;
    if (number === null) {
      // Sending the form now brings a new check with the server's answer.
      show(t('The check that you are a person did not work out. Send the form or reload the page for a new one.'));
      return;
    }
    field.value = JSON.stringify({ algorithm, challenge, number, salt, signature });
    show(t('Checked: you are a person. You can send the form.'));
    if (sendWhenSolved) {
      form.requestSubmit();
    }
  }, () => {
    finished = true;
    show(t('The check that you are a person failed in this browser. Send the form or reload the page for a new one.'));
  });
})();
