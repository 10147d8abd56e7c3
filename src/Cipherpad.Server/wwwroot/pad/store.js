// The pad's one record in IndexedDB. Each account's device secret is sealed with AES-256-GCM under a key derived from the
// PIN by PBKDF2-SHA256 (600,000 iterations, as the command-line pad); that key cannot be exported. A sealed "check" value
// proves the PIN and binds the erase limit and paranoid mode, so editing them in the browser's storage opens nothing.
// Wrong PINs are counted in the record before a PIN is tried, so closing the page mid-check cannot skip the count.
// A passkey can unlock the pad beside the PIN, where the browser has WebAuthn's PRF extension: the PIN is sealed under a
// key that only the passkey's PRF output (behind the device's fingerprint, face or screen lock) derives, and unlocking
// with the passkey opens the PIN and then the pad as the PIN does.

import { deviceKeys } from './protocol.js';

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const databaseName = 'cipherpad-pad';
const storeName = 'pad';
const recordKey = 'pad';
export const pinIterations = 600_000;
export const eraseLimits = Object.freeze([3, 5, 10]);

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs <change> on the record in one read-write transaction and resolves once it is committed. */
async function update(change) {
  const database = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(storeName, 'readwrite', { durability: 'strict' });
      const store = transaction.objectStore(storeName);
      let result;
      const read = store.get(recordKey);
      read.onsuccess = () => {
        const outcome = change(read.result ?? null);
        result = outcome.result;
        if (outcome.record === null) {
          store.delete(recordKey);
        } else if (outcome.record !== undefined) {
          store.put(outcome.record, recordKey);
        }
      };
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error ?? new Error('The pad could not save.'));
    });
  } finally {
    database.close();
  }
}

function checkData(record) {
  return utf8.encode(`cipherpad-pad v1\nerase-after ${record.eraseAfter}\nparanoid ${record.paranoid}\niterations ${record.iterations}\n`);
}

function accountData(account) {
  return utf8.encode(`cipherpad-pad v1 account\n${account.email}\n${account.deviceId}\n`);
}

async function pinKey(pin, salt, iterations) {
  const material = await subtle.importKey('raw', utf8.encode(pin), 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false,
    ['encrypt', 'decrypt']);
}

async function seal(key, plaintext, associatedData) {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: associatedData }, key, plaintext));
  return { nonce, ciphertext };
}

/** The check value: opens only with the PIN's key and with the erase limit, paranoid mode and iteration count it was sealed with. */
function sealCheck(key, record) {
  return seal(key, utf8.encode('cipherpad'), checkData(record));
}

/** An account as stored: what is shown without the PIN, and its device secret sealed under the PIN's key. */
async function sealAccount(key, account, secret) {
  const stored = { email: account.email, deviceId: account.deviceId, deviceName: account.deviceName, activatedAt: account.activatedAt,
    approves: Boolean(account.approves) };
  stored.secret = await seal(key, secret, accountData(stored));
  return stored;
}

function open(key, sealed, associatedData) {
  return subtle.decrypt({ name: 'AES-GCM', iv: sealed.nonce, additionalData: associatedData }, key, sealed.ciphertext);
}

/** What can be read without the PIN: null when the pad has not been set up (or was erased). */
export async function padStatus() {
  return update((record) => ({
    result: record && { wrongPins: record.wrongPins, eraseAfter: record.eraseAfter, paranoid: record.paranoid, display: record.display,
      accountCount: record.accounts.length, lockKind: record.lockKind ?? 'pin', passkeyUnlock: Boolean(record.passkey) },
  }));
}

/** Sets the pad up with its first PIN (or pattern, written as "pattern:" and the dots); returns the unlocked session. */
export async function createPad(pin, eraseAfter, lockKind = 'pin') {
  if (!eraseLimits.includes(eraseAfter)) {
    throw new Error('The pad erases itself after 3, 5 or 10 wrong PINs.');
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await pinKey(pin, salt, pinIterations);
  const record = { version: 1, salt, iterations: pinIterations, wrongPins: 0, eraseAfter, paranoid: false, display: { grouped: true, reversedKeypad: false },
    accounts: [], lockKind };
  record.check = await sealCheck(key, record);
  await update(() => ({ record }));
  return { key, accounts: [] };
}

/**
 * Tries <pin>: { status: 'open', session } with each account's keys (non-extractable; the secrets are not kept),
 * { status: 'wrong', left } (tries left before the pad erases itself), { status: 'erased' }, or { status: 'none' } when
 * there is no pad.
 */
export async function unlock(pin) {
  const opened = await tryPin(pin);
  if (opened.status !== 'open') {
    return opened;
  }
  const accounts = [];
  for (const account of opened.record.accounts) {
    const keys = await deviceKeys(await openSecret(opened.key, account));
    accounts.push({ email: account.email, deviceId: account.deviceId, deviceName: account.deviceName, activatedAt: account.activatedAt,
      approves: Boolean(account.approves), keys });
  }
  return { status: 'open', session: { key: opened.key, accounts } };
}

async function tryPin(pin) {
  const counted = await update((record) => {
    if (!record) {
      return { result: { status: 'none' } };
    }
    if (record.wrongPins >= record.eraseAfter) {
      // The page that counted the last wrong PIN was closed before it could erase the pad.
      return { record: null, result: { status: 'erased' } };
    }
    record.wrongPins++;
    return { record, result: { status: 'counted', record } };
  });
  if (counted.status !== 'counted') {
    return counted;
  }
  const record = counted.record;
  const key = await pinKey(pin, record.salt, record.iterations);
  try {
    await open(key, record.check, checkData(record));
  } catch {
    if (record.wrongPins >= record.eraseAfter) {
      await erase();
      return { status: 'erased' };
    }
    return { status: 'wrong', left: record.eraseAfter - record.wrongPins };
  }
  await update((current) => {
    if (!current) {
      return {};
    }
    current.wrongPins = 0;
    return { record: current };
  });
  return { status: 'open', key, record };
}

async function openSecret(key, account) {
  return new Uint8Array(await open(key, account.secret, accountData(account)));
}

/** Adds (or, for the same e-mail, replaces) an account whose device secret is <secret>. */
export async function saveAccount(session, account, secret) {
  const sealed = await sealAccount(session.key, account, secret);
  await update((record) => {
    if (!record) {
      throw new Error('The pad was erased meanwhile.');
    }
    record.accounts = record.accounts.filter((a) => a.email !== account.email).concat(sealed);
    return { record };
  });
}

/** Remembers whether the account approves requests on this pad (the server has been told already). */
export async function setApproves(email, approves) {
  await update((record) => {
    const account = record?.accounts.find((a) => a.email === email);
    if (!account) {
      return {};
    }
    account.approves = approves;
    return { record };
  });
}

export async function removeAccount(email) {
  await update((record) => {
    if (!record) {
      return {};
    }
    record.accounts = record.accounts.filter((a) => a.email !== email);
    return { record };
  });
}

/** Changes the erase limit and paranoid mode (sealed with the PIN's key) and how answers and the keypad look. */
export async function saveSettings(session, { eraseAfter, paranoid, grouped, reversedKeypad }) {
  if (!eraseLimits.includes(eraseAfter)) {
    throw new Error('The pad erases itself after 3, 5 or 10 wrong PINs.');
  }
  const iterations = await update((record) => ({ result: record?.iterations }));
  if (!iterations) {
    throw new Error('The pad was erased meanwhile.');
  }
  const bound = { eraseAfter, paranoid: Boolean(paranoid), iterations };
  const check = await sealCheck(session.key, bound);
  await update((record) => {
    if (!record) {
      throw new Error('The pad was erased meanwhile.');
    }
    Object.assign(record, { eraseAfter: bound.eraseAfter, paranoid: bound.paranoid, check, display: { grouped: Boolean(grouped), reversedKeypad: Boolean(reversedKeypad) } });
    return { record };
  });
}

/** Seals everything again under <newPin>, once <currentPin> has opened it (a wrong one is counted like any other). */
export async function changePin(currentPin, newPin) {
  const opened = await tryPin(currentPin);
  if (opened.status !== 'open') {
    return opened;
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await pinKey(newPin, salt, pinIterations);
  const bound = { eraseAfter: opened.record.eraseAfter, paranoid: opened.record.paranoid, iterations: pinIterations };
  const check = await sealCheck(key, bound);
  const accounts = [];
  for (const account of opened.record.accounts) {
    accounts.push(await sealAccount(key, account, await openSecret(opened.key, account)));
  }
  await update((record) => {
    if (!record) {
      throw new Error('The pad was erased meanwhile.');
    }
    // The passkey sealed the old PIN: it unlocks nothing any more, and is set up again with the new one.
    return { record: { ...record, salt, iterations: pinIterations, wrongPins: 0, check, accounts, lockKind: 'pin', passkey: undefined } };
  });
  return { status: 'open' };
}

const prfInfo = utf8.encode('cipherpad-pad v1 passkey unlock');

function passkeyData(credentialId) {
  return utf8.encode(`cipherpad-pad v1 passkey\n${credentialId}\n`);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function prfKey(output) {
  const material = await subtle.importKey('raw', output, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: prfInfo }, material, { name: 'AES-GCM', length: 256 }, false,
    ['encrypt', 'decrypt']);
}

/** The PRF output of the pad's passkey for <salt>, asking the device for its user; null when the browser gives none. */
async function prfOutput(credentialId, salt) {
  const assertion = await navigator.credentials.get({ publicKey: {
    challenge: crypto.getRandomValues(new Uint8Array(32)), rpId: location.hostname, userVerification: 'required',
    allowCredentials: [{ type: 'public-key', id: Uint8Array.from(atob(credentialId.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)) }],
    extensions: { prf: { eval: { first: salt } } },
  } });
  return assertion.getClientExtensionResults().prf?.results?.first ?? null;
}

/** Whether this browser can make a passkey at all (whether it has PRF is known only once one is made). */
export function passkeysAvailable() {
  return Boolean(globalThis.PublicKeyCredential && navigator.credentials?.create);
}

/**
 * Lets a passkey unlock the pad, once <pin> opened it (a wrong one is counted like any other): a new passkey of this
 * device is made, and the PIN sealed under its PRF output. { status: 'open' }, the PIN's refusals, or { status: 'no-prf' }
 * when the browser or the device cannot give a PRF output (then the PIN alone unlocks, as before).
 */
export async function enablePasskeyUnlock(pin) {
  const opened = await tryPin(pin);
  if (opened.status !== 'open') {
    return opened;
  }
  const credential = await navigator.credentials.create({ publicKey: {
    rp: { id: location.hostname, name: 'Cipherpad pad' },
    user: { id: crypto.getRandomValues(new Uint8Array(16)), name: 'Cipherpad pad unlock', displayName: 'Cipherpad pad unlock' },
    challenge: crypto.getRandomValues(new Uint8Array(32)),
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
    authenticatorSelection: { residentKey: 'discouraged', userVerification: 'required' },
    extensions: { prf: {} },
  } });
  if (!credential.getClientExtensionResults().prf?.enabled) {
    return { status: 'no-prf' };
  }
  const credentialId = base64url(credential.rawId);
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const output = await prfOutput(credentialId, salt);
  if (!output) {
    return { status: 'no-prf' };
  }
  const sealedPin = await seal(await prfKey(output), utf8.encode(pin), passkeyData(credentialId));
  await update((record) => {
    if (!record) {
      throw new Error('The pad was erased meanwhile.');
    }
    record.passkey = { credentialId, salt, pin: sealedPin };
    return { record };
  });
  return { status: 'open' };
}

/** Stops the passkey unlocking the pad; the PIN still does. */
export async function disablePasskeyUnlock() {
  await update((record) => {
    if (!record) {
      return {};
    }
    delete record.passkey;
    return { record };
  });
}

/** Unlocks with the pad's passkey: as unlock(), or { status: 'passkey-failed' } when the device gave nothing that opens the PIN. */
export async function unlockWithPasskey() {
  const passkey = await update((record) => ({ result: record?.passkey ?? null }));
  if (!passkey) {
    return { status: 'passkey-failed' };
  }
  const output = await prfOutput(passkey.credentialId, passkey.salt);
  let pin;
  try {
    pin = new TextDecoder().decode(await open(await prfKey(output), passkey.pin, passkeyData(passkey.credentialId)));
  } catch {
    return { status: 'passkey-failed' };
  }
  return unlock(pin);
}

/** Deletes the record: every account on this pad is gone. */
export async function erase() {
  await update(() => ({ record: null }));
}
