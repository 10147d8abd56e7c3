using Cipherpad.Core.Oath;

namespace Cipherpad.Core.Tests.Oath;

public sealed class OcraInputTests
{
    private static readonly byte[] Key = Convert.FromHexString("3132333435363738393031323334353637383930");

    private static OcraErrorCode ErrorOf(string suiteText, OcraInput input, byte[]? key = null)
    {
        var suite = OcraSuite.Parse(suiteText);
        Span<char> response = stackalloc char[Ocra.MaxResponseLength];
        var error = Ocra.TryCompute(suite, key ?? Key, input, response, out _);
        Assert.NotNull(error);
        return error.Code;
    }

    [Fact]
    public void A_non_digit_in_a_numeric_question_is_named() =>
        Assert.Equal(OcraErrorCode.QuestionCharacter, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("1234a678")));

    [Fact]
    public void A_non_hex_character_in_a_hex_question_is_named() =>
        Assert.Equal(OcraErrorCode.QuestionCharacter, ErrorOf("OCRA-1:HOTP-SHA1-6:QH08", new OcraInput("12G4")));

    [Fact]
    public void A_space_in_an_alphanumeric_question_is_named() =>
        Assert.Equal(OcraErrorCode.QuestionCharacter, ErrorOf("OCRA-1:HOTP-SHA1-6:QA08", new OcraInput("AB CD")));

    [Fact]
    public void An_empty_or_oversize_question_is_named()
    {
        Assert.Equal(OcraErrorCode.QuestionLength, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("")));
        Assert.Equal(OcraErrorCode.QuestionLength, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput(new string('1', 17))));
    }

    [Fact]
    public void A_missing_counter_password_or_time_is_named()
    {
        Assert.Equal(OcraErrorCode.MissingCounter, ErrorOf("OCRA-1:HOTP-SHA1-6:C-QN08", new OcraInput("12345678")));
        Assert.Equal(OcraErrorCode.PasswordHashLength, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08-PSHA256", new OcraInput("12345678")));
        Assert.Equal(OcraErrorCode.PasswordHashLength,
            ErrorOf("OCRA-1:HOTP-SHA1-6:QN08-PSHA256", new OcraInput("12345678") { PasswordHash = new byte[20] }));
        Assert.Equal(OcraErrorCode.MissingTimeStep, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08-T1M", new OcraInput("12345678")));
        Assert.Equal(OcraErrorCode.MissingTimeStep, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08-T1M", new OcraInput("12345678") { TimeStep = -1 }));
    }

    [Fact]
    public void Oversize_session_data_is_named() =>
        Assert.Equal(OcraErrorCode.SessionDataTooLong, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08-S064", new OcraInput("12345678") { Session = new byte[65] }));

    [Fact]
    public void An_input_the_suite_does_not_use_is_named()
    {
        Assert.Equal(OcraErrorCode.UnexpectedInput, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("12345678") { Counter = 1 }));
        Assert.Equal(OcraErrorCode.UnexpectedInput, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("12345678") { Session = new byte[1] }));
        Assert.Equal(OcraErrorCode.UnexpectedInput, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("12345678") { TimeStep = 1 }));
        Assert.Equal(OcraErrorCode.UnexpectedInput, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("12345678") { PasswordHash = new byte[20] }));
    }

    [Fact]
    public void An_empty_key_is_named() =>
        Assert.Equal(OcraErrorCode.EmptyKey, ErrorOf("OCRA-1:HOTP-SHA1-6:QN08", new OcraInput("12345678"), []));

    [Fact]
    public void Compute_throws_the_typed_error()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN08");
        var exception = Assert.Throws<OcraException>(() => Ocra.Compute(suite, Key, new OcraInput("x")));
        Assert.Equal(OcraErrorCode.QuestionCharacter, exception.Code);
    }

    [Fact]
    public void Session_data_is_left_padded_so_leading_zero_bytes_do_not_change_the_response()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA256-8:QN08-S064");
        var shortSession = Ocra.Compute(suite, Key, new OcraInput("12345678") { Session = [1, 2, 3] });
        var paddedSession = Ocra.Compute(suite, Key, new OcraInput("12345678") { Session = [0, 0, 1, 2, 3] });
        var otherSession = Ocra.Compute(suite, Key, new OcraInput("12345678") { Session = [1, 2, 4] });
        Assert.Equal(shortSession, paddedSession);
        Assert.NotEqual(shortSession, otherSession);
    }

    [Fact]
    public void An_odd_hex_question_is_padded_on_the_right()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QH08");
        Assert.Equal(Ocra.Compute(suite, Key, new OcraInput("ABC")), Ocra.Compute(suite, Key, new OcraInput("abc0")));
        Assert.NotEqual(Ocra.Compute(suite, Key, new OcraInput("ABC")), Ocra.Compute(suite, Key, new OcraInput("0ABC")));
    }

    [Fact]
    public void A_numeric_question_is_fed_as_its_value_so_leading_zeros_vanish()
    {
        // Why Cipherpad's protocol fixes the question length: in QN, 011111111 and 11111111 are the same number.
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN08");
        Assert.Equal("243178", Ocra.Compute(suite, Key, new OcraInput("11111111")));
        Assert.Equal("243178", Ocra.Compute(suite, Key, new OcraInput("011111111")));
    }

    [Fact]
    public void Zero_digits_means_the_whole_HMAC_in_hex()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA256-0:QN08");
        var response = Ocra.Compute(suite, Key, new OcraInput("12345678"));
        Assert.Equal(64, response.Length);
        Assert.True(Ocra.Verify(suite, Key, new OcraInput("12345678"), response));
    }

    [Fact]
    public void Verify_rejects_a_response_of_another_length()
    {
        var suite = OcraSuite.Parse("OCRA-1:HOTP-SHA1-6:QN08");
        Assert.False(Ocra.Verify(suite, Key, new OcraInput("00000000"), "2376530"));
        Assert.False(Ocra.Verify(suite, Key, new OcraInput("00000000"), "23765"));
        Assert.False(Ocra.Verify(suite, Key, new OcraInput("00000000"), ""));
    }
}
