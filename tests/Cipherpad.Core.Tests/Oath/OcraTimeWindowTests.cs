using Cipherpad.Core.Oath;
using CsCheck;

namespace Cipherpad.Core.Tests.Oath;

/// <summary>The window verify is exactly "one of the single verifies of its steps", at the edges too.</summary>
public sealed class OcraTimeWindowTests
{
    private static readonly byte[] Key = Convert.FromHexString("3132333435363738393031323334353637383930313233343536373839303132");
    private static readonly OcraSuite Suite = OcraSuite.Parse("OCRA-1:HOTP-SHA256-8:QN08-S064-T1M");

    private static OcraInput At(long timeStep) => new("12345678") { Session = [1, 2, 3], TimeStep = timeStep };

    [Fact]
    public void A_window_accepts_exactly_what_one_of_its_steps_accepts() =>
        Gen.Select(
                Gen.OneOf("OCRA-1:HOTP-SHA256-8:QN08-T1M", "OCRA-1:HOTP-SHA1-6:C-QH40-T30S", "OCRA-1:HOTP-SHA512-0:QA10-PSHA1-S128-T1H"),
                Gen.Byte.Array[1, 64], Gen.Long[8, 1L << 40], Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int[-8, 8], Gen.Bool)
            .Sample(t =>
            {
                var (suiteText, key, now, past, future, madeAt, tamper) = t;
                var suite = OcraSuite.Parse(suiteText);
                OcraInput Input(long step) => new(suite.QuestionFormat == OcraQuestionFormat.Alphanumeric ? "SIG1000000" : "1234567890")
                {
                    Counter = suite.UsesCounter ? 42UL : null,
                    PasswordHash = suite.PasswordHash is null ? default : new byte[20],
                    Session = suite.SessionLength == 0 ? default : new byte[] { 9, 8, 7 },
                    TimeStep = step,
                };
                var response = Ocra.Compute(suite, key, Input(now + madeAt)).ToCharArray();
                if (tamper)
                {
                    response[0] = response[0] == '1' ? '2' : '1';
                }
                var anyStep = false;
                for (var step = Math.Max(0, now - past); step <= now + future; step++)
                {
                    anyStep |= Ocra.Verify(suite, key, Input(step), response);
                }
                Assert.Equal(anyStep, Ocra.VerifyTimeWindow(suite, key, Input(now), past, future, response));
                if (!tamper && madeAt >= -past && madeAt <= future)
                {
                    Assert.True(anyStep); // the other way round holds only up to a chance collision of the digits
                }
            }, iter: 1_000);

    [Theory]
    [InlineData(-5, true)]
    [InlineData(-6, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void The_edges_of_the_window_are_included_and_the_next_steps_are_not(int madeAt, bool accepted)
    {
        const long Now = 29_833_333;
        var response = Ocra.Compute(Suite, Key, At(Now + madeAt));
        Assert.Equal(accepted, Ocra.VerifyTimeWindow(Suite, Key, At(Now), 5, 1, response));
    }

    [Fact]
    public void A_window_reaching_before_step_zero_tries_only_the_steps_that_exist()
    {
        Assert.True(Ocra.VerifyTimeWindow(Suite, Key, At(2), 5, 1, Ocra.Compute(Suite, Key, At(0))));
        Assert.False(Ocra.VerifyTimeWindow(Suite, Key, At(2), 5, 1, Ocra.Compute(Suite, Key, At(4))));
    }

    [Fact]
    public void A_window_reaching_past_the_last_step_does_not_overflow()
    {
        Assert.True(Ocra.VerifyTimeWindow(Suite, Key, At(long.MaxValue), 1, 3, Ocra.Compute(Suite, Key, At(long.MaxValue))));
        Assert.True(Ocra.VerifyTimeWindow(Suite, Key, At(long.MaxValue - 1), 0, 3, Ocra.Compute(Suite, Key, At(long.MaxValue))));
        Assert.False(Ocra.VerifyTimeWindow(Suite, Key, At(long.MaxValue), 0, 0, Ocra.Compute(Suite, Key, At(long.MaxValue - 1))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("1234 678")]
    [InlineData("１２３４５６７８")]
    public void A_malformed_response_is_simply_not_the_response(string response) =>
        Assert.False(Ocra.VerifyTimeWindow(Suite, Key, At(100), 5, 1, response));

    [Fact]
    public void Malformed_inputs_and_a_suite_without_time_are_refused()
    {
        Assert.Equal(OcraErrorCode.MissingTimeStep,
            Assert.Throws<OcraException>(() => Ocra.VerifyTimeWindow(Suite, Key, new OcraInput("12345678"), 5, 1, "12345678")).Code);
        Assert.Equal(OcraErrorCode.QuestionCharacter,
            Assert.Throws<OcraException>(() => Ocra.VerifyTimeWindow(Suite, Key, new OcraInput("1234567x") { TimeStep = 9 }, 5, 1, "12345678")).Code);
        Assert.Throws<ArgumentException>(() =>
            Ocra.VerifyTimeWindow(OcraSuite.Parse("OCRA-1:HOTP-SHA256-8:QN08"), Key, new OcraInput("12345678"), 5, 1, "12345678"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ocra.VerifyTimeWindow(Suite, Key, At(100), -1, 1, "12345678"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ocra.VerifyTimeWindow(Suite, Key, At(100), 5, -1, "12345678"));
    }
}
