// The Cipherpad question–answer protocol, version 1 (docs/protocol.md), with WebCrypto only. The same results, byte for
// byte, as Cipherpad.Core: the test suite runs docs/protocol-vectors.json against this file in Chromium.

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();

// ---- bytes ----

export function concat(...parts) {
  const result = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text) {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function base64url(bytes) {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new Error('Not base64url.');
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Compares two strings of the same alphabet without stopping at the first difference. */
export function equalInConstantTime(a, b) {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) {
    difference |= a.charCodeAt(i) ^ (i < b.length ? b.charCodeAt(i) : 0);
  }
  return difference === 0;
}

function bytesEqualInConstantTime(a, b) {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    difference |= a[i] ^ b[i];
  }
  return difference === 0;
}

// ---- text ----

// The characters Unicode calls White_Space (what .NET's String.Trim removes); JavaScript's trim() differs (U+0085, U+FEFF).
const whiteSpace = '\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000';

export function trimWhiteSpace(text) {
  let start = 0;
  let end = text.length;
  while (start < end && whiteSpace.includes(text[start])) {
    start++;
  }
  while (end > start && whiteSpace.includes(text[end - 1])) {
    end--;
  }
  return text.slice(start, end);
}

/** The e-mail as the protocol reads it: trimmed, A–Z lowercased, nothing else changed. */
export function normalizeEmail(email) {
  return trimWhiteSpace(email).replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function hasControlCharacter(text) {
  return /[\u0000-\u001F\u007F-\u009F]/.test(text);
}

// ---- keys ----

export async function hkdf(inputKey, salt, info, length) {
  const key = await subtle.importKey('raw', inputKey, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, length * 8));
}

export async function hmacSha256(keyBytes, message) {
  const key = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', key, message));
}

export const keyLabels = Object.freeze({
  login: 'Cipherpad v1 answer login',
  action: 'Cipherpad v1 answer action',
  payment: 'Cipherpad v1 answer payment',
  payload: 'Cipherpad v1 payload',
  keyId: 'Cipherpad v1 key id',
  padRequest: 'Cipherpad v1 pad request',
});

/**
 * The keys of one device secret (section 1), as WebCrypto keys that cannot be exported: the secret itself is not kept
 * by the caller once this returns.
 */
export async function deviceKeys(secret) {
  const master = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey', 'deriveBits']);
  const derive = (label) => subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8.encode(label) },
    master, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']);
  const keyIdBits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8.encode(keyLabels.keyId) }, master, 48);
  return {
    login: await derive(keyLabels.login),
    action: await derive(keyLabels.action),
    payment: await derive(keyLabels.payment),
    payload: await derive(keyLabels.payload),
    padRequest: await derive(keyLabels.padRequest),
    keyId: base64url(new Uint8Array(keyIdBits)),
  };
}

// ---- questions and answers ----

export const purposes = Object.freeze(['login', 'action', 'payment']);

/** How many parts a question has (1 to 3 parts of 6 to 64 digits, one length, joined by '-'); 0 when it is not one. */
export function questionPartCount(question) {
  const parts = question.split('-');
  const length = parts[0].length;
  if (parts.length > 3 || length < 6 || length > 64) {
    return 0;
  }
  return parts.every((part) => part.length === length && /^[0-9]+$/.test(part)) ? parts.length : 0;
}

export function ocraSuite(purpose, questionLength) {
  return `OCRA-1:HOTP-SHA256-8:QN${String(questionLength).padStart(2, '0')}${purpose === 'payment' ? '-S064' : ''}-T1M`;
}

function questionInput(question) {
  let digits = BigInt(question).toString(16).toUpperCase();
  if (digits.length % 2 === 1) {
    digits += '0';
  }
  const bytes = new Uint8Array(128);
  bytes.set(fromHex(digits));
  return bytes;
}

function timeInput(unixSeconds) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.floor(unixSeconds / 60)));
  return bytes;
}

async function answerPart(key, purpose, part, payment, unixSeconds) {
  const message = concat(utf8.encode(ocraSuite(purpose, part.length)), new Uint8Array([0]), questionInput(part),
    purpose === 'payment' ? payment.sessionData : new Uint8Array(0), timeInput(unixSeconds));
  const mac = new Uint8Array(await subtle.sign('HMAC', key, message));
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3]) >>> 0;
  return String(number % 100_000_000).padStart(8, '0');
}

/**
 * The answer (section 3) of the device whose keys are <keys> to <question> for <purpose> at <unixSeconds>; <payment>
 * (from paymentDetails) for payments. A compound question's parts are answered one by one and joined.
 */
export async function answer(keys, purpose, question, unixSeconds, payment = null) {
  if (!purposes.includes(purpose)) {
    throw new Error(`Unknown purpose ${purpose}.`);
  }
  if (questionPartCount(question) === 0) {
    throw new Error('A question is 6 to 64 digits, or up to three such parts joined by "-".');
  }
  if (purpose === 'payment' && !payment) {
    throw new Error('A payment answer needs the payee, amount and currency.');
  }
  const parts = [];
  for (const part of question.split('-')) {
    parts.push(await answerPart(keys[purpose], purpose, part, payment, unixSeconds));
  }
  return parts.join('');
}

/** 98084054 as "9808 4054"; a compound answer in groups of four as well. */
export function groupAnswer(digits) {
  return digits.match(/.{1,4}/g).join(' ');
}

// ---- payments ----

const noMinorUnit = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const threeDecimals = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
const fourDecimals = ['CLF', 'UYW'];

export function minorUnitDigits(code) {
  return noMinorUnit.includes(code) ? 0 : threeDecimals.includes(code) ? 3 : fourDecimals.includes(code) ? 4 : 2;
}

export class PaymentError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * The payee, amount and currency (section 4): { payee, currency, minorUnits, amount ("12.50"), canonicalText, sessionData,
 * text ("12.50 USD to 123") }. Throws PaymentError with the code of docs/protocol-vectors.json's paymentErrors.
 */
export async function paymentDetails(payee, amount, currency) {
  const trimmedPayee = trimWhiteSpace(payee ?? '');
  if (trimmedPayee.length === 0 || trimmedPayee.length > 64 || !/^[!-~]+$/.test(trimmedPayee)) {
    throw new PaymentError('Payee', `The payee '${trimmedPayee}' is not allowed: use 1 to 64 printable ASCII characters without spaces.`);
  }
  const trimmedCurrency = trimWhiteSpace(currency ?? '');
  if (!/^[A-Za-z]{3}$/.test(trimmedCurrency)) {
    throw new PaymentError('Currency', `The currency '${currency}' is not allowed: use a three-letter code such as USD.`);
  }
  const code = trimmedCurrency.toUpperCase();
  const digits = minorUnitDigits(code);
  const text = trimWhiteSpace(amount ?? '');
  const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (!match) {
    throw new PaymentError('AmountFormat', `The amount '${text}' is not allowed: write digits with an optional '.' and fraction, such as 12.50 (no sign, no grouping).`);
  }
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    throw new PaymentError('AmountPrecision', `The amount '${text}' has more than ${digits} decimal place(s), the minor unit of ${code}.`);
  }
  const minorUnits = (match[1] + fraction.padEnd(digits, '0')).replace(/^0+/, '');
  if (minorUnits.length === 0) {
    throw new PaymentError('AmountZero', 'The amount is zero; a payment must be of a positive amount.');
  }
  if (minorUnits.length > 18) {
    throw new PaymentError('AmountTooLarge', `The amount '${text}' is too large.`);
  }
  const padded = minorUnits.padStart(digits + 1, '0');
  const written = digits === 0 ? minorUnits : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  const canonicalText = `CP1-PAY:${code}:${minorUnits}:${trimmedPayee}`;
  return {
    payee: trimmedPayee,
    currency: code,
    minorUnits,
    amount: written,
    canonicalText,
    sessionData: new Uint8Array(await subtle.digest('SHA-512', utf8.encode(canonicalText))),
    text: `${written} ${code} to ${trimmedPayee}`,
  };
}

// ---- request payloads (QR codes and push) ----

export const payloadPrefix = 'CP1?';
const maxPayloadLength = 1200;

/** What the pad shows: "log in at Demo Shop", "confirm "…" at Demo Shop", "pay 12.50 USD to 123 at DemoShop". */
export function describe(request) {
  switch (request.purpose) {
    case 'login': return `log in at ${request.relyingParty}`;
    case 'action': return `confirm "${request.description}" at ${request.relyingParty}`;
    default: return `pay ${request.payment.text} at ${request.relyingParty}`;
  }
}

async function payloadTag(payloadKey, signed) {
  const mac = new Uint8Array(await subtle.sign('HMAC', payloadKey, utf8.encode(signed)));
  return base64url(mac.slice(0, 16));
}

/**
 * Opens a payload (section 5) with the pad's accounts ([{ keys, ...account }]) at <unixSeconds>: authenticity first, in
 * constant time, then form, then expiry. Returns { status, message, request?, account? }; status is one of verified,
 * malformed, not-for-this-device, tampered, expired.
 */
export async function openPayload(text, accounts, unixSeconds) {
  const fail = (status, message) => ({ status, message });
  const trimmed = trimWhiteSpace(text ?? '');
  if (trimmed.length === 0 || trimmed.length > maxPayloadLength || !trimmed.startsWith(payloadPrefix)) {
    return fail('malformed', 'This is not a Cipherpad request.');
  }
  const parts = trimmed.split('#');
  const signed = parts[0];
  if (parts.length < 2 || parts.length > 9) {
    return fail('malformed', 'This Cipherpad request carries no authentication tag.');
  }
  let account = null;
  let tampered = false;
  for (const seal of parts.slice(1)) {
    const dot = seal.indexOf('.');
    if (dot < 0) {
      return fail('malformed', 'This Cipherpad request has a malformed authentication tag.');
    }
    const candidate = accounts.find((a) => a.keys.keyId === seal.slice(0, dot));
    if (!candidate) {
      continue;
    }
    if (equalInConstantTime(await payloadTag(candidate.keys.payload, signed), seal.slice(dot + 1))) {
      account = candidate;
      break;
    }
    tampered = true;
  }
  if (!account) {
    return tampered
      ? fail('tampered', 'This request was changed after the server made it: do not answer it.')
      : fail('not-for-this-device', 'This request is not for any account on this cipher pad.');
  }
  const request = await parseBody(signed.slice(payloadPrefix.length));
  if (!request) {
    return fail('malformed', 'This request is authentic but its details are malformed.');
  }
  if (unixSeconds >= request.expiresAt) {
    return { status: 'expired', request, account, message: `This request expired at ${new Date(request.expiresAt * 1000).toISOString()}: ask for a new one.` };
  }
  return { status: 'verified', request, account, message: `Verified: ${describe(request)}` };
}

/**
 * Decodes every %XX (either case of hex) and takes every other character as it is, '+' included. A byte that does not
 * start a UTF-8 character stays as written (%C3 alone), as .NET's Uri.UnescapeDataString leaves it.
 */
function percentDecode(text) {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = fromHex(run.replace(/%/g, ''));
    const strict = new TextDecoder('utf-8', { fatal: true });
    let decoded = '';
    for (let i = 0; i < bytes.length;) {
      const length = bytes[i] < 0x80 ? 1 : bytes[i] >= 0xf0 ? 4 : bytes[i] >= 0xe0 ? 3 : 2;
      try {
        decoded += strict.decode(bytes.slice(i, i + length));
        i += length;
      } catch {
        decoded += run.slice(i * 3, i * 3 + 3);
        i += 1;
      }
    }
    return decoded;
  });
}

async function parseBody(body) {
  const fields = new Map();
  for (const field of body.split('&')) {
    const equals = field.indexOf('=');
    if (equals <= 0) {
      return null;
    }
    const value = percentDecode(field.slice(equals + 1));
    const name = field.slice(0, equals);
    if (fields.has(name)) {
      return null;
    }
    fields.set(name, value);
  }
  const purpose = fields.get('p');
  const expiry = fields.get('exp');
  if (!fields.has('rp') || !fields.has('q') || !purposes.includes(purpose) || !/^[0-9]+$/.test(expiry ?? '')
    || BigInt(expiry) > 253402300799n) {
    return null;
  }
  if (fields.size !== { login: 4, action: 5, payment: 7 }[purpose]) {
    return null;
  }
  const relyingParty = fields.get('rp');
  const question = fields.get('q');
  const description = fields.get('d');
  let payment = null;
  if (purpose === 'payment') {
    const [payee, amt, cur] = [fields.get('payee'), fields.get('amt'), fields.get('cur')];
    if (payee === undefined || amt === undefined || cur === undefined) {
      return null;
    }
    try {
      payment = await paymentDetails(payee, amt, cur);
    } catch {
      return null;
    }
    // Each payment has one text: the fields must be exactly as a writer writes them.
    if (payment.payee !== payee || payment.amount !== amt || payment.currency !== cur) {
      return null;
    }
  }
  if (purpose === 'action' && description === undefined) {
    return null;
  }
  const readable = (text, max) => text.length <= max && trimWhiteSpace(text).length > 0 && !hasControlCharacter(text);
  if (!readable(relyingParty, 64) || questionPartCount(question) === 0 || (description !== undefined && !readable(description, 200))) {
    return null;
  }
  return { relyingParty, purpose, question, expiresAt: Number(expiry), description: description ?? null, payment };
}

// ---- the pad's own requests (section 8) ----

export async function padRequestText(method, path, unixSeconds, body) {
  const hash = new Uint8Array(await subtle.digest('SHA-256', body));
  return `CP1-PAD\n${method.toUpperCase()}\n${path}\n${unixSeconds}\n${base64url(hash)}`;
}

/** The Authorization header value for one request of the pad whose keys are <keys> (deviceId: from activation). */
export async function padRequestAuthorization(keys, deviceId, method, path, unixSeconds, body) {
  const text = await padRequestText(method, path, unixSeconds, body);
  const mac = new Uint8Array(await subtle.sign('HMAC', keys.padRequest, utf8.encode(text)));
  return `CipherpadPad device=${deviceId}, time=${unixSeconds}, mac=${base64url(mac)}`;
}

// ---- activation (section 6) ----

/** The 12 digits of an activation code as typed ("4711-0815-2342"), or null when it is not one. */
export function activationCodeDigits(typed) {
  const digits = typed.replace(/[ \t-]/g, '');
  return /^[0-9]{12}$/.test(digits) ? digits : null;
}

function withLength(bytes) {
  return concat(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
}

/**
 * The client's side of the activation key agreement. <serverPublicKey> is the 65-byte Ps; <clientKeyPair> an ECDH P-256
 * key pair (a new one unless given). Returns the client's public key and confirmation to send, and what to keep only
 * when the server's confirmation matches (see confirmServer).
 */
export async function agreeActivation({ email, activationId, serverPublicKey, code, clientKeyPair = null }) {
  const digits = activationCodeDigits(code);
  if (!digits) {
    throw new Error('An activation code is 12 digits, such as 4711-0815-2342.');
  }
  let serverKey;
  try {
    serverKey = await subtle.importKey('raw', serverPublicKey, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  } catch {
    throw new Error('The server sent a public key that is not a point on P-256.');
  }
  const pair = clientKeyPair ?? await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const clientPublicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const sharedSecret = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: serverKey }, pair.privateKey, 256));
  const label = utf8.encode('Cipherpad v1 activation');
  const transcriptHash = new Uint8Array(await subtle.digest('SHA-256', concat(label, withLength(utf8.encode(normalizeEmail(email))),
    withLength(utf8.encode(activationId)), serverPublicKey, clientPublicKey)));
  const keys = await hkdf(sharedSecret, utf8.encode(digits), concat(label, transcriptHash), 96);
  return {
    clientPublicKey,
    transcriptHash,
    clientConfirmation: await hmacSha256(keys.slice(0, 32), concat(utf8.encode('client'), transcriptHash)),
    expectedServerConfirmation: await hmacSha256(keys.slice(32, 64), concat(utf8.encode('server'), transcriptHash)),
    deviceSecret: keys.slice(64, 96),
  };
}

/** Whether the server's confirmation is the one the agreement expects: only then is the device secret kept. */
export function confirmServer(agreement, serverConfirmation) {
  return bytesEqualInConstantTime(agreement.expectedServerConfirmation, serverConfirmation);
}

// ---- PINs (the same rules as the command-line pad's PinRules) ----

const indexes = (text) => Array.from({ length: text.length }, (_, i) => i);

/** A sentence saying what is wrong with a new PIN, or null when it may be used. */
export function pinProblem(pin) {
  if (pin.length < 6 || pin.length > 64) {
    return 'A PIN needs at least 6 characters (at most 64); a longer one or a password is better.';
  }
  for (let period = 1; period <= 3; period++) {
    if (indexes(pin).every((i) => i < period || pin[i] === pin[i - period])) {
      return 'A PIN must not repeat one character or a group of two or three (111111, 121212, 123123): those are guessed first.';
    }
  }
  const sameStep = (text, step, runs) => {
    const first = step(text.charCodeAt(0), text.charCodeAt(1));
    return runs.includes(first) && indexes(text).every((i) => i < 2 || step(text.charCodeAt(i - 1), text.charCodeAt(i)) === first);
  };
  if (/^[0-9]+$/.test(pin) && sameStep(pin, (a, b) => (b - a + 10) % 10, [1, 9])) {
    return 'A PIN must not be a run of consecutive digits or letters (123456, 987654, abcdef): those are guessed first.';
  }
  const lower = pin.toLowerCase();
  if (/^[a-z]+$/.test(lower) && sameStep(lower, (a, b) => b - a, [1, -1])) {
    return 'A PIN must not be a run of consecutive digits or letters (123456, 987654, abcdef): those are guessed first.';
  }
  return null;
}
