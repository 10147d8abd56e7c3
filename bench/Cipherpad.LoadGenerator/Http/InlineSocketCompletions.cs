namespace Cipherpad.LoadGenerator.Http;

/// <summary>
/// The load generator's sockets complete on the runtime's own socket threads, and the rest of a round trip runs there too,
/// instead of each completion being handed to a thread-pool worker: an event loop, as <c>wrk</c> is. On this machine each
/// hand-off between threads is a context switch, and the client's come out of the same two cores as the server's. The runtime
/// reads the switch from the environment once, when it first polls a socket, so it is set before then; a .NET server started
/// from this process would inherit it, so each is given the runtime's default back (<see cref="DefaultForServers"/>).
/// </summary>
internal static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>The environment variable and value that leave a server started from here with the runtime's default.</summary>
    public static KeyValuePair<string, string> DefaultForServers { get; } = new(Variable, "0");

    /// <summary>Turns the switch on for this process; call before the first socket is used.</summary>
    public static void TurnOnForThisProcess() => Environment.SetEnvironmentVariable(Variable, "1");
}
