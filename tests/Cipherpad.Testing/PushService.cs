using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cipherpad.Testing;

/// <summary>A push message as the push service received it, decrypted as the browser it is meant for would.</summary>
/// <param name="SubscriptionId">Which subscription's endpoint it was posted to.</param>
/// <param name="Plaintext">The message, decrypted (RFC 8291).</param>
/// <param name="Ciphertext">The body as posted.</param>
/// <param name="TimeToLive">The TTL header.</param>
/// <param name="Urgency">The Urgency header.</param>
/// <param name="VapidSubject">The <c>sub</c> of the VAPID token, whose signature, audience and expiry were checked.</param>
/// <param name="VapidKey">The <c>k</c> the token was signed with (base64url).</param>
public sealed record PushDelivery(string SubscriptionId, string Plaintext, byte[] Ciphertext, int TimeToLive, string? Urgency, string VapidSubject, string VapidKey);

/// <summary>A browser's side of a push subscription: the endpoint and the keys that decrypt what is posted to it.</summary>
public sealed class TestPushSubscription(string id, Uri endpoint) : IDisposable
{
    public string Id { get; } = id;
    public Uri Endpoint { get; } = endpoint;
    public ECDiffieHellman Key { get; } = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
    public byte[] Auth { get; } = RandomNumberGenerator.GetBytes(16);

    public byte[] PublicKey
    {
        get
        {
            var point = Key.ExportParameters(false).Q;
            return [0x04, .. point.X!, .. point.Y!];
        }
    }

    /// <summary>The subscription as <c>PushSubscription.toJSON()</c> writes it.</summary>
    public object ToJson() => new { endpoint = Endpoint.ToString(), expirationTime = (long?)null, keys = new { p256dh = Base64Url.EncodeToString(PublicKey), auth = Base64Url.EncodeToString(Auth) } };

    /// <summary>Decrypts an <c>aes128gcm</c> body (RFC 8188, keys of RFC 8291), one record.</summary>
    public string Decrypt(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var salt = body.AsSpan(0, 16).ToArray();
        var keyIdLength = body[20];
        var senderKey = body.AsSpan(21, keyIdLength).ToArray();
        var ciphertext = body.AsSpan(21 + keyIdLength).ToArray();
        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..65] },
        });
        var shared = Key.DeriveRawSecretAgreement(sender.PublicKey);
        var inputKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, Auth, [.. "WebPush: info\0"u8, .. PublicKey, .. senderKey]);
        var contentKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, 16, salt, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, 12, salt, "Content-Encoding: nonce\0"u8.ToArray());
        var plaintext = new byte[ciphertext.Length - 16];
        using var aes = new AesGcm(contentKey, 16);
        aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plaintext);
        var end = Array.LastIndexOf(plaintext, (byte)0x02); // the last record's padding delimiter, then zeros
        return Encoding.UTF8.GetString(plaintext, 0, end);
    }

    public void Dispose() => Key.Dispose();
}

/// <summary>
/// An RFC 8030 push service on a loopback port, for the tests: it takes what an application server posts to a
/// subscription's endpoint, checks the VAPID token (RFC 8292: ES256 signature with the key it names, audience, expiry),
/// decrypts the message with the subscription's keys, and answers 201 as a push service does.
/// </summary>
public sealed class PushService : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly Dictionary<string, TestPushSubscription> _subscriptions = [];
    private readonly Channel<PushDelivery> _deliveries = Channel.CreateUnbounded<PushDelivery>();

    public Uri Address { get; private set; } = null!;

    /// <summary>Why posts were refused: a VAPID token or an encryption the checks did not accept.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>What an endpoint answers instead of 201, to play a push service that forgot a subscription (410).</summary>
    public HttpStatusCode? Refuse { get; set; }

    public static async Task<PushService> StartAsync()
    {
        var service = new PushService();
        (service._app, service.Address) = await LoopbackApp.StartAsync(app => app.MapPost("/push/{id}", service.ReceiveAsync));
        return service;
    }

    /// <summary>A new subscription whose endpoint is on this service.</summary>
    public TestPushSubscription Subscribe()
    {
        var id = Guid.NewGuid().ToString("N");
        var subscription = new TestPushSubscription(id, new Uri(Address, $"/push/{id}"));
        lock (_subscriptions)
        {
            _subscriptions[id] = subscription;
        }
        return subscription;
    }

    /// <summary>The next message posted to any subscription, within <paramref name="timeout"/>.</summary>
    public async Task<PushDelivery> NextAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        return await _deliveries.Reader.ReadAsync(wait.Token);
    }

    /// <summary>Whether a message arrived (without waiting).</summary>
    public bool TryTake(out PushDelivery? delivery) => _deliveries.Reader.TryRead(out delivery);

    private async Task<IResult> ReceiveAsync(string id, HttpRequest request)
    {
        TestPushSubscription? subscription;
        lock (_subscriptions)
        {
            _subscriptions.TryGetValue(id, out subscription);
        }
        if (subscription is null)
        {
            return Results.NotFound();
        }
        if (Refuse is { } refusal)
        {
            return Results.StatusCode((int)refusal);
        }
        if (!string.Equals(request.Headers.ContentEncoding, "aes128gcm", StringComparison.Ordinal))
        {
            return Results.BadRequest("Content-Encoding must be aes128gcm");
        }
        try
        {
            var (subject, key) = CheckVapid(request.Headers.Authorization.ToString(), $"{Address.Scheme}://{Address.Authority}");
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            await _deliveries.Writer.WriteAsync(new PushDelivery(id, subscription.Decrypt(body), body,
                int.Parse(request.Headers["TTL"]!, System.Globalization.CultureInfo.InvariantCulture), request.Headers["Urgency"], subject, key));
            return Results.Created();
        }
        catch (Exception refused) when (refused is Xunit.Sdk.XunitException or CryptographicException or FormatException or KeyNotFoundException or IndexOutOfRangeException)
        {
            Failures.Enqueue(refused.Message);
            return Results.BadRequest();
        }
    }

    private static (string Subject, string Key) CheckVapid(string authorization, string audience)
    {
        Assert.StartsWith("vapid ", authorization, StringComparison.Ordinal);
        var fields = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        var token = fields["t"].Split('.');
        var key = Base64Url.DecodeFromChars(fields["k"]);
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = key[1..33], Y = key[33..65] } });
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(token[0] + "." + token[1]), Base64Url.DecodeFromChars(token[2]), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "the VAPID token is signed with the key it names");
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(token[1]));
        // Lib.Net.Http.WebPush writes the origin without its port, which is the origin itself for every real push service
        // (HTTPS on 443); this service listens on another port, so both spellings are taken.
        Assert.Contains(claims.RootElement.GetProperty("aud").GetString(), new[] { audience, audience[..audience.LastIndexOf(':')] });
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(24));
        return (claims.RootElement.GetProperty("sub").GetString()!, fields["k"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions.Values)
            {
                subscription.Dispose();
            }
        }
    }
}
