using System.Diagnostics;

namespace Cipherpad.Testing;

/// <summary>The commands a server on PostgreSQL sends, as Npgsql traces them: what tests count and compare.</summary>
public static class NpgsqlCommands
{
    /// <summary>
    /// Records the text of each command Npgsql runs on <paramref name="factory"/>'s database (tests that run beside this one
    /// have databases of their own); with <paramref name="byRequest"/>, after the id of the request that ran it.
    /// </summary>
    public static ActivityListener Record(CipherpadFactory factory, List<string> statements, bool byRequest = false)
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(factory.ConnectionString).Database;
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Npgsql", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (!activity.Source.Name.StartsWith("Npgsql", StringComparison.Ordinal)
                    || (activity.GetTagItem("db.namespace") ?? activity.GetTagItem("db.name"))?.ToString() != database)
                {
                    return;
                }
                // Npgsql also traces what is not a command (opening a physical connection), without a statement.
                if ((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement"))?.ToString() is not { Length: > 0 } text)
                {
                    return;
                }
                var request = activity.Parent;
                while (request?.Parent is not null)
                {
                    request = request.Parent;
                }
                lock (statements)
                {
                    statements.Add(byRequest ? $"{request?.Id ?? "none"} {text}" : text);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>
    /// <see cref="Record"/>'s statements (recorded by request) grouped by request, in order, leaving out the shared
    /// request-rate windows, whose leases come and go.
    /// </summary>
    public static List<IGrouping<string, string>> ByRequest(IEnumerable<string> statements) =>
        statements.Where(s => !s.Contains("\"RequestWindows\"", StringComparison.Ordinal))
            .GroupBy(s => s[..s.IndexOf(' ', StringComparison.Ordinal)]).ToList();
}
