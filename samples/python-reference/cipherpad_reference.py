#!/usr/bin/env python3
"""An independent cipher pad core written from docs/protocol.md alone, with Python's standard library.

It derives the device keys, computes answers (login, action, payment), builds the canonical payment
text and checks request payloads, then compares everything with docs/protocol-vectors.json.
Activation (section 6) needs P-256 ECDH, which the standard library lacks; use a maintained library
such as `cryptography` for it. Its transcript hash needs none, so the e-mail rule is checked here.

    python3 samples/python-reference/cipherpad_reference.py
"""
import base64
import hashlib
import hmac
import json
import pathlib
import struct
import sys
import urllib.parse

ZERO_DIGIT_CURRENCIES = set("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split())
THREE_DIGIT_CURRENCIES = set("BHD IQD JOD KWD LYD OMR TND".split())
FOUR_DIGIT_CURRENCIES = set("CLF UYW".split())
# Section 4: what is trimmed from payee, amount and currency. Not str.strip()'s default, which also removes U+001C-U+001F.
WHITE_SPACE = "\t\n\v\f\r \u0085\u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u2028\u2029\u202f\u205f\u3000"


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def device_keys(secret: bytes) -> dict:
    keys = {p: hkdf_sha256(secret, b"", f"Cipherpad v1 answer {p}".encode(), 32) for p in ("login", "action", "payment")}
    keys["payload"] = hkdf_sha256(secret, b"", b"Cipherpad v1 payload", 32)
    keys["keyId"] = b64url(hkdf_sha256(secret, b"", b"Cipherpad v1 key id", 6))
    return keys


def activation_email(email: str) -> str:
    # Section 6: only A-Z are lowercased; str.lower() would change letters outside ASCII too.
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in email.strip(WHITE_SPACE))


def transcript_hash(email: str, activation_id: str, server_public_key: bytes, client_public_key: bytes) -> bytes:
    def len16(data: bytes) -> bytes:
        return struct.pack(">H", len(data)) + data
    label = b"Cipherpad v1 activation"
    return hashlib.sha256(label + len16(activation_email(email).encode()) + len16(activation_id.encode())
                          + server_public_key + client_public_key).digest()


def canonical_payment(payee: str, amount: str, currency: str) -> str:
    payee, amount, currency = payee.strip(WHITE_SPACE), amount.strip(WHITE_SPACE), currency.strip(WHITE_SPACE)
    if not (1 <= len(payee) <= 64 and all("!" <= c <= "~" for c in payee)):
        raise ValueError(f"payee {payee!r}")
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise ValueError(f"currency {currency!r}")
    currency = currency.upper()
    digits = 0 if currency in ZERO_DIGIT_CURRENCIES else 3 if currency in THREE_DIGIT_CURRENCIES else 4 if currency in FOUR_DIGIT_CURRENCIES else 2
    whole, point, fraction = amount.partition(".")
    if not (whole and whole.isascii() and whole.isdigit()) or (point and not (fraction and fraction.isascii() and fraction.isdigit())):
        raise ValueError(f"amount {amount!r}")
    fraction = fraction.rstrip("0")
    if len(fraction) > digits:
        raise ValueError(f"{amount} has more than {digits} decimal places for {currency}")
    minor = int(whole + fraction.ljust(digits, "0"))
    if minor == 0:
        raise ValueError("zero amount")
    if len(str(minor)) > 18:
        raise ValueError("more than 18 digits in minor units")
    return f"CP1-PAY:{currency}:{minor}:{payee}"


def answer(keys: dict, purpose: str, question: str, unix_time: int, payment=None) -> str:
    if "-" in question:  # a compound question: the answers to its parts, joined
        return "".join(answer(keys, purpose, part, unix_time, payment) for part in question.split("-"))
    suite = f"OCRA-1:HOTP-SHA256-8:QN{len(question):02d}" + ("-S064" if purpose == "payment" else "") + "-T1M"
    message = suite.encode() + b"\x00"
    message += bytes.fromhex(format(int(question), "X").ljust(256, "0"))
    if purpose == "payment":
        message += hashlib.sha512(canonical_payment(*payment).encode()).digest()
    message += struct.pack(">q", unix_time // 60)
    mac = hmac.new(keys[purpose], message, hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[offset:offset + 4], 'big') & 0x7FFFFFFF) % 10**8:08d}"


def open_payload(text: str, keys: dict):
    signed, *seals = text.split("#")
    for seal in seals:
        key_id, tag = seal.split(".")
        if key_id == keys["keyId"]:
            expected = b64url(hmac.new(keys["payload"], signed.encode(), hashlib.sha256).digest()[:16])
            if not hmac.compare_digest(expected, tag):
                return "tampered", None
            fields = dict(field.split("=", 1) for field in signed[len("CP1?"):].split("&"))
            return "verified", {name: urllib.parse.unquote(value) for name, value in fields.items()}
    return "not for this device", None


def main() -> int:
    vectors = json.loads((pathlib.Path(__file__).resolve().parents[2] / "docs" / "protocol-vectors.json").read_text())
    checked = 0
    for vector in vectors["deviceKeys"]:
        keys = device_keys(bytes.fromhex(vector["deviceSecret"]))
        assert keys["login"].hex() == vector["loginKey"] and keys["payload"].hex() == vector["payloadKey"]
        assert keys["keyId"] == vector["keyId"]
        checked += 1
    for vector in vectors["answers"]:
        keys = device_keys(bytes.fromhex(vector["deviceSecret"]))
        payment = (vector["payee"], vector["amount"], vector["currency"]) if vector["purpose"] == "payment" else None
        got = answer(keys, vector["purpose"], vector["question"], vector["unixTime"], payment)
        assert got == vector["answer"], (vector["name"], got)
        checked += 1
    for vector in vectors["paymentEncodings"]:
        assert canonical_payment(vector["payee"], vector["amount"], vector["currency"]) == vector["canonical"]
        checked += 1
    for vector in vectors["paymentErrors"]:
        try:
            canonical_payment(vector["payee"], vector["amount"], vector["currency"])
        except ValueError:
            checked += 1
        else:
            raise AssertionError(vector)
    for vector in vectors["payloads"]:
        for secret in vector["deviceSecrets"]:
            status, fields = open_payload(vector["text"], device_keys(bytes.fromhex(secret)))
            assert status == "verified" and fields["q"] == vector["question"] and fields["rp"] == vector["relyingParty"]
            tampered = vector["text"].replace("q=", "q=9", 1)
            assert open_payload(tampered, device_keys(bytes.fromhex(secret)))[0] == "tampered"
        checked += 1
    activation = vectors["activation"]
    keys = bytes.fromhex(activation["serverPublicKey"]), bytes.fromhex(activation["clientPublicKey"])
    for vector in [activation, *vectors["activationEmails"]]:
        assert activation_email(vector["email"]) == vector["normalizedEmail"], vector["email"]
        assert transcript_hash(vector["email"], activation["activationId"], *keys).hex() == vector["transcriptHash"], vector["email"]
        checked += 1
    print(f"{checked} vectors reproduced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
