using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Testing;
using Microsoft.Playwright;

namespace Cipherpad.Server.Tests.Pad;

/// <summary>
/// The phone pad's protocol code (<c>wwwroot/pad/protocol.js</c>, WebCrypto in Chromium) against Cipherpad.Core: every
/// vector of docs/protocol-vectors.json, and request payloads Core accepts or refuses, read the same way.
/// </summary>
public sealed class PadProtocolTests() : BrowserTests(new CipherpadFactory(DatabaseProvider.Sqlite, null))
{
    private IPage _page = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _page = await Browser.NewPageAsync();
        await _page.GotoAsync(new Uri(ServerAddress, "/pad/").ToString());
    }

    private const string ComputeVectors = """
        async (vectorsText) => {
          const vectors = JSON.parse(vectorsText);
          const p = await import('/pad/protocol.js');
          const empty = new Uint8Array(0);
          const text = new TextEncoder();
          const accountsOf = (secrets) => Promise.all(secrets.map(async (s) => ({ keys: await p.deviceKeys(p.fromHex(s)) })));
          const out = { deviceKeys: [], answers: [], paymentEncodings: [], paymentErrors: [], payloads: [], activationEmails: [] };
          for (const v of vectors.deviceKeys) {
            const secret = p.fromHex(v.deviceSecret);
            const key = async (label) => p.hex(await p.hkdf(secret, empty, text.encode(label), 32));
            out.deviceKeys.push({ loginKey: await key(p.keyLabels.login), actionKey: await key(p.keyLabels.action),
              paymentKey: await key(p.keyLabels.payment), payloadKey: await key(p.keyLabels.payload), keyId: (await p.deviceKeys(secret)).keyId,
              padRequestKey: await key(p.keyLabels.padRequest) });
          }
          for (const v of vectors.answers) {
            const keys = await p.deviceKeys(p.fromHex(v.deviceSecret));
            const payment = v.purpose === 'payment' ? await p.paymentDetails(v.payee, v.amount, v.currency) : null;
            const answer = await p.answer(keys, v.purpose, v.question, v.unixTime, payment);
            out.answers.push({ name: v.name, answer, grouped: p.groupAnswer(answer), suite: p.ocraSuite(v.purpose, v.question.split('-')[0].length),
              canonicalPayment: payment?.canonicalText ?? null, sessionData: payment ? p.hex(payment.sessionData) : null });
          }
          for (const v of vectors.paymentEncodings) {
            const payment = await p.paymentDetails(v.payee, v.amount, v.currency);
            out.paymentEncodings.push({ canonical: payment.canonicalText, display: payment.text });
          }
          for (const v of vectors.paymentErrors) {
            try { await p.paymentDetails(v.payee, v.amount, v.currency); out.paymentErrors.push('accepted'); }
            catch (error) { out.paymentErrors.push(error.code ?? error.message); }
          }
          const stranger = await accountsOf(['00'.repeat(32)]);
          for (const v of vectors.payloads) {
            const accounts = await accountsOf(v.deviceSecrets);
            const open = await p.openPayload(v.text, accounts, v.expiresAt - 1);
            const changed = v.text.replace('q=', 'q=1').replace(/q=1(\d)/, 'q=$1').replace(/&q=(\d)/, (m, d) => `&q=${(Number(d) + 1) % 10}`);
            out.payloads.push({ status: open.status, message: open.message,
              atExpiry: (await p.openPayload(v.text, accounts, v.expiresAt)).status,
              changed: (await p.openPayload(changed, accounts, v.expiresAt - 1)).status,
              stranger: (await p.openPayload(v.text, stranger, v.expiresAt - 1)).status });
          }
          out.padRequests = [];
          for (const v of vectors.padRequests) {
            const body = text.encode(v.body);
            out.padRequests.push({ text: await p.padRequestText(v.method, v.path, v.unixTime, body),
              authorization: await p.padRequestAuthorization(await p.deviceKeys(p.fromHex(v.deviceSecret)), 'DEVICE', v.method, v.path, v.unixTime, body) });
          }
          const a = vectors.activation;
          const clientPublic = p.fromHex(a.clientPublicKey);
          const curve = { name: 'ECDH', namedCurve: 'P-256' };
          const clientKeyPair = {
            privateKey: await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', d: p.base64url(p.fromHex(a.clientPrivateKey)),
              x: p.base64url(clientPublic.slice(1, 33)), y: p.base64url(clientPublic.slice(33)) }, curve, false, ['deriveBits']),
            publicKey: await crypto.subtle.importKey('raw', clientPublic, curve, true, []),
          };
          const agree = (email) => p.agreeActivation({ email, activationId: a.activationId, serverPublicKey: p.fromHex(a.serverPublicKey), code: a.activationCode, clientKeyPair });
          const agreement = await agree(a.email);
          out.activation = { normalizedEmail: p.normalizeEmail(a.email), activationCodeDigits: p.activationCodeDigits(a.activationCode),
            clientPublicKey: p.hex(agreement.clientPublicKey), transcriptHash: p.hex(agreement.transcriptHash),
            clientConfirmation: p.hex(agreement.clientConfirmation), serverConfirmation: p.hex(agreement.expectedServerConfirmation),
            deviceSecret: p.hex(agreement.deviceSecret), serverConfirms: p.confirmServer(agreement, p.fromHex(a.serverConfirmation)),
            otherServerConfirms: p.confirmServer(agreement, p.fromHex(a.clientConfirmation)) };
          for (const v of vectors.activationEmails) {
            out.activationEmails.push({ normalizedEmail: p.normalizeEmail(v.email), transcriptHash: p.hex((await agree(v.email)).transcriptHash) });
          }
          return JSON.stringify(out);
        }
        """;

    [Fact]
    public async Task The_pad_reproduces_every_protocol_vector_in_the_browser()
    {
        var vectorsText = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "vectors", "protocol-vectors.json"));
        using var vectors = JsonDocument.Parse(vectorsText);
        using var computed = JsonDocument.Parse(await _page.EvaluateAsync<string>(ComputeVectors, vectorsText));
        var expected = vectors.RootElement;
        var actual = computed.RootElement;

        foreach (var (want, got) in expected.GetProperty("deviceKeys").EnumerateArray().Zip(actual.GetProperty("deviceKeys").EnumerateArray()))
        {
            foreach (var name in new[] { "loginKey", "actionKey", "paymentKey", "payloadKey", "keyId", "padRequestKey" })
            {
                Assert.Equal(want.GetProperty(name).GetString(), got.GetProperty(name).GetString());
            }
        }
        Assert.Equal(expected.GetProperty("answers").GetArrayLength(), actual.GetProperty("answers").GetArrayLength());
        foreach (var (want, got) in expected.GetProperty("answers").EnumerateArray().Zip(actual.GetProperty("answers").EnumerateArray()))
        {
            var name = want.GetProperty("name").GetString();
            Assert.Equal((name, want.GetProperty("answer").GetString()), (name, got.GetProperty("answer").GetString()));
            Assert.Equal((name, want.GetProperty("grouped").GetString()), (name, got.GetProperty("grouped").GetString()));
            Assert.Equal((name, want.GetProperty("suite").GetString()), (name, got.GetProperty("suite").GetString()));
            if (want.TryGetProperty("canonicalPayment", out var canonical))
            {
                Assert.Equal((name, canonical.GetString()), (name, got.GetProperty("canonicalPayment").GetString()));
                Assert.Equal((name, want.GetProperty("sessionData").GetString()), (name, got.GetProperty("sessionData").GetString()));
            }
        }
        foreach (var (want, got) in expected.GetProperty("paymentEncodings").EnumerateArray().Zip(actual.GetProperty("paymentEncodings").EnumerateArray()))
        {
            Assert.Equal(want.GetProperty("canonical").GetString(), got.GetProperty("canonical").GetString());
            Assert.Equal(want.GetProperty("display").GetString(), got.GetProperty("display").GetString());
        }
        Assert.Equal(expected.GetProperty("paymentErrors").EnumerateArray().Select(e => e.GetProperty("error").GetString()),
            actual.GetProperty("paymentErrors").EnumerateArray().Select(e => e.GetString()));
        foreach (var (want, got) in expected.GetProperty("payloads").EnumerateArray().Zip(actual.GetProperty("payloads").EnumerateArray()))
        {
            Assert.Equal("verified", got.GetProperty("status").GetString());
            Assert.Equal(want.GetProperty("display").GetString(), got.GetProperty("message").GetString());
            Assert.Equal("expired", got.GetProperty("atExpiry").GetString());
            Assert.Equal("tampered", got.GetProperty("changed").GetString());
            Assert.Equal("not-for-this-device", got.GetProperty("stranger").GetString());
        }
        foreach (var (want, got) in expected.GetProperty("padRequests").EnumerateArray().Zip(actual.GetProperty("padRequests").EnumerateArray()))
        {
            Assert.Equal(want.GetProperty("text").GetString(), got.GetProperty("text").GetString());
            Assert.Equal($"CipherpadPad device=DEVICE, time={want.GetProperty("unixTime").GetInt64()}, mac={want.GetProperty("mac").GetString()}",
                got.GetProperty("authorization").GetString());
        }
        var activation = expected.GetProperty("activation");
        var agreed = actual.GetProperty("activation");
        foreach (var name in new[] { "normalizedEmail", "activationCodeDigits", "clientPublicKey", "transcriptHash", "clientConfirmation", "serverConfirmation", "deviceSecret" })
        {
            Assert.Equal((name, activation.GetProperty(name).GetString()), (name, agreed.GetProperty(name).GetString()));
        }
        Assert.True(agreed.GetProperty("serverConfirms").GetBoolean());
        Assert.False(agreed.GetProperty("otherServerConfirms").GetBoolean());
        Assert.Equal(expected.GetProperty("activationEmails").EnumerateArray().Select(e => (e.GetProperty("normalizedEmail").GetString(), e.GetProperty("transcriptHash").GetString())),
            actual.GetProperty("activationEmails").EnumerateArray().Select(e => (e.GetProperty("normalizedEmail").GetString(), e.GetProperty("transcriptHash").GetString())));
    }

    /// <summary>
    /// Bodies a server could seal (each is given a valid tag here), edge cases of the payload grammar: the pad reads each one
    /// as Core does: verified (with the same text shown), malformed or expired.
    /// </summary>
    private static readonly string[] EdgeCaseBodies =
    [
        "rp=Demo%20Shop&p=login&q=12345678&exp=1790000300",
        "p=login&rp=Demo%20Shop&exp=1790000300&q=12345678",
        "rp=Demo+Shop&p=login&q=12345678&exp=1790000300",
        "rp=Demo%2bShop%c3%a9&p=login&q=12345678&exp=1790000300",
        "rp=%E2%80%AEevil&p=login&q=12345678&exp=1790000300",
        "rp=%07bell&p=login&q=12345678&exp=1790000300",
        "rp=%C2%85&p=login&q=12345678&exp=1790000300",
        "rp=%E3%80%80&p=login&q=12345678&exp=1790000300",
        "rp=%zz&p=login&q=12345678&exp=1790000300",
        "rp=%C3&p=login&q=12345678&exp=1790000300",
        "rp=%C3%A9%C3&p=login&q=12345678&exp=1790000300",
        "rp=%&p=login&q=12345678&exp=1790000300",
        "rp=%2&p=login&q=12345678&exp=1790000300",
        "rp=&p=login&q=12345678&exp=1790000300",
        "rp=Shop&p=login&q=12345678&exp=1790000300&rp=Other",
        "rp=Shop&p=login&q=12345678&exp=1790000300&x=1",
        "rp=Shop&p=login&q=12345678&exp=1790000300&",
        "rp=Shop&p=login&q=12345678&exp=1790000300&=1",
        "rp=Shop&p=LOGIN&q=12345678&exp=1790000300",
        "rp=Shop&p=login&q=12345&exp=1790000300",
        "rp=Shop&p=login&q=12345678-87654321&exp=1790000300",
        "rp=Shop&p=login&q=12345678-87654321-11112222&exp=1790000300",
        "rp=Shop&p=login&q=12345678-87654321-11112222-33334444&exp=1790000300",
        "rp=Shop&p=login&q=12345678-8765432&exp=1790000300",
        "rp=Shop&p=login&q=12345678-&exp=1790000300",
        "rp=Shop&p=login&q=%31%32%33%34%35%36%37%38&exp=1790000300",
        "rp=Shop&p=login&q=12345678&exp=1790000000",
        "rp=Shop&p=login&q=12345678&exp=253402300799",
        "rp=Shop&p=login&q=12345678&exp=253402300800",
        "rp=Shop&p=login&q=12345678&exp=+1790000300",
        "rp=Shop&p=login&q=12345678&exp=",
        "rp=Shop&p=login&q=12345678&exp=0001790000300",
        "rp=Shop&p=action&q=12345678&exp=1790000300&d=Add%20Ann",
        "rp=Shop&p=action&q=12345678&exp=1790000300",
        "rp=Shop&p=action&q=12345678&exp=1790000300&d=%20%20",
        "rp=Shop&p=action&q=12345678&exp=1790000300&d=line%0Abreak",
        "rp=Shop&p=login&q=12345678&exp=1790000300&d=Add",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=12.50&cur=USD",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=12.5&cur=USD",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=012.50&cur=USD",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=1250&cur=USD",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=12.50&cur=usd",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=%20123&amt=12.50&cur=USD",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=1500&cur=JPY",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=0.050&cur=KWD",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=12.50",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=123&amt=12.50&cur=USD&d=x",
        "rp=Shop&p=payment&q=12345678&exp=1790000300&payee=12%203&amt=12.50&cur=USD",
    ];

    [Fact]
    public async Task The_pad_reads_sealed_requests_as_Core_does()
    {
        var secret = SHA256.HashData("Cipherpad vector device A"u8);
        var payloadKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, [], "Cipherpad v1 payload"u8.ToArray());
        var now = DateTimeOffset.FromUnixTimeSeconds(1790000000);
        using var keys = new DeviceKeys(secret);
        var texts = EdgeCaseBodies.Select(body => RequestPayload.Prefix + body)
            .Select(signed => $"{signed}#C-2AEI78.{Base64Url.EncodeToString(HMACSHA256.HashData(payloadKey, Encoding.ASCII.GetBytes(signed)).AsSpan(0, 16))}")
            .ToList();

        var pad = await _page.EvaluateAsync<string>("""
            async ([texts, secret, now]) => {
              const p = await import('/pad/protocol.js');
              const accounts = [{ keys: await p.deviceKeys(p.fromHex(secret)) }];
              const results = [];
              for (const text of texts) {
                const opened = await p.openPayload(text, accounts, now);
                results.push(opened.status === 'verified' ? opened.message : opened.status);
              }
              return JSON.stringify(results);
            }
            """, new object[] { texts.ToArray(), Convert.ToHexStringLower(secret), 1790000000 });

        var core = texts.Select(text => RequestPayload.Open(text, [keys], now)).Select(opened => opened.Status switch
        {
            PayloadStatus.Verified => opened.Message,
            PayloadStatus.Expired => "expired",
            PayloadStatus.Tampered => "tampered",
            PayloadStatus.NotForThisDevice => "not-for-this-device",
            _ => "malformed",
        });
        Assert.Equal(EdgeCaseBodies.Zip(core), EdgeCaseBodies.Zip(JsonSerializer.Deserialize<string[]>(pad)!));
        Assert.Contains(core, result => result.StartsWith("Verified", StringComparison.Ordinal));
        Assert.Contains("malformed", core);
        Assert.Contains("expired", core);
    }
}
