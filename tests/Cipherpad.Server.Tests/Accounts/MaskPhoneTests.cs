using Cipherpad.Server.Accounts;

namespace Cipherpad.Server.Tests.Accounts;

public sealed class MaskPhoneTests
{
    [Theory]
    [InlineData("+491701234567", "+49••••••4567")]
    [InlineData("+12025550123", "+12•••••0123")]
    [InlineData("+35312345", "+35••2345")]
    public void A_phone_shows_its_country_code_s_start_and_last_four_digits(string phone, string masked)
    {
        Assert.Equal(masked, AccountRules.MaskPhone(phone));
    }

    [Fact]
    public void Every_masked_digit_is_hidden()
    {
        var masked = AccountRules.MaskPhone("+491701234567");

        Assert.DoesNotContain("170123", masked, StringComparison.Ordinal);
        Assert.Equal("+491701234567".Length, masked.Length);
    }

    [Theory]
    [InlineData("4567")]
    [InlineData("")]
    public void Four_characters_or_fewer_are_shown_as_they_are(string phone)
    {
        Assert.Equal(phone, AccountRules.MaskPhone(phone));
    }
}
