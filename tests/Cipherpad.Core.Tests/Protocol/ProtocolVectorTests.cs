using System.Security.Cryptography;
using System.Text.Json;
using Cipherpad.Core.Activation;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Core.Payments;

namespace Cipherpad.Core.Tests.Protocol;

/// <summary>Every vector in docs/protocol-vectors.json is reproduced by the code, and quoted in docs/protocol.md.</summary>
public sealed class ProtocolVectorTests
{
    private static JsonElement Vectors(string section)
    {
        using var document = TestData.Load("protocol-vectors.json");
        return document.RootElement.GetProperty(section).Clone();
    }

    private static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var vector in Vectors(section).EnumerateArray())
        {
            data.Add(vector.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static JsonElement Named(string section, string name) =>
        Vectors(section).EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    public static TheoryData<string> AnswerNames() => Names("answers");

    public static TheoryData<string> PayloadNames() => Names("payloads");

    [Fact]
    public void Device_keys_are_derived_as_the_vectors_say()
    {
        foreach (var vector in Vectors("deviceKeys").EnumerateArray())
        {
            using var keys = new DeviceKeys(Convert.FromHexString(vector.GetProperty("deviceSecret").GetString()!));
            Assert.Equal(vector.GetProperty("loginKey").GetString(), Convert.ToHexStringLower(keys.AnswerKey(Purpose.Login)));
            Assert.Equal(vector.GetProperty("actionKey").GetString(), Convert.ToHexStringLower(keys.AnswerKey(Purpose.Action)));
            Assert.Equal(vector.GetProperty("paymentKey").GetString(), Convert.ToHexStringLower(keys.AnswerKey(Purpose.Payment)));
            Assert.Equal(vector.GetProperty("payloadKey").GetString(), Convert.ToHexStringLower(keys.PayloadKey));
            Assert.Equal(vector.GetProperty("keyId").GetString(), keys.KeyId);
            Assert.Equal(vector.GetProperty("padRequestKey").GetString(), Convert.ToHexStringLower(keys.PadRequestKey));
        }
    }

    [Fact]
    public void Pad_requests_are_signed_as_the_vectors_say_and_a_changed_part_fails()
    {
        foreach (var vector in Vectors("padRequests").EnumerateArray())
        {
            using var keys = new DeviceKeys(Convert.FromHexString(vector.GetProperty("deviceSecret").GetString()!));
            var (method, path, time) = (vector.GetProperty("method").GetString()!, vector.GetProperty("path").GetString()!, vector.GetProperty("unixTime").GetInt64());
            var body = System.Text.Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!);
            var mac = vector.GetProperty("mac").GetString()!;
            Assert.Equal(vector.GetProperty("text").GetString(), PadRequest.Text(method, path, time, body));
            Assert.Equal(mac, PadRequest.Mac(keys, method, path, time, body));
            Assert.True(PadRequest.Verify(keys, method, path, time, body, mac));
            Assert.False(PadRequest.Verify(keys, method, path + "x", time, body, mac));
            Assert.False(PadRequest.Verify(keys, method, path, time + 1, body, mac));
            Assert.False(PadRequest.Verify(keys, method, path, time, [.. body, (byte)' '], mac));
            Assert.False(PadRequest.Verify(keys, "PUT", path, time, body, mac));
        }
    }

    [Theory]
    [MemberData(nameof(AnswerNames))]
    public void Answer_vector_is_computed_and_verified(string name)
    {
        var vector = Named("answers", name);
        using var keys = new DeviceKeys(Convert.FromHexString(vector.GetProperty("deviceSecret").GetString()!));
        Assert.True(Purposes.TryParseWireName(vector.GetProperty("purpose").GetString(), out var purpose));
        var question = vector.GetProperty("question").GetString()!;
        var now = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("unixTime").GetInt64());
        PaymentDetails? payment = null;
        if (purpose == Purpose.Payment)
        {
            payment = PaymentDetails.Create(vector.GetProperty("payee").GetString()!, vector.GetProperty("amount").GetString()!,
                vector.GetProperty("currency").GetString()!);
            Assert.Equal(vector.GetProperty("canonicalPayment").GetString(), payment.CanonicalText);
            Assert.Equal(vector.GetProperty("sessionData").GetString(), Convert.ToHexStringLower(payment.SessionData));
        }
        var suite = AnswerSuites.For(purpose, question.Split(Question.Separator)[0].Length); // each part of a compound question has its own
        Assert.Equal(vector.GetProperty("suite").GetString(), suite.Text);
        Assert.Equal(vector.GetProperty("timeStep").GetInt64(), suite.TimeStepAt(now));

        var answer = Answer.Compute(keys, purpose, question, now, payment);

        Assert.Equal(vector.GetProperty("answer").GetString(), answer);
        Assert.Equal(vector.GetProperty("grouped").GetString(), Answer.Group(answer));
        Assert.Equal(AnswerVerdict.Correct, Answer.Verify(keys, purpose, question, payment, vector.GetProperty("grouped").GetString(), now, TimeWindow.Default));
    }

    [Fact]
    public void Payment_encodings_and_errors_are_as_the_vectors_say()
    {
        foreach (var vector in Vectors("paymentEncodings").EnumerateArray())
        {
            var payment = PaymentDetails.Create(vector.GetProperty("payee").GetString()!, vector.GetProperty("amount").GetString()!,
                vector.GetProperty("currency").GetString()!);
            Assert.Equal(vector.GetProperty("canonical").GetString(), payment.CanonicalText);
            Assert.Equal(vector.GetProperty("display").GetString(), payment.ToString());
        }
        foreach (var vector in Vectors("paymentErrors").EnumerateArray())
        {
            Assert.False(PaymentDetails.TryCreate(vector.GetProperty("payee").GetString(), vector.GetProperty("amount").GetString(),
                vector.GetProperty("currency").GetString(), out _, out var error));
            Assert.Equal(vector.GetProperty("error").GetString(), error.Code.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(PayloadNames))]
    public void Payload_vector_is_sealed_and_opened(string name)
    {
        var vector = Named("payloads", name);
        var devices = vector.GetProperty("deviceSecrets").EnumerateArray()
            .Select(s => new DeviceKeys(Convert.FromHexString(s.GetString()!))).ToList();
        var relyingParty = vector.GetProperty("relyingParty").GetString()!;
        var question = vector.GetProperty("question").GetString()!;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(vector.GetProperty("expiresAt").GetInt64());
        var payload = vector.GetProperty("purpose").GetString() switch
        {
            "login" => RequestPayload.ForLogin(relyingParty, question, expiresAt),
            "action" => RequestPayload.ForAction(relyingParty, question, vector.GetProperty("description").GetString()!, expiresAt),
            _ => RequestPayload.ForPayment(relyingParty, question, PaymentDetails.Create(vector.GetProperty("payee").GetString()!,
                vector.GetProperty("amount").GetString()!, vector.GetProperty("currency").GetString()!), expiresAt),
        };
        var text = vector.GetProperty("text").GetString()!;

        Assert.Equal(text, payload.Seal(devices));
        foreach (var device in devices)
        {
            var opening = RequestPayload.Open(text, [device], expiresAt.AddSeconds(-1));
            Assert.Equal(PayloadStatus.Verified, opening.Status);
            Assert.Equal(payload, opening.Payload);
            Assert.Same(device, opening.Device);
            Assert.Equal(vector.GetProperty("display").GetString(), opening.Message);
        }
    }

    [Fact]
    public void Activation_vector_is_reproduced_step_by_step()
    {
        var vector = Vectors("activation");
        string Hex(string name) => vector.GetProperty(name).GetString()!;
        using var serverKey = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = Convert.FromHexString(Hex("serverPrivateKey")) });
        using var clientKey = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = Convert.FromHexString(Hex("clientPrivateKey")) });
        var email = Hex("email");
        var activationId = Hex("activationId");
        var code = Hex("activationCode");

        using var server = ActivationServer.Start(serverKey);
        Assert.Equal(Hex("serverPublicKey"), Convert.ToHexStringLower(server.ServerPublicKey));
        using var client = ActivationClient.Begin(email, activationId, code, server.ServerPublicKey, clientKey);
        Assert.NotNull(client);
        Assert.Equal(Hex("clientPublicKey"), Convert.ToHexStringLower(client.ClientPublicKey));
        Assert.Equal(Hex("normalizedEmail"), KeyAgreement.NormalizeEmail(email));
        Assert.Equal(Hex("activationCodeDigits"), ActivationCode.Normalize(code));
        Assert.Equal(Hex("sharedSecret"), Convert.ToHexStringLower(clientKey.DeriveRawSecretAgreement(serverKey.PublicKey)));
        var transcriptHash = KeyAgreement.TranscriptHash(email, activationId, server.ServerPublicKey, client.ClientPublicKey);
        Assert.Equal(Hex("transcriptHash"), Convert.ToHexStringLower(transcriptHash));
        using (var keys = KeyAgreement.Derive(clientKey, server.ServerPublicKey, Hex("activationCodeDigits"), transcriptHash)!)
        {
            Assert.Equal(Hex("clientConfirmKey"), Convert.ToHexStringLower(keys.ClientConfirmKey));
            Assert.Equal(Hex("serverConfirmKey"), Convert.ToHexStringLower(keys.ServerConfirmKey));
        }
        Assert.Equal(Hex("clientConfirmation"), Convert.ToHexStringLower(client.ClientConfirmation));

        var result = server.Finish(email, activationId, code, client.ClientPublicKey, client.ClientConfirmation);

        Assert.True(result.Succeeded);
        Assert.Equal(Hex("serverConfirmation"), Convert.ToHexStringLower(result.ServerConfirmation!));
        Assert.Equal(Hex("deviceSecret"), Convert.ToHexStringLower(result.DeviceSecret!));
        Assert.Equal(Hex("deviceSecret"), Convert.ToHexStringLower(client.Finish(result.ServerConfirmation)!));
    }

    [Fact]
    public void Activation_binds_the_e_mail_with_only_ascii_letters_lowercased_and_section_4_white_space_trimmed()
    {
        var activation = Vectors("activation");
        string Hex(string name) => activation.GetProperty(name).GetString()!;
        var serverPublicKey = Convert.FromHexString(Hex("serverPublicKey"));
        var clientPublicKey = Convert.FromHexString(Hex("clientPublicKey"));

        foreach (var vector in Vectors("activationEmails").EnumerateArray())
        {
            var email = vector.GetProperty("email").GetString()!;
            Assert.Equal(vector.GetProperty("normalizedEmail").GetString(), KeyAgreement.NormalizeEmail(email));
            Assert.Equal(vector.GetProperty("transcriptHash").GetString(),
                Convert.ToHexStringLower(KeyAgreement.TranscriptHash(email, Hex("activationId"), serverPublicKey, clientPublicKey)));
        }
    }

    [Fact]
    public void Protocol_document_quotes_every_vector_output()
    {
        var document = TestData.ReadText("protocol.md");
        var quoted = new List<string>();
        foreach (var vector in Vectors("answers").EnumerateArray())
        {
            quoted.Add(vector.GetProperty("answer").GetString()!);
            if (vector.TryGetProperty("canonicalPayment", out var canonical))
            {
                quoted.Add(canonical.GetString()!);
            }
        }
        foreach (var vector in Vectors("deviceKeys").EnumerateArray())
        {
            quoted.AddRange(vector.EnumerateObject().Select(p => p.Value.GetString()!));
        }
        foreach (var vector in Vectors("paymentEncodings").EnumerateArray())
        {
            quoted.Add(vector.GetProperty("canonical").GetString()!);
        }
        foreach (var vector in Vectors("payloads").EnumerateArray())
        {
            quoted.Add(vector.GetProperty("text").GetString()!);
        }
        quoted.AddRange(Vectors("activation").EnumerateObject().Select(p => p.Value.GetString()!));
        quoted.AddRange(Vectors("padRequests").EnumerateArray().Select(v => v.GetProperty("mac").GetString()!));
        foreach (var vector in Vectors("activationEmails").EnumerateArray())
        {
            quoted.Add(vector.GetProperty("normalizedEmail").GetString()!);
            quoted.Add(vector.GetProperty("transcriptHash").GetString()!);
        }

        var missing = quoted.Where(value => !document.Contains(value, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/protocol.md does not quote: " + string.Join(", ", missing));
    }
}
