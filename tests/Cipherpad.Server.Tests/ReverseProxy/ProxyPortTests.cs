using System.Net;
using System.Net.Sockets;
using Cipherpad.Testing;

namespace Cipherpad.Server.Tests.ReverseProxy;

/// <summary>
/// The tests' proxies started on a port that another process holds: they fail saying so (and are started again on other
/// ports when the port was picked for them), rather than seem to listen while the tests talk to that other process.
/// </summary>
public sealed class ProxyPortTests
{
    [Fact]
    public async Task A_proxy_on_a_port_another_process_holds_fails_saying_the_port_is_taken()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        await Assert.ThrowsAsync<PortTakenException>(() =>
            Nginx.StartAsync((listen, _) => $$"""server { {{listen}} location / { return 204; } }""", port: port));
        await Assert.ThrowsAsync<PortTakenException>(() => Caddy.StartAsync(_ => $$"""
            http://127.0.0.1:{{port}} {
                respond 204
            }
            """, httpPort: port));
    }
}
