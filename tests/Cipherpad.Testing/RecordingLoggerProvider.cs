using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Testing;

/// <summary>Keeps every log message of the server, for tests of what it says: every <see cref="CipherpadFactory"/> has one (<see cref="CipherpadFactory.ServerLog"/>).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    /// <summary>The messages of <paramref name="category"/> (a logger's category: its class's full name) at <paramref name="level"/>, oldest first.</summary>
    public IEnumerable<string> Messages(string category, LogLevel level) =>
        _entries.Where(e => e.Level == level && e.Category == category).Select(e => e.Message);

    /// <summary>Every message, with its exception's text when it has one, oldest first.</summary>
    public IEnumerable<(string Category, LogLevel Level, string Message)> All() => _entries;

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, exception is null ? formatter(state, exception) : $"{formatter(state, exception)}{Environment.NewLine}{exception}"));
    }
}
