using System.Globalization;
using Cipherpad.Core.Oath;

namespace Cipherpad.Core.Tests.Oath;

public sealed class Rfc6287VectorTests
{
    public static TheoryData<string, string, string, ulong?, string, string?, long?, string> AppendixC()
    {
        var data = new TheoryData<string, string, string, ulong?, string, string?, long?, string>();
        using var document = TestData.Load("rfc6287.json");
        foreach (var table in document.RootElement.GetProperty("tables").EnumerateArray())
        {
            foreach (var vector in table.GetProperty("vectors").EnumerateArray())
            {
                ulong? counter = vector.TryGetProperty("counter", out var c) ? c.GetUInt64() : null;
                long? timeStep = vector.OptionalString("timeStepHex") is { } hex ? long.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;
                data.Add(table.GetProperty("table").GetString()!, table.GetProperty("suite").GetString()!, table.GetProperty("key").GetString()!,
                    counter, vector.GetProperty("question").GetString()!, vector.OptionalString("passwordHash"), timeStep,
                    vector.GetProperty("response").GetString()!);
            }
        }
        return data;
    }

    [Fact]
    public void Every_table_of_appendix_C_is_present()
    {
        using var document = TestData.Load("rfc6287.json");
        var tables = document.RootElement.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(11, tables.Count);
        Assert.Equal(70, tables.Sum(t => t.GetProperty("vectors").GetArrayLength()));
    }

    [Theory]
    [MemberData(nameof(AppendixC))]
    public void Appendix_C_vector_computes_and_verifies(string table, string suiteText, string keyHex, ulong? counter, string question,
        string? passwordHashHex, long? timeStep, string expected)
    {
        _ = table;
        var suite = OcraSuite.Parse(suiteText);
        var key = Convert.FromHexString(keyHex);
        var input = new OcraInput(question)
        {
            Counter = counter,
            PasswordHash = passwordHashHex is null ? default : Convert.FromHexString(passwordHashHex),
            TimeStep = timeStep,
        };

        Assert.Equal(expected, Ocra.Compute(suite, key, input));
        Assert.True(Ocra.Verify(suite, key, input, expected));
    }

    [Fact]
    public void The_appendix_C_password_hash_is_the_SHA1_of_PIN_1234()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA256-8:QN08-PSHA1");
        Assert.Equal("7110eda4d09e062aa5e4a390b0a572ac0d2c0220", Convert.ToHexStringLower(Ocra.HashPassword(suite, "1234")));
    }

    [Fact]
    public void The_appendix_C_timestamp_is_the_minutes_since_the_epoch_of_March_2008()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA512-8:QN08-T1M");
        var time = DateTimeOffset.FromUnixTimeSeconds(0x132d0b6L * 60 + 59);
        Assert.Equal(0x132d0b6L, suite.TimeStepAt(time));
    }
}
