using System.Text;
using Cipherpad.Server.Web;

namespace Cipherpad.Server.Tests.Web;

public sealed class BasicCredentialsTests
{
    private static string Basic(string idAndSecret) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(idAndSecret));

    [Fact]
    public void The_id_and_secret_are_split_at_the_first_colon()
    {
        Assert.True(BasicCredentials.TryParse(Basic("rp_shop:s3cret:with:colons"), out var credentials, out var failure));

        Assert.Equal(new BasicCredentials("rp_shop", "s3cret:with:colons"), credentials);
        Assert.Equal(BasicCredentialsFailure.None, failure);
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("BASIC")]
    public void The_scheme_is_read_in_any_case_and_spaces_around_the_credentials_are_ignored(string scheme)
    {
        Assert.True(BasicCredentials.TryParse($"  {scheme}   {Convert.ToBase64String("ann:pw"u8)}  ", out var credentials, out _));

        Assert.Equal("ann", credentials.Id);
        Assert.Equal("pw", credentials.Secret);
    }

    [Fact]
    public void An_empty_secret_is_well_formed_and_left_to_the_check()
    {
        Assert.True(BasicCredentials.TryParse(Basic("rp_shop:"), out var credentials, out _));

        Assert.Equal("", credentials.Secret);
    }

    [Theory]
    [InlineData(null, BasicCredentialsFailure.Missing)]
    [InlineData("", BasicCredentialsFailure.Missing)]
    [InlineData("   ", BasicCredentialsFailure.Missing)]
    [InlineData("Bearer abc.def", BasicCredentialsFailure.OtherScheme)]
    [InlineData("Basically cnA6cw==", BasicCredentialsFailure.OtherScheme)]
    [InlineData("Basic", BasicCredentialsFailure.NotBase64)]
    [InlineData("Basic ", BasicCredentialsFailure.NotBase64)]
    [InlineData("Basic not base64!", BasicCredentialsFailure.NotBase64)]
    [InlineData("Basic cnA6cw", BasicCredentialsFailure.NotBase64)]
    [InlineData("Basic cnBfc2hvcA==", BasicCredentialsFailure.NoColon)]
    [InlineData("Basic OnNlY3JldA==", BasicCredentialsFailure.EmptyId)]
    public void A_malformed_header_is_a_failure_that_says_what_is_wrong(string? header, BasicCredentialsFailure expected)
    {
        Assert.False(BasicCredentials.TryParse(header, out var credentials, out var failure));

        Assert.Null(credentials);
        Assert.Equal(expected, failure);
    }

    [Fact]
    public void Credentials_that_are_not_utf8_parse_without_throwing()
    {
        var header = "Basic " + Convert.ToBase64String([0xff, 0xfe, (byte)':', (byte)'x']);

        Assert.True(BasicCredentials.TryParse(header, out var credentials, out _));
        Assert.Equal("x", credentials.Secret);
    }
}
