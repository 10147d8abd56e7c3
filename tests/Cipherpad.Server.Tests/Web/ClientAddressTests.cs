using System.Net;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Cipherpad.Server.Tests.Web;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("2001:db8::7")]
    public void The_client_address_is_the_connection_s_remote_address(string address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(address, ClientAddress.Of(context));
    }

    [Fact]
    public void A_connection_without_a_remote_address_is_recorded_as_unknown()
    {
        Assert.Equal("unknown", ClientAddress.Of(new DefaultHttpContext()));
    }
}
