// The phone cipher pad: screens, keypad, the calls of activation and the signed calls of approval. The protocol is in
// protocol.js, the PIN-sealed storage in store.js; the server is needed only to activate an account and to approve requests.
import * as protocol from './protocol.js';
import * as store from './store.js';

const $ = (id) => document.getElementById(id);
const idleLock = 5 * 60 * 1000;
const state = { session: null, status: null, mode: 'login', request: null, approval: null, idleTimer: 0, pollTimer: 0 };
const pollEvery = 5000;

const now = () => Math.floor(Date.now() / 1000);

function show(screen) {
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== `screen-${screen}`;
  }
  $('lock').hidden = !state.session;
  $('message').hidden = true;
  if (screen !== 'scan') {
    stopScanning();
  }
  const heading = document.querySelector(`#screen-${screen} h1`);
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}

function say(text, kind = 'error') {
  const message = $('message');
  message.textContent = text;
  message.className = `alert ${kind}`;
  message.hidden = false;
}

/** Disables <button> while <work> runs, with <busyText> on it, so a slow step (PBKDF2, the network) shows progress. */
async function busy(button, busyText, work) {
  const text = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = text;
  }
}

// ---- keypad ----

function renderKeypads() {
  const reversed = state.status?.display?.reversedKeypad ?? false;
  const rows = reversed ? [[7, 8, 9], [4, 5, 6], [1, 2, 3]] : [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
  for (const keypad of document.querySelectorAll('.keypad')) {
    const input = $(keypad.dataset.for);
    const last = input.id === 'question' ? ['-', 0, '⌫'] : ['C', 0, '⌫'];
    keypad.replaceChildren(...rows.concat([last]).flat().map((key) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = String(key);
      button.dataset.key = String(key);
      button.setAttribute('aria-label', key === '⌫' ? 'Delete' : key === 'C' ? 'Clear' : key === '-' ? 'Dash between parts' : String(key));
      button.addEventListener('click', () => {
        input.value = key === '⌫' ? input.value.slice(0, -1) : key === 'C' ? '' : input.value + key;
      });
      return button;
    }));
    keypad.classList.toggle('reversed', reversed);
  }
}

// ---- patterns ----

const patternPrefix = 'pattern:';

/**
 * A 3×3 grid of dots beside a secret's input: tapping or dragging across dots joins them, and the input's value becomes
 * "pattern:" and the dots in order (for example pattern:12369), which the pad then treats as it treats a PIN.
 */
function patternGrid(input) {
  const grid = document.createElement('div');
  grid.className = 'pattern';
  grid.setAttribute('role', 'group');
  grid.setAttribute('aria-label', 'Pattern: join the dots in order');
  let joined = '';
  const dots = Array.from({ length: 9 }, (_, i) => {
    const dot = document.createElement('button');
    dot.type = 'button';
    dot.dataset.dot = String(i + 1);
    dot.setAttribute('aria-label', `Dot ${i + 1}`);
    return dot;
  });
  const join = (dot) => {
    if (!joined.includes(dot.dataset.dot)) {
      joined += dot.dataset.dot;
      dot.classList.add('on');
      dot.textContent = String(joined.length);
      input.value = patternPrefix + joined;
    }
  };
  input.clearPattern = () => {
    joined = '';
    input.value = '';
    dots.forEach((dot) => { dot.classList.remove('on'); dot.textContent = ''; });
  };
  let dragging = false;
  dots.forEach((dot) => dot.addEventListener('click', () => join(dot)));
  grid.addEventListener('pointerdown', () => { dragging = true; });
  grid.addEventListener('pointermove', (event) => {
    const under = dragging && document.elementFromPoint(event.clientX, event.clientY);
    if (under?.dataset?.dot && grid.contains(under)) {
      join(under);
    }
  });
  document.addEventListener('pointerup', () => { dragging = false; });
  const clear = document.createElement('button');
  clear.type = 'button';
  clear.className = 'clear';
  clear.textContent = 'Clear';
  clear.addEventListener('click', () => input.clearPattern());
  grid.append(...dots, clear);
  return grid;
}

/** Shows a pattern grid instead of the text field for every secret input of <kind> ("lock" or "create"), or back. */
function usePatterns(kind, on) {
  for (const input of document.querySelectorAll(`input[data-secret=${kind}]`)) {
    input.grid ??= input.insertAdjacentElement('afterend', patternGrid(input));
    input.clearPattern();
    input.hidden = on;
    input.dataset.required ??= String(input.required);
    input.required = !on && input.dataset.required === 'true';
    input.grid.hidden = !on;
  }
  if (kind === 'lock') {
    document.querySelector('.keypad[data-for=pin]').hidden = on;
  }
}

function clearSecret(input) {
  input.clearPattern?.();
  input.value = '';
}

const usesPattern = () => state.status?.lockKind === 'pattern';

for (const radio of document.querySelectorAll('input[name=lock-kind]')) {
  radio.addEventListener('change', () => {
    const pattern = radio.value === 'pattern' && radio.checked;
    usePatterns('create', pattern);
    $('new-pin-label').textContent = pattern ? 'Join at least 5 dots' : 'Choose a PIN';
    $('new-pin-again-label').textContent = pattern ? 'The same pattern again' : 'The same PIN again';
    $('new-pin-hint').hidden = pattern;
  });
}

// ---- opening ----

async function refreshStatus() {
  state.status = await store.padStatus();
  renderKeypads();
  usePatterns('lock', usesPattern());
}

function lock() {
  state.session = null;
  clearInterval(state.pollTimer);
  show(state.status ? 'unlock' : 'welcome');
  showEraseWarning();
}

function showEraseWarning() {
  $('unlock-passkey').hidden = !state.status?.passkeyUnlock;
  if (state.status) {
    const left = state.status.eraseAfter - state.status.wrongPins;
    const what = usesPattern() ? 'pattern' : 'PIN';
    $('erase-warning').textContent = `${left} wrong ${what}${left === 1 ? '' : 's'} in a row erase this pad.`;
    document.querySelector('#screen-unlock h1').textContent = usesPattern() ? 'Join your pattern' : 'Enter your PIN';
    document.querySelector('label[for=pin]').textContent = usesPattern() ? 'Pattern' : 'PIN';
  }
}

function resetIdleTimer() {
  clearTimeout(state.idleTimer);
  if (state.session) {
    state.idleTimer = setTimeout(lock, idleLock);
  }
}

function goHome() {
  if (!state.session) {
    lock();
    return;
  }
  if (state.session.accounts.length === 0) {
    show('activate');
    $('activate-cancel').hidden = true;
    return;
  }
  const select = $('account');
  const chosen = select.value;
  select.replaceChildren(...state.session.accounts.map((account) => new Option(account.email, account.email)));
  if (state.session.accounts.some((a) => a.email === chosen)) {
    select.value = chosen;
  }
  show('home');
}

function chosenAccount() {
  return state.session.accounts.find((a) => a.email === $('account').value) ?? state.session.accounts[0];
}

/** Reports a PIN that did not open the pad; returns false. */
function pinRefused(result) {
  if (result.status === 'wrong') {
    state.status.wrongPins = state.status.eraseAfter - result.left;
    const what = usesPattern() ? 'pattern' : 'PIN';
    say(`Wrong ${what}. ${result.left} more wrong ${what}${result.left === 1 ? '' : 's'} in a row erase this pad.`);
  } else {
    state.session = null;
    state.status = null;
    show('welcome');
    say('Too many wrong PINs: the pad erased itself. Set it up and activate your account again (a new activation code is in your personal account or at "Forgot your activation code?").');
  }
  return false;
}

$('create-pin').addEventListener('submit', async (event) => {
  event.preventDefault();
  const pattern = document.querySelector('input[name=lock-kind]:checked').value === 'pattern';
  const pin = $('new-pin').value;
  const problem = pattern
    ? (pin.length - patternPrefix.length < 5 ? 'A pattern joins at least 5 dots.' : null)
    : protocol.pinProblem(pin);
  if (problem) {
    say(problem);
    return;
  }
  if (pin !== $('new-pin-again').value) {
    say(pattern ? 'The two patterns differ: join the same dots in the same order twice.' : 'The two PINs differ: type the same PIN twice.');
    return;
  }
  await busy(event.submitter ?? $('create-pin').querySelector('button[type=submit]'), 'Creating…', async () => {
    state.session = await store.createPad(pin, Number($('erase-after').value), pattern ? 'pattern' : 'pin');
    await refreshStatus();
  });
  $('create-pin').reset();
  usePatterns('create', false);
  goHome();
});

$('unlock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = await busy($('unlock-form').querySelector('button[type=submit]'), 'Checking…', () => store.unlock($('pin').value));
  clearSecret($('pin'));
  await unlocked(result);
});

$('unlock-passkey').addEventListener('click', async () => {
  let result;
  try {
    result = await busy($('unlock-passkey'), 'Asking your device…', () => store.unlockWithPasskey());
  } catch (problem) {
    say(`Your device did not unlock the pad (${problem.name ?? problem}). Use the PIN.`);
    return;
  }
  if (result.status === 'passkey-failed') {
    say('The passkey did not unlock the pad. Use the PIN.');
    return;
  }
  await unlocked(result);
});

async function unlocked(result) {
  if (result.status === 'open') {
    state.session = result.session;
    await refreshStatus();
    resetIdleTimer();
    goHome();
    schedulePolling();
    checkRequests();
  } else if (result.status === 'none') {
    state.status = null;
    show('welcome');
  } else {
    pinRefused(result);
    showEraseWarning();
  }
}

$('lock').addEventListener('click', lock);

// ---- activation ----

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

function activationError(response, problem) {
  switch (problem.code ?? problem.type?.split('/').pop()) {
    case 'wrong-activation-code':
      return `The activation code is wrong or used up${problem.attemptsLeft !== undefined ? ` (${problem.attemptsLeft} tries left from here)` : ''}. Check the code in the SMS.`;
    case 'activation-code-void':
      return 'This activation code can no longer be used: ask for a new one ("Forgot your activation code?").';
    case 'invalid-email':
      return 'That is not an e-mail address.';
    case 'unknown-activation':
      return 'The activation took too long: press Activate again.';
    default:
      return response.status === 429
        ? 'Too many tries from this network: wait a minute and try again.'
        : problem.detail ?? `The server refused the activation (${response.status}).`;
  }
}

async function activate(email, code, deviceName) {
  const post = (path, body) => fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const started = await post('/api/v1/activations', { email });
  if (!started.ok) {
    throw new Error(activationError(started, await problemOf(started)));
  }
  const { activationId, serverPublicKey } = await started.json();
  const agreement = await protocol.agreeActivation({ email, activationId, serverPublicKey: protocol.fromBase64url(serverPublicKey), code });
  const finished = await post(`/api/v1/activations/${encodeURIComponent(activationId)}/finish`, {
    email,
    clientPublicKey: protocol.base64url(agreement.clientPublicKey),
    clientConfirmation: protocol.base64url(agreement.clientConfirmation),
    deviceName,
    deviceKind: 'web',
  });
  if (!finished.ok) {
    throw new Error(activationError(finished, await problemOf(finished)));
  }
  const result = await finished.json();
  if (!protocol.confirmServer(agreement, protocol.fromBase64url(result.serverConfirmation))) {
    throw new Error('The server could not prove it knows the activation code: nothing was saved. Check that this is your Cipherpad server.');
  }
  const account = { email: result.email ?? protocol.normalizeEmail(email), deviceId: result.deviceId, deviceName, activatedAt: new Date().toISOString(), approves: false };
  await store.saveAccount(state.session, account, agreement.deviceSecret);
  const keys = await protocol.deviceKeys(agreement.deviceSecret);
  agreement.deviceSecret.fill(0);
  state.session.accounts = state.session.accounts.filter((a) => a.email !== account.email).concat({ ...account, keys });
  return account;
}

$('activate-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!protocol.activationCodeDigits($('activate-code').value)) {
    say('An activation code is 12 digits, such as 4711-0815-2342.');
    return;
  }
  try {
    const account = await busy($('activate-form').querySelector('button[type=submit]'), 'Activating…',
      () => activate($('activate-email').value, $('activate-code').value, $('activate-name').value.trim() || 'Phone'));
    $('activate-form').reset();
    await refreshStatus();
    goHome();
    $('account').value = account.email;
    say(`Activated: ${account.email} answers from this pad now.`, 'success');
  } catch (error) {
    say(error instanceof TypeError ? 'The server cannot be reached: activation needs the network, answers do not.' : error.message);
  }
});

// ---- answers ----

const modeTitles = { login: 'Log in', action: 'Confirm an action', payment: 'Confirm a payment' };

for (const button of document.querySelectorAll('[data-mode]')) {
  button.addEventListener('click', () => {
    state.mode = button.dataset.mode;
    $('question-form').reset();
    $('question-title').textContent = modeTitles[state.mode];
    $('payment-fields').hidden = state.mode !== 'payment';
    $('question-hint').textContent = state.mode === 'payment'
      ? 'Type the question and the payment exactly as the site shows them: the answer only fits that payee, amount and currency.'
      : 'Type the question the site shows.';
    $('question-pin-box').hidden = !state.status.paranoid;
    show('question');
  });
}

/** The keys to answer with: the unlocked account's, or in paranoid mode a fresh unlock with the PIN typed beside the question. */
async function keysForAnswer(account, pinInput) {
  if (!state.status.paranoid) {
    return account.keys;
  }
  if (pinInput.value === '') {
    say(usesPattern() ? 'Paranoid mode: join your pattern for this answer.' : 'Paranoid mode: type your PIN for this answer.');
    pinInput.focus();
    return null;
  }
  const result = await store.unlock(pinInput.value);
  clearSecret(pinInput);
  if (result.status !== 'open') {
    pinRefused(result);
    return null;
  }
  return result.session.accounts.find((a) => a.email === account.email)?.keys ?? null;
}

function showAnswer(digits, forWhat) {
  $('answer').textContent = state.status.display.grouped ? protocol.groupAnswer(digits) : digits;
  $('answer-for').textContent = forWhat;
  show('answer');
}

$('question-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = $('question').value.replace(/[\s]/g, '');
  if (protocol.questionPartCount(question) === 0) {
    say('A question is 6 to 64 digits (or up to three such parts joined by "-"), exactly as the site shows it.');
    return;
  }
  let payment = null;
  if (state.mode === 'payment') {
    try {
      payment = await protocol.paymentDetails($('payee').value, $('amount').value, $('currency').value);
    } catch (error) {
      say(error.message);
      return;
    }
  }
  const account = chosenAccount();
  const keys = await busy($('question-form').querySelector('button[type=submit]'), 'Checking…', () => keysForAnswer(account, $('question-pin')));
  if (!keys) {
    return;
  }
  const digits = await protocol.answer(keys, state.mode, question, now(), payment);
  showAnswer(digits, `${modeTitles[state.mode]} · ${account.email}${payment ? ` · ${payment.text}` : ''}`);
});

// ---- requests (QR codes) ----

async function openRequest(text) {
  const opened = await protocol.openPayload(text, state.session.accounts, now());
  state.request = opened.status === 'verified' ? opened : null;
  show('request');
  $('request-text').value = text;
  $('request-verified').hidden = !state.request;
  if (!state.request) {
    say(opened.message);
    return;
  }
  $('request-details').textContent = opened.message;
  $('request-account').textContent = `Account: ${opened.account.email}`;
  $('request-pin-box').hidden = !state.status.paranoid;
}

$('request-form').addEventListener('submit', (event) => {
  event.preventDefault();
  openRequest($('request-text').value);
});

$('request-answer').addEventListener('click', async () => {
  const { request, account } = state.request;
  if (now() >= request.expiresAt) {
    say('This request expired meanwhile: ask the site for a new one.');
    return;
  }
  const keys = await busy($('request-answer'), 'Checking…', () => keysForAnswer(account, $('request-pin')));
  if (!keys) {
    return;
  }
  showAnswer(await protocol.answer(keys, request.purpose, request.question, now(), request.payment), `${protocol.describe(request)} · ${account.email}`);
});

// ---- approval requests (the push method) ----

/** A call of the pad API, signed with the account's pad request key (protocol.md §8). */
async function padFetch(account, method, path, body) {
  const bytes = body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(body));
  const authorization = await protocol.padRequestAuthorization(account.keys, account.deviceId, method, path, now(), bytes);
  return fetch(path, { method, headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: bytes.length > 0 ? bytes : undefined });
}

/** Asks the server for requests waiting for approval; shows the newest verified one when the pad is on its home screen. */
async function checkRequests({ quiet } = { quiet: true }) {
  if (!state.session || $('screen-home').hidden) {
    return;
  }
  for (const account of state.session.accounts.filter((a) => a.approves)) {
    let waiting;
    try {
      const response = await padFetch(account, 'POST', '/api/v1/pad/pending');
      if (!response.ok) {
        continue;
      }
      waiting = (await response.json()).requests;
    } catch {
      if (!quiet) {
        say('The server cannot be reached: approval requests need the network.');
      }
      return;
    }
    for (const pending of waiting) {
      const opened = await protocol.openPayload(pending.payload, [account], now());
      if (opened.status === 'verified' && $('screen-home').hidden === false) {
        showApproval(pending.challengeId, opened);
        return;
      }
    }
  }
  if (!quiet) {
    say('No request is waiting for approval.', 'success');
  }
}

/**
 * The browser's Web Push subscription for this pad (made with the server's VAPID key), or null where the browser has no
 * push or the person refused notifications: the pad then finds requests while it is open.
 */
async function pushSubscription() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return null;
  }
  try {
    if (await Notification.requestPermission() !== 'granted') {
      return null;
    }
    const registration = await navigator.serviceWorker.ready;
    const { publicKey } = await (await fetch('/api/v1/pad/push-key')).json();
    const subscription = await registration.pushManager.getSubscription()
      ?? await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: protocol.fromBase64url(publicKey) });
    return subscription.toJSON();
  } catch {
    return null;
  }
}

function schedulePolling() {
  clearInterval(state.pollTimer);
  const approving = state.session?.accounts.some((a) => a.approves);
  $('check-requests').hidden = !approving;
  if (approving) {
    state.pollTimer = setInterval(() => { if (document.visibilityState === 'visible') checkRequests(); }, pollEvery);
  }
}

function showApproval(challengeId, opened) {
  state.approval = { challengeId, request: opened.request, account: opened.account };
  $('approve-form').reset();
  show('approve');
  $('approve-details').textContent = opened.message;
  $('approve-account').textContent = `Account: ${opened.account.email}`;
  $('approve-pin-box').hidden = !state.status.paranoid;
  $('approve-number').focus();
}

const decisions = {
  success: ['Approved. Go back to the site.', 'success'],
  'wrong-number': ['That was not the number the site showed, so the request was refused. If you did not start it, someone may know your password at that site.', 'error'],
  denied: ['Refused. The site was told, and you will get an e-mail about it.', 'success'],
  expired: ['This request expired before it was approved: start again on the site.', 'error'],
  'already-used': ['This request was already answered.', 'error'],
  locked: ['This request takes no more answers: start again on the site.', 'error'],
};

async function decide(path, body) {
  const { account } = state.approval;
  let result;
  try {
    const response = await padFetch(account, 'POST', path, body);
    result = response.ok ? (await response.json()).result : `refused (${response.status})`;
  } catch {
    say('The server cannot be reached: approving needs the network. Or type the question on the site\'s page into this pad.');
    return;
  }
  state.approval = null;
  goHome();
  const [text, kind] = decisions[result] ?? [`The server said: ${result}.`, 'error'];
  say(text, kind);
}

$('approve-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { challengeId, request, account } = state.approval;
  const number = $('approve-number').value.trim();
  if (!/^[0-9]{2}$/.test(number)) {
    say('Type the two-digit number the site shows beside the question.');
    return;
  }
  if (now() >= request.expiresAt) {
    say('This request expired: start again on the site.');
    return;
  }
  const keys = await busy($('approve-form').querySelector('button[type=submit]'), 'Approving…', () => keysForAnswer(account, $('approve-pin')));
  if (!keys) {
    return;
  }
  const answer = await protocol.answer(keys, request.purpose, request.question, now(), request.payment);
  await decide(`/api/v1/pad/challenges/${challengeId}/approve`, { answer, number: Number(number) });
});

$('approve-deny').addEventListener('click', () => decide(`/api/v1/pad/challenges/${state.approval.challengeId}/deny`));

$('check-requests').addEventListener('click', () => checkRequests({ quiet: false }));

// The service worker tells an open pad when a push arrived, or when its notification was pressed.
navigator.serviceWorker?.addEventListener('message', (event) => {
  if (event.data?.type === 'approval-request') {
    checkRequests();
  }
});

// ---- scanning ----

let scanning = null;

function stopScanning() {
  scanning?.stop();
  scanning = null;
}

/** Loads the vendored QR reader (jsQR, Apache-2.0) on first use: most answers are typed, so most opens do without it. */
function loadQrReader() {
  if (window.jsQR) {
    return Promise.resolve(window.jsQR);
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'vendor/jsqr-1.4.0/jsQR.js';
    script.onload = () => resolve(window.jsQR);
    script.onerror = () => reject(new Error('The QR reader could not be loaded.'));
    document.head.append(script);
  });
}

async function startScanning() {
  show('scan');
  const status = $('scan-status');
  status.textContent = 'Point the camera at the QR code on the site.';
  if (!navigator.mediaDevices?.getUserMedia) {
    status.textContent = 'This browser gives the page no camera: type or paste the request instead.';
    return;
  }
  let readQr;
  let stream;
  try {
    readQr = await loadQrReader();
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch {
    status.textContent = 'The camera is not available (no permission or no camera): type or paste the request instead.';
    return;
  }
  const video = $('scan-video');
  video.srcObject = stream;
  await video.play().catch(() => {});
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  scanning = { stop: () => { stopped = true; stream.getTracks().forEach((track) => track.stop()); video.srcObject = null; } };
  while (!stopped) {
    if (video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const code = readQr(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: 'attemptBoth' });
      if (code?.data) {
        if (code.data.trim().startsWith(protocol.payloadPrefix)) {
          stopScanning();
          await openRequest(code.data);
          return;
        }
        status.textContent = 'That QR code is not a Cipherpad request. Point the camera at the code on the sign-in or confirmation page.';
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

// ---- settings ----

function showSettings() {
  $('settings-erase-after').value = String(state.status.eraseAfter);
  $('settings-paranoid').checked = state.status.paranoid;
  $('settings-grouped').checked = state.status.display.grouped;
  $('settings-reversed').checked = state.status.display.reversedKeypad;
  $('settings-approve').checked = chosenAccount().approves;
  showPasskeyUnlock();
  show('settings');
}

function showPasskeyUnlock() {
  const on = Boolean(state.status.passkeyUnlock);
  $('passkey-unlock-state').textContent = on
    ? 'A passkey of this device unlocks this pad, beside the PIN.'
    : 'Your fingerprint, face or screen lock can unlock this pad beside the PIN, where this browser lets a passkey do so.';
  for (const id of ['passkey-unlock-pin', 'passkey-unlock-on']) {
    $(id).hidden = on || !store.passkeysAvailable();
  }
  $('passkey-unlock-pin').required = !on;
  document.querySelector('label[for=passkey-unlock-pin]').hidden = on || !store.passkeysAvailable();
  $('passkey-unlock-off').hidden = !on;
}

$('passkey-unlock-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  let result;
  try {
    result = await busy($('passkey-unlock-on'), 'Asking your device…', () => store.enablePasskeyUnlock($('passkey-unlock-pin').value));
  } catch (problem) {
    say(`Your device made no passkey (${problem.name ?? problem}). The PIN still unlocks the pad.`);
    return;
  } finally {
    clearSecret($('passkey-unlock-pin'));
  }
  await refreshStatus();
  if (result.status === 'open') {
    showPasskeyUnlock();
    say('A passkey of this device unlocks this pad now, beside the PIN.', 'success');
  } else if (result.status === 'no-prf') {
    say('This browser or device cannot unlock with a passkey (it lacks the PRF extension). The PIN still unlocks the pad.');
  } else {
    pinRefused(result);
  }
});

$('passkey-unlock-off').addEventListener('click', async () => {
  await store.disablePasskeyUnlock();
  await refreshStatus();
  showPasskeyUnlock();
  say('The passkey no longer unlocks this pad; the PIN does.', 'success');
});

$('settings-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  await store.saveSettings(state.session, {
    eraseAfter: Number($('settings-erase-after').value),
    paranoid: $('settings-paranoid').checked,
    grouped: $('settings-grouped').checked,
    reversedKeypad: $('settings-reversed').checked,
  });
  await refreshStatus();
  const account = chosenAccount();
  const approves = $('settings-approve').checked;
  let pushed = null;
  if (approves !== Boolean(account.approves)) {
    try {
      const subscription = approves ? await pushSubscription() : null;
      const response = await padFetch(account, 'PUT', '/api/v1/pad/approval', { enabled: approves, subscription });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      pushed = (await response.json()).push;
    } catch {
      $('settings-approve').checked = account.approves;
      say('Settings saved, but approving requests could not be changed: the server cannot be reached or refused this pad.');
      return;
    }
    account.approves = approves;
    await store.setApproves(account.email, approves);
    schedulePolling();
  }
  say(pushed === false
    ? 'Settings saved. This browser gives the pad no notifications: it finds requests while it is open.'
    : 'Settings saved.', 'success');
});

$('change-pin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const pin = $('changed-pin').value;
  const problem = protocol.pinProblem(pin);
  if (problem || pin !== $('changed-pin-again').value) {
    say(problem ?? 'The two new PINs differ: type the same PIN twice.');
    return;
  }
  const hadPasskeyUnlock = state.status.passkeyUnlock;
  const result = await busy($('change-pin-form').querySelector('button[type=submit]'), 'Changing…', () => store.changePin($('current-pin').value, pin));
  $('change-pin-form').reset();
  clearSecret($('current-pin'));
  await refreshStatus();
  if (result.status === 'open') {
    say(hadPasskeyUnlock ? 'PIN changed. A passkey no longer unlocks the pad: set it up again with the new PIN.' : 'PIN changed.', 'success');
    showPasskeyUnlock();
  } else {
    pinRefused(result);
  }
});

$('deactivate-one').addEventListener('click', async () => {
  const account = chosenAccount();
  if (!account || !window.confirm(`Erase ${account.email} from this pad? You will need a new activation code to answer for it here again.`)) {
    return;
  }
  await store.removeAccount(account.email);
  state.session.accounts = state.session.accounts.filter((a) => a !== account);
  goHome();
  say(`${account.email} was erased from this pad. Revoke the pad in your personal account too.`, 'success');
});

$('deactivate-all').addEventListener('click', async () => {
  if (!window.confirm('Erase the whole pad: every account and the PIN?')) {
    return;
  }
  await store.erase();
  state.session = null;
  state.status = null;
  show('welcome');
  say('The pad was erased.', 'success');
});

// ---- navigation ----

for (const button of document.querySelectorAll('[data-go]')) {
  button.addEventListener('click', () => {
    switch (button.dataset.go) {
      case 'home': goHome(); break;
      case 'scan': startScanning(); break;
      case 'settings': showSettings(); break;
      case 'request': $('request-verified').hidden = true; show('request'); break;
      case 'activate': $('activate-cancel').hidden = state.session.accounts.length === 0; show('activate'); break;
      default: break;
    }
  });
}

for (const kind of ['pointerdown', 'keydown']) {
  document.addEventListener(kind, resetIdleTimer, { passive: true });
}

async function start() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => { /* the pad still works online */ });
  }
  await refreshStatus();
  $('starting').hidden = true;
  if (state.status) {
    show('unlock');
    showEraseWarning();
  } else {
    show('welcome');
  }
}

start();
