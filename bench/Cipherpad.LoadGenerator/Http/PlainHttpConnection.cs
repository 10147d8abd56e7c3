using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cipherpad.LoadGenerator.Http;

/// <summary>
/// HTTP/1.1 over one kept-alive TCP connection, one request at a time, the way <c>wrk</c> loads a server: a request goes out in
/// one send, and the answer is read from the socket into a buffer the connection keeps for the next one. It understands what
/// the measured servers answer with (a body of a given <c>Content-Length</c> or chunked, and <c>Connection: close</c>); any
/// other answer, any error and any cancellation close the connection, and the next request opens a new one. The socket is
/// non-blocking and waits on <see cref="SocketEventLoop"/>, so the code after each read runs on that loop's thread.
/// </summary>
internal sealed class PlainHttpConnection(IPEndPoint server) : IDisposable
{
    private const int MaxAnswerBytes = 1 << 20;
    private static readonly byte[] EndOfLine = "\r\n"u8.ToArray();
    private static readonly byte[] EndOfHeaders = "\r\n\r\n"u8.ToArray();
    private Socket? _socket;
    private SocketEventLoop.Waiter? _readable;
    private byte[] _received = new byte[16 * 1024];
    private int _receivedLength;
    private byte[] _chunkedBody = new byte[4 * 1024];

    /// <summary>
    /// Sends <paramref name="request"/>, a whole HTTP/1.1 request, and reads the answer. Its body stays valid until the next
    /// call on this connection.
    /// </summary>
    public async ValueTask<PlainHttpResponse> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        try
        {
            if (_socket is null)
            {
                await ConnectAsync(cancellationToken);
            }
            Send(_socket!, request.Span);
            return await ReadAnswerAsync(_socket!, cancellationToken);
        }
        catch
        {
            Close();
            throw;
        }
    }

    public void Dispose() => Close();

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Blocking, on a worker rather than the loop's thread: an asynchronous connect would tie the socket to the
            // runtime's own epoll thread as well, which would then wake for it too.
            await Task.Run(() => socket.Connect(server), cancellationToken);
            socket.Blocking = false;
            _readable = SocketEventLoop.Shared.Register(socket);
            _socket = socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Send(Socket socket, ReadOnlySpan<byte> request)
    {
        while (!request.IsEmpty)
        {
            var sent = socket.Send(request, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                // One small request at a time never fills a socket's send buffer unless the server stopped reading.
                throw new IOException("The server does not read what it is sent.");
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            request = request[sent..];
        }
    }

    private void Close()
    {
        _readable?.Dispose();
        _readable = null;
        _socket?.Dispose();
        _socket = null;
        _receivedLength = 0;
    }

    private async ValueTask<PlainHttpResponse> ReadAnswerAsync(Socket socket, CancellationToken cancellationToken)
    {
        int headersEnd;
        while ((headersEnd = _received.AsSpan(0, _receivedLength).IndexOf(EndOfHeaders)) < 0)
        {
            await ReceiveAsync(socket, cancellationToken);
        }
        var (status, contentLength, chunked, close) = ParseHead(_received.AsSpan(0, headersEnd));
        var bodyStart = headersEnd + EndOfHeaders.Length;
        int consumed;
        ReadOnlyMemory<byte> body;
        if (chunked)
        {
            (body, consumed) = await ReadChunkedAsync(socket, bodyStart, cancellationToken);
        }
        else if (contentLength is { } length)
        {
            if (length > MaxAnswerBytes)
            {
                throw new IOException($"The answer's body of {length} bytes is more than this client reads.");
            }
            while (_receivedLength - bodyStart < length)
            {
                await ReceiveAsync(socket, cancellationToken);
            }
            body = _received.AsMemory(bodyStart, length);
            consumed = bodyStart + length;
        }
        else if (status is 204 or 304)
        {
            (body, consumed) = (ReadOnlyMemory<byte>.Empty, bodyStart);
        }
        else
        {
            throw new IOException("The answer has neither a Content-Length nor a chunked body.");
        }
        if (consumed != _receivedLength)
        {
            throw new IOException("The server sent more than one answer to one request.");
        }
        _receivedLength = 0;
        if (close)
        {
            Close(); // the body stays in the buffers, which closing keeps
        }
        return new(status, body);
    }

    /// <summary>The status line's code and the headers that frame the body.</summary>
    private static (int Status, int? ContentLength, bool Chunked, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        var statusLineEnd = head.IndexOf(EndOfLine);
        var statusLine = statusLineEnd < 0 ? head : head[..statusLineEnd];
        // "HTTP/1.1 200 OK"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new IOException($"Not an HTTP/1.x status line: {Printable(statusLine)}");
        }
        int? contentLength = null;
        var (chunked, close) = (false, false);
        var headers = statusLineEnd < 0 ? [] : head[(statusLineEnd + EndOfLine.Length)..];
        while (!headers.IsEmpty)
        {
            var lineEnd = headers.IndexOf(EndOfLine);
            var line = lineEnd < 0 ? headers : headers[..lineEnd];
            headers = lineEnd < 0 ? [] : headers[(lineEnd + EndOfLine.Length)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new IOException($"Not an HTTP header: {Printable(line)}");
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                contentLength = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    ? length
                    : throw new IOException($"Not a Content-Length: {Printable(value)}");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8)
                    ? true
                    : throw new IOException($"A transfer encoding this client does not read: {Printable(value)}");
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                close = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
        }
        return (status, contentLength, chunked, close);
    }

    /// <summary>Reads a chunked body starting at <paramref name="start"/>; returns it and where the answer ends.</summary>
    private async ValueTask<(ReadOnlyMemory<byte> Body, int End)> ReadChunkedAsync(Socket socket, int start, CancellationToken cancellationToken)
    {
        var bodyLength = 0;
        var position = start;
        while (true)
        {
            int sizeLineEnd;
            while ((sizeLineEnd = _received.AsSpan(position, _receivedLength - position).IndexOf(EndOfLine)) < 0)
            {
                await ReceiveAsync(socket, cancellationToken);
            }
            var sizeLine = _received.AsSpan(position, sizeLineEnd);
            if (sizeLine.IndexOf((byte)';') is >= 0 and var extension)
            {
                sizeLine = sizeLine[..extension];
            }
            if (!int.TryParse(sizeLine, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new IOException($"Not a chunk size: {Printable(sizeLine)}");
            }
            position += sizeLineEnd + EndOfLine.Length;
            if (size == 0)
            {
                // No trailers are expected; the last chunk ends with an empty line.
                while (_receivedLength - position < EndOfLine.Length)
                {
                    await ReceiveAsync(socket, cancellationToken);
                }
                if (!_received.AsSpan(position, EndOfLine.Length).SequenceEqual(EndOfLine))
                {
                    throw new IOException("A chunked body with trailers, which this client does not read.");
                }
                return (_chunkedBody.AsMemory(0, bodyLength), position + EndOfLine.Length);
            }
            if (bodyLength + size > MaxAnswerBytes)
            {
                throw new IOException($"A chunked body of more than {MaxAnswerBytes} bytes, more than this client reads.");
            }
            while (_receivedLength - position < size + EndOfLine.Length)
            {
                await ReceiveAsync(socket, cancellationToken);
            }
            if (_chunkedBody.Length < bodyLength + size)
            {
                Array.Resize(ref _chunkedBody, Math.Max(_chunkedBody.Length * 2, bodyLength + size));
            }
            _received.AsSpan(position, size).CopyTo(_chunkedBody.AsSpan(bodyLength));
            bodyLength += size;
            position += size;
            if (!_received.AsSpan(position, EndOfLine.Length).SequenceEqual(EndOfLine))
            {
                throw new IOException("A chunk longer than its size says.");
            }
            position += EndOfLine.Length;
        }
    }

    private async ValueTask ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        if (_receivedLength == _received.Length)
        {
            if (_received.Length >= MaxAnswerBytes + 64 * 1024)
            {
                throw new IOException($"An answer of more than {MaxAnswerBytes} bytes, more than this client reads.");
            }
            Array.Resize(ref _received, _received.Length * 2);
        }
        while (true)
        {
            var received = socket.Receive(_received.AsSpan(_receivedLength), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                await _readable!.ReadableAsync(cancellationToken);
                continue;
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            if (received == 0)
            {
                throw new IOException("The server closed the connection before it had answered.");
            }
            _receivedLength += received;
            return;
        }
    }

    private static string Printable(ReadOnlySpan<byte> text) => Encoding.ASCII.GetString(text[..Math.Min(text.Length, 80)]);
}

/// <summary>An answer's status code and body; the body is the connection's and valid until its next request.</summary>
internal readonly record struct PlainHttpResponse(int Status, ReadOnlyMemory<byte> Body)
{
    public bool IsSuccessStatusCode => Status is >= 200 and < 300;
}
