using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Core.Payloads;
using Cipherpad.Core.Payments;
using CsCheck;

namespace Cipherpad.Core.Tests.Protocol;

public sealed class RequestPayloadTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1790000000);
    private static readonly DeviceKeys DeviceA = new(SHA256.HashData("Cipherpad vector device A"u8));
    private static readonly DeviceKeys DeviceB = new(SHA256.HashData("Cipherpad vector device B"u8));

    private static RequestPayload PaymentRequest() => RequestPayload.ForPayment("DemoShop", "12345678",
        PaymentDetails.Create("123456789012", "12.50", "USD"), Now.AddMinutes(5));

    [Fact]
    public void A_sealed_payment_opens_as_verified_with_its_details()
    {
        var opening = RequestPayload.Open(PaymentRequest().Seal([DeviceA]), [DeviceB, DeviceA], Now);

        Assert.Equal(PayloadStatus.Verified, opening.Status);
        Assert.Same(DeviceA, opening.Device);
        Assert.Equal("Verified: pay 12.50 USD to 123456789012 at DemoShop", opening.Message);
        Assert.Equal(Purpose.Payment, opening.Payload!.Purpose);
        Assert.Equal("12345678", opening.Payload.Question);
    }

    [Fact]
    public void Changing_any_character_before_the_tags_is_detected() =>
        Gen.Select(Gen.Int[0, 1000], Gen.Char['!', '~']).Sample(t =>
        {
            var text = PaymentRequest().Seal([DeviceA]);
            var signedLength = text.IndexOf('#', StringComparison.Ordinal);
            var position = t.Item1 % signedLength;
            if (text[position] == t.Item2)
            {
                return;
            }
            var tampered = string.Concat(text.AsSpan(0, position), t.Item2.ToString(), text.AsSpan(position + 1));
            var opening = RequestPayload.Open(tampered, [DeviceA], Now);
            Assert.NotEqual(PayloadStatus.Verified, opening.Status);
            Assert.Null(opening.Payload);
        }, iter: 2_000);

    [Theory]
    [InlineData("amt=12.50", "amt=12.51")]
    [InlineData("payee=123456789012", "payee=123456789013")]
    [InlineData("cur=USD", "cur=EUR")]
    [InlineData("rp=DemoShop", "rp=EvilShop")]
    [InlineData("p=payment", "p=action")]
    public void A_changed_detail_is_reported_as_tampered(string original, string replacement)
    {
        var text = PaymentRequest().Seal([DeviceA]).Replace(original, replacement, StringComparison.Ordinal);
        var opening = RequestPayload.Open(text, [DeviceA], Now);
        Assert.Equal(PayloadStatus.Tampered, opening.Status);
        Assert.Contains("changed", opening.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_payload_is_refused()
    {
        var text = PaymentRequest().Seal([DeviceA]);
        Assert.Equal(PayloadStatus.Verified, RequestPayload.Open(text, [DeviceA], Now.AddMinutes(5).AddSeconds(-1)).Status);
        var opening = RequestPayload.Open(text, [DeviceA], Now.AddMinutes(5));
        Assert.Equal(PayloadStatus.Expired, opening.Status);
        Assert.Contains("expired", opening.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_for_other_devices_is_not_for_this_one()
    {
        var text = PaymentRequest().Seal([DeviceB]);
        Assert.Equal(PayloadStatus.NotForThisDevice, RequestPayload.Open(text, [DeviceA], Now).Status);
    }

    [Fact]
    public void A_tag_from_another_device_under_my_key_id_is_tampered()
    {
        var forB = PaymentRequest().Seal([DeviceB]);
        var forged = forB.Replace(DeviceB.KeyId, DeviceA.KeyId, StringComparison.Ordinal);
        Assert.Equal(PayloadStatus.Tampered, RequestPayload.Open(forged, [DeviceA], Now).Status);
    }

    [Fact]
    public void An_authentic_payload_with_an_unknown_field_is_malformed()
    {
        var signed = "CP1?rp=DemoShop&p=login&q=12345678&exp=1790000300&extra=1";
        var tag = Base64Url.EncodeToString(HMACSHA256.HashData(DeviceA.PayloadKey.ToArray(), Encoding.ASCII.GetBytes(signed)).AsSpan(0, 16));
        var opening = RequestPayload.Open($"{signed}#{DeviceA.KeyId}.{tag}", [DeviceA], Now);
        Assert.Equal(PayloadStatus.Malformed, opening.Status);
    }

    private static string SealedForA(string signed) =>
        $"{signed}#{DeviceA.KeyId}.{Base64Url.EncodeToString(HMACSHA256.HashData(DeviceA.PayloadKey.ToArray(), Encoding.ASCII.GetBytes(signed)).AsSpan(0, 16))}";

    [Theory]
    [InlineData("payee=123456789012&amt=12.5&cur=USD")]
    [InlineData("payee=123456789012&amt=012.50&cur=USD")]
    [InlineData("payee=123456789012&amt=12.500&cur=USD")]
    [InlineData("payee=123456789012&amt=12.50&cur=usd")]
    [InlineData("payee=%20123456789012&amt=12.50&cur=USD")]
    [InlineData("payee=123456789012&amt=1250&cur=USD")]
    public void An_authentic_payment_not_written_as_a_writer_writes_it_is_malformed(string details)
    {
        var text = SealedForA($"CP1?rp=DemoShop&p=payment&q=12345678&exp=1790000300&{details}");
        Assert.Equal(PayloadStatus.Malformed, RequestPayload.Open(text, [DeviceA], Now).Status);
    }

    [Fact]
    public void The_fields_may_come_in_any_order()
    {
        var text = SealedForA("CP1?cur=USD&amt=12.50&payee=123456789012&exp=1790000300&q=12345678&p=payment&rp=DemoShop");
        var opening = RequestPayload.Open(text, [DeviceA], Now);
        Assert.Equal(PayloadStatus.Verified, opening.Status);
        Assert.Equal(PaymentRequest(), opening.Payload);
    }

    [Fact]
    public void The_tag_is_compared_as_text_so_a_second_spelling_of_the_same_bytes_is_tampered()
    {
        var text = PaymentRequest().Seal([DeviceA]);
        // 16 bytes take 22 base64url characters; the last one carries 2 bits of the tag and 4 zero bits. Setting those
        // bits spells another text that a lenient decoder would read as the same 16 bytes.
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var last = Alphabet.IndexOf(text[^1], StringComparison.Ordinal);
        Assert.Equal(0, last & 0x0F);
        var respelled = text[..^1] + Alphabet[last | 0x01];

        Assert.Equal(PayloadStatus.Verified, RequestPayload.Open(text, [DeviceA], Now).Status);
        Assert.Equal(PayloadStatus.Tampered, RequestPayload.Open(respelled, [DeviceA], Now).Status);
        Assert.Equal(PayloadStatus.Tampered, RequestPayload.Open(text + "==", [DeviceA], Now).Status);
    }

    [Fact]
    public void Values_are_percent_encoded_keeping_only_unreserved_characters_with_capital_hex()
    {
        var printable = new string(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).ToArray());
        var text = RequestPayload.ForAction("Shop", "12345678", " " + printable + "é€😀", Now).Seal([DeviceA]);
        var encoded = text[(text.IndexOf("&d=", StringComparison.Ordinal) + 3)..text.IndexOf('#', StringComparison.Ordinal)];

        var expected = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(" " + printable + "é€😀"))
        {
            var c = (char)b;
            expected.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' ? c.ToString() : $"%{b:X2}");
        }
        Assert.Equal(expected.ToString(), encoded);
    }

    [Fact]
    public void An_ASCII_description_of_200_code_units_always_fits_beside_an_ASCII_name()
    {
        // Every character escaped (3 each), the longest question, the last expiry a reader accepts, eight devices.
        var devices = Enumerable.Range(0, 8).Select(_ => new DeviceKeys(RandomNumberGenerator.GetBytes(32))).ToList();
        var request = RequestPayload.ForAction(new string('&', 64), new string('9', 64), new string('%', 200), DateTimeOffset.FromUnixTimeSeconds(253402300799));

        Assert.True(request.SealedLength(devices.Count) <= RequestPayload.MaxTextLength, $"{request.SealedLength(devices.Count)} characters");
        Assert.Equal(PayloadStatus.Verified, RequestPayload.Open(request.Seal(devices), [devices[7]], Now).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("CP1?rp=x")]
    [InlineData("CP1?rp=x#")]
    [InlineData("CP1?rp=x#abc")]
    [InlineData("CP2?rp=DemoShop&p=login&q=12345678&exp=1790000300#C-2AEI78.Bx9L_soVP_xqu16vFQHZ4w")]
    public void Garbage_is_malformed(string? text) =>
        Assert.Equal(PayloadStatus.Malformed, RequestPayload.Open(text, [DeviceA], Now).Status);

    [Fact]
    public void Opening_random_text_never_throws() =>
        Gen.String[0, 1500].Sample(text =>
        {
            var opening = RequestPayload.Open("CP1?" + text, [DeviceA, DeviceB], Now);
            Assert.NotEqual(PayloadStatus.Verified, opening.Status);
        }, iter: 5_000);

    [Fact]
    public void Invalid_requests_cannot_be_made()
    {
        Assert.Throws<ArgumentException>(() => RequestPayload.ForLogin("", "12345678", Now));
        Assert.Throws<ArgumentException>(() => RequestPayload.ForLogin(new string('x', 65), "12345678", Now));
        Assert.Throws<ArgumentException>(() => RequestPayload.ForLogin("Shop", "1234", Now));
        Assert.Throws<ArgumentException>(() => RequestPayload.ForAction("Shop", "12345678", "line\nbreak", Now));
        Assert.Throws<ArgumentException>(() => RequestPayload.ForLogin("Shop", "12345678", Now).Seal([]));
    }

    [Fact]
    public void A_payload_fits_a_QR_code_for_eight_devices()
    {
        var devices = Enumerable.Range(0, 8).Select(_ => new DeviceKeys(RandomNumberGenerator.GetBytes(32))).ToList();
        var text = RequestPayload.ForAction("Demo Shop", "12345678", new string('x', 200), Now).Seal(devices);
        Assert.True(text.Length <= RequestPayload.MaxTextLength, $"{text.Length} characters");
    }

    [Fact]
    public void A_sealed_text_names_as_many_devices_as_it_was_sealed_for_whatever_its_details_say()
    {
        var request = RequestPayload.ForAction("Shop #1", "12345678", "order #42 ## of #3", Now);

        Assert.Equal(1, RequestPayload.DevicesSealedFor(request.Seal([DeviceA])));
        Assert.Equal(2, RequestPayload.DevicesSealedFor(request.Seal([DeviceA, DeviceB])));
    }
}
