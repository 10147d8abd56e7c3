using Cipherpad.Core.Oath;

namespace Cipherpad.Core.Tests.Oath;

public sealed class OcraSuiteTests
{
    [Fact]
    public void A_full_suite_parses_into_its_parts()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA512-10:C-QH40-PSHA256-S128-T30S");

        Assert.Equal(OcraHashAlgorithm.Sha512, suite.Hash);
        Assert.Equal(10, suite.Digits);
        Assert.True(suite.UsesCounter);
        Assert.Equal(OcraQuestionFormat.Hex, suite.QuestionFormat);
        Assert.Equal(40, suite.QuestionMaxLength);
        Assert.Equal(OcraHashAlgorithm.Sha256, suite.PasswordHash);
        Assert.Equal(128, suite.SessionLength);
        Assert.Equal(TimeSpan.FromSeconds(30), suite.TimeStep);
        Assert.Equal("OCRA-1:HOTP-SHA512-10:C-QH40-PSHA256-S128-T30S".Length + 1 + 8 + 128 + 32 + 128 + 8, suite.MessageLength);
    }

    [Theory]
    [InlineData("T59S", 59)]
    [InlineData("T1M", 60)]
    [InlineData("T59M", 3540)]
    [InlineData("T1H", 3600)]
    [InlineData("T48H", 172800)]
    public void Every_time_step_unit_parses(string timeInput, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OcraSuite.Parse($"OCRA-1:HOTP-SHA1-6:QN08-{timeInput}").TimeStep);

    [Theory]
    [InlineData("", OcraErrorCode.SuiteSyntax)]
    [InlineData("OCRA-1:HOTP-SHA1-6", OcraErrorCode.SuiteSyntax)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08:X", OcraErrorCode.SuiteSyntax)]
    [InlineData("OCRA-2:HOTP-SHA1-6:QN08", OcraErrorCode.UnsupportedVersion)]
    [InlineData("OCRA-1:TOTP-SHA1-6:QN08", OcraErrorCode.SuiteSyntax)]
    [InlineData("OCRA-1:HOTP-MD5-6:QN08", OcraErrorCode.UnsupportedHash)]
    [InlineData("OCRA-1:HOTP-sha1-6:QN08", OcraErrorCode.UnsupportedHash)]
    [InlineData("OCRA-1:HOTP-SHA1-3:QN08", OcraErrorCode.DigitsOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-11:QN08", OcraErrorCode.DigitsOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-+6:QN08", OcraErrorCode.DigitsOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-6:C", OcraErrorCode.MissingQuestionInput)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QX08", OcraErrorCode.QuestionFormat)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN03", OcraErrorCode.QuestionFormat)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN65", OcraErrorCode.QuestionFormat)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN8", OcraErrorCode.QuestionFormat)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-PMD5", OcraErrorCode.UnsupportedPasswordHash)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-S100", OcraErrorCode.SessionLengthUnsupported)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-S64", OcraErrorCode.SessionLengthUnsupported)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-T60S", OcraErrorCode.TimeStepOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-T49H", OcraErrorCode.TimeStepOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-T0H", OcraErrorCode.TimeStepOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-T1D", OcraErrorCode.TimeStepOutOfRange)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-C", OcraErrorCode.UnknownDataInput)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-QN08", OcraErrorCode.UnknownDataInput)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-T1M-S064", OcraErrorCode.UnknownDataInput)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08-X", OcraErrorCode.UnknownDataInput)]
    [InlineData("OCRA-1:HOTP-SHA1-6:QN08--T1M", OcraErrorCode.UnknownDataInput)]
    [InlineData("OCRA-1:HOTP-SHA1-6:CC-QN08", OcraErrorCode.UnknownDataInput)]
    public void A_malformed_suite_names_what_is_wrong(string text, OcraErrorCode expected)
    {
        Assert.False(OcraSuite.TryParse(text, out var suite, out var error));
        Assert.Null(suite);
        Assert.Equal(expected, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        var exception = Assert.Throws<OcraException>(() => OcraSuite.Parse(text));
        Assert.Equal(expected, exception.Code);
    }

    [Fact]
    public void Equal_suites_are_equal_by_text()
    {
        Assert.Equal(OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN08"), OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN08"));
        Assert.NotEqual(OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN08"), OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN10"));
    }
}
