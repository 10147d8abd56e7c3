using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Cipherpad.LoadGenerator.Http;

namespace Cipherpad.LoadGenerator.Tests.Http;

/// <summary>
/// The load generator's HTTP client against a scripted server on 127.0.0.1 that answers each request with given bytes, a
/// few at a time, so that every answer arrives in pieces and the client must wait on its event loop for the rest.
/// </summary>
public sealed class PlainHttpConnectionTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly byte[] Request = "GET / HTTP/1.1\r\nHost: test\r\n\r\n"u8.ToArray();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(Bound);

    public PlainHttpConnectionTests() => _listener.Start();

    private IPEndPoint Server => (IPEndPoint)_listener.LocalEndpoint;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    [Fact]
    public async Task An_answer_with_a_length_is_read_whole_however_it_arrives_and_the_connection_is_kept()
    {
        var accepted = Serve(["HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", "HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}"]);
        using var connection = new PlainHttpConnection(Server);

        var first = await connection.SendAsync(Request, _stop.Token);
        Assert.Equal((200, "hello world"), (first.Status, Encoding.ASCII.GetString(first.Body.Span)));
        var second = await connection.SendAsync(Request, _stop.Token);
        Assert.Equal((201, "{}"), (second.Status, Encoding.ASCII.GetString(second.Body.Span)));
        Assert.Equal(1, await accepted);
    }

    [Fact]
    public async Task A_chunked_answer_is_put_together()
    {
        var accepted = Serve(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\nB\r\nchunked wor\r\n2\r\nld\r\n0\r\n\r\n"]);
        using var connection = new PlainHttpConnection(Server);

        var answer = await connection.SendAsync(Request, _stop.Token);

        Assert.Equal("hello chunked world", Encoding.ASCII.GetString(answer.Body.Span));
        Assert.Equal(1, await accepted);
    }

    [Fact]
    public async Task After_connection_close_the_next_request_opens_a_new_connection()
    {
        var accepted = Serve(["HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\none", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"]);
        using var connection = new PlainHttpConnection(Server);

        Assert.Equal("one", Encoding.ASCII.GetString((await connection.SendAsync(Request, _stop.Token)).Body.Span));
        Assert.Equal("two", Encoding.ASCII.GetString((await connection.SendAsync(Request, _stop.Token)).Body.Span));
        Assert.Equal(2, await accepted);
    }

    [Theory]
    [InlineData("HTTP/2 200\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n")] // no length
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n")] // a chunk longer than it says
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nab")] // closed before the end
    public async Task An_answer_it_cannot_read_fails_and_the_next_request_starts_afresh(string answer)
    {
        var accepted = Serve([answer, "HTTP/1.1 204 No Content\r\n\r\n"]);
        using var connection = new PlainHttpConnection(Server);

        await Assert.ThrowsAsync<IOException>(async () => await connection.SendAsync(Request, _stop.Token));
        Assert.Equal(204, (await connection.SendAsync(Request, _stop.Token)).Status);
        Assert.Equal(2, await accepted);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_given_up_on_when_cancelled_and_the_next_request_starts_afresh()
    {
        var accepted = Serve([null, "HTTP/1.1 204 No Content\r\n\r\n"]);
        using var connection = new PlainHttpConnection(Server);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await connection.SendAsync(Request, deadline.Token));
        Assert.Equal(204, (await connection.SendAsync(Request, _stop.Token)).Status);
        Assert.Equal(2, await accepted);
    }

    /// <summary>
    /// Answers one request after another with <paramref name="answers"/> (null: none, ever), on the connection the request
    /// came on, accepting a new one whenever the client closes its last; closes the connection after an answer that says
    /// <c>Connection: close</c>. Returns how many connections it accepted.
    /// </summary>
    private async Task<int> Serve(IReadOnlyList<string?> answers)
    {
        var connections = 0;
        var next = 0;
        while (next < answers.Count)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            client.NoDelay = true;
            connections++;
            var stream = client.GetStream();
            var received = new List<byte>();
            var buffer = new byte[1024];
            while (next < answers.Count)
            {
                int read;
                while (IndexOfEndOfHeaders(received) < 0 && (read = await ReadAsync(stream, buffer)) > 0)
                {
                    received.AddRange(buffer.AsSpan(0, read));
                }
                var end = IndexOfEndOfHeaders(received);
                if (end < 0)
                {
                    break; // the client closed this connection: accept its next one
                }
                received.RemoveRange(0, end + 4);
                if (answers[next++] is not { } answer)
                {
                    continue; // the client gives up and closes; the read above then sees the end
                }
                if (!await AnswerAsync(stream, answer) || answer.Contains("Connection: close", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        return connections;
    }

    /// <summary>What the client sent next; 0 when it closed the connection, or reset it by closing before it had read everything.</summary>
    private async Task<int> ReadAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            return await stream.ReadAsync(buffer, _stop.Token);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Writes <paramref name="answer"/> a few bytes at a time; false when the client closed the connection meanwhile, as it
    /// does when it has seen enough of an answer it cannot read before the answer's last bytes are written.
    /// </summary>
    private async Task<bool> AnswerAsync(NetworkStream stream, string answer)
    {
        var bytes = Encoding.ASCII.GetBytes(answer);
        try
        {
            for (var start = 0; start < bytes.Length; start += 7)
            {
                await stream.WriteAsync(bytes.AsMemory(start, Math.Min(7, bytes.Length - start)), _stop.Token);
                await Task.Delay(1, _stop.Token);
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int IndexOfEndOfHeaders(List<byte> received) =>
        CollectionsMarshal.AsSpan(received).IndexOf("\r\n\r\n"u8);
}
