using Cipherpad.Core.Oath;

namespace Cipherpad.Core.Tests.Oath;

public sealed class OtpVectorTests
{
    public static TheoryData<ulong, string> Rfc4226()
    {
        using var document = TestData.Load("otp.json");
        var data = new TheoryData<ulong, string>();
        ulong counter = 0;
        foreach (var value in document.RootElement.GetProperty("hotp").GetProperty("values").EnumerateArray())
        {
            data.Add(counter++, value.GetString()!);
        }
        return data;
    }

    public static TheoryData<long, string, string, string> Rfc6238()
    {
        using var document = TestData.Load("otp.json");
        var data = new TheoryData<long, string, string, string>();
        foreach (var vector in document.RootElement.GetProperty("totp").GetProperty("vectors").EnumerateArray())
        {
            data.Add(vector.GetProperty("unixTime").GetInt64(), vector.GetProperty("hash").GetString()!,
                vector.GetProperty("key").GetString()!, vector.GetProperty("totp").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Rfc4226))]
    public void RFC_4226_appendix_D(ulong counter, string expected)
    {
        var key = "12345678901234567890"u8;
        Assert.Equal(expected, Hotp.Compute(key, counter));
    }

    [Theory]
    [MemberData(nameof(Rfc6238))]
    public void RFC_6238_appendix_B(long unixTime, string hash, string keyHex, string expected)
    {
        var algorithm = hash switch
        {
            "SHA1" => OcraHashAlgorithm.Sha1,
            "SHA256" => OcraHashAlgorithm.Sha256,
            _ => OcraHashAlgorithm.Sha512,
        };
        var totp = Hotp.ComputeTotp(Convert.FromHexString(keyHex), DateTimeOffset.FromUnixTimeSeconds(unixTime), TimeSpan.FromSeconds(30), 8, algorithm);
        Assert.Equal(expected, totp);
    }

    [Fact]
    public void There_are_ten_HOTP_and_eighteen_TOTP_vectors()
    {
        Assert.Equal(10, Rfc4226().Count);
        Assert.Equal(18, Rfc6238().Count);
    }
}
