using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cipherpad.LoadGenerator.Http;

/// <summary>
/// The load generator's client for one server: a <see cref="PlainHttpConnection"/> per lane, each used by one round trip at a
/// time, and JSON requests written whole with a <c>Content-Length</c>. It shares the machine's two cores with the server it
/// measures, so it does the least a client must: no connection pool, handlers or header collections, as <c>wrk</c> does.
/// </summary>
internal sealed class PlainHttpClient : IDisposable
{
    private readonly PlainHttpConnection[] _lanes;
    private readonly string _host;
    private readonly string _authorization;

    /// <param name="server">An <c>http://</c> address with a literal IP address, such as the ones the servers print.</param>
    /// <param name="lanes">How many round trips may run at once.</param>
    /// <param name="authorization">The <c>Authorization</c> header's value sent with every request, or null for none.</param>
    public PlainHttpClient(Uri server, int lanes, string? authorization = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.Scheme != Uri.UriSchemeHttp || !IPAddress.TryParse(server.Host.Trim('[', ']'), out var address))
        {
            throw new ArgumentException($"Not an http:// address with an IP address: {server}", nameof(server));
        }
        var endpoint = new IPEndPoint(address, server.Port);
        _lanes = [.. Enumerable.Range(0, lanes).Select(_ => new PlainHttpConnection(endpoint))];
        _host = server.Authority;
        _authorization = authorization is null ? "" : $"Authorization: {authorization}\r\n";
    }

    /// <summary>POSTs <paramref name="body"/> as JSON on <paramref name="lane"/>'s connection; the answer's body is valid until that lane's next request.</summary>
    public ValueTask<PlainHttpResponse> PostJsonAsync<T>(int lane, string path, T body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"POST {path} HTTP/1.1\r\nHost: {_host}\r\n{_authorization}Content-Type: application/json; charset=utf-8\r\nContent-Length: {json.Length}\r\n\r\n");
        var request = new byte[Encoding.ASCII.GetByteCount(head) + json.Length];
        var headLength = Encoding.ASCII.GetBytes(head, request);
        json.CopyTo(request.AsSpan(headLength));
        return _lanes[lane].SendAsync(request, cancellationToken);
    }

    /// <summary>The <c>Authorization</c> header's value for HTTP Basic authentication with <paramref name="id"/> and <paramref name="secret"/>.</summary>
    public static string Basic(string id, string secret) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}"));

    /// <summary>An answer's body read as JSON, as the HTTP API's clients read it.</summary>
    public static T? ReadJson<T>(PlainHttpResponse response) => JsonSerializer.Deserialize<T>(response.Body.Span, JsonSerializerOptions.Web);

    public void Dispose()
    {
        foreach (var connection in _lanes)
        {
            connection.Dispose();
        }
    }
}
