using System.Globalization;
using System.Text;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.AuthorizationLog;

/// <summary>Which entries of an account's log to read; a condition left empty matches every entry.</summary>
/// <param name="Result">Only entries with this result, such as <c>success</c>.</param>
/// <param name="Method">Only entries made by this method, such as <c>app</c>.</param>
/// <param name="RelyingParty">Only entries for this relying party.</param>
/// <param name="From">Only entries on or after this UTC day.</param>
/// <param name="To">Only entries on or before this UTC day.</param>
public sealed record AuthorizationLogFilter(string? Result, string? Method, string? RelyingParty, DateOnly? From, DateOnly? To);

/// <summary>One page of an account's log, newest first.</summary>
/// <param name="Entries">The entries on this page.</param>
/// <param name="Number">The page shown, from 1: the one asked for, moved into the pages that exist.</param>
/// <param name="Count">How many pages the matching entries fill; at least 1.</param>
/// <param name="Total">How many of the newest <see cref="AuthorizationLogReader.CountedEntries"/> entries in the chosen dates match the filter.</param>
/// <param name="More">Whether older entries in the chosen dates lie beyond those: they are reached by narrowing the dates.</param>
public sealed record AuthorizationLogPage(IReadOnlyList<AuthorizationLogEntry> Entries, int Number, int Count, int Total, bool More);

/// <summary>The values an account's log holds, to filter it by.</summary>
/// <param name="Results">Each result, in order.</param>
/// <param name="Methods">Each method, in order.</param>
/// <param name="RelyingParties">Each relying party, in ordinal order.</param>
public sealed record AuthorizationLogChoices(IReadOnlyList<string> Results, IReadOnlyList<string> Methods, IReadOnlyList<string> RelyingParties);

/// <summary>
/// Reads one account's authorization log for its owner: newest first, filtered, paged or as CSV. Never writes. Every read
/// walks the index on (account, time, id) from the newest entry and stops after a bounded number of entries, however long
/// the log (an account under attack can have millions): pages and their count look at the newest
/// <see cref="CountedEntries"/> entries in the chosen dates, the filter's choices at the newest <see cref="ChoiceEntries"/> entries,
/// and the CSV export streams every matching entry without holding them.
/// </summary>
public sealed class AuthorizationLogReader(CipherpadDbContext db)
{
    /// <summary>
    /// How many of the newest entries in the chosen dates a page looks at: it counts, filters and pages through those, so a
    /// filter that matches nothing still reads no more; older ones are reached by the date filter.
    /// </summary>
    public const int CountedEntries = 100_000;

    /// <summary>How many of the newest entries the filter's choices (results, methods, relying parties) are taken from.</summary>
    public const int ChoiceEntries = 10_000;

    /// <summary>The account's newest <paramref name="count"/> entries.</summary>
    public Task<List<AuthorizationLogEntry>> LatestAsync(Guid accountId, int count, CancellationToken cancellationToken) =>
        Own(accountId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(count).ToListAsync(cancellationToken);

    /// <summary>Page <paramref name="pageNumber"/> of the matching entries; a number past either end shows the first or last page.</summary>
    public async Task<AuthorizationLogPage> PageAsync(Guid accountId, AuthorizationLogFilter filter, int pageNumber, int pageSize,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var dated = Dated(accountId, filter).OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
        var matching = Filtered(dated.Take(CountedEntries), filter).OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
        var total = await matching.CountAsync(cancellationToken);
        var more = await dated.Skip(CountedEntries).AnyAsync(cancellationToken);
        var count = Math.Max(1, (total + pageSize - 1) / pageSize);
        var number = Math.Clamp(pageNumber, 1, count);
        // The page's ids first, from the index alone, then only its rows: an offset into the index skips entries without reading them.
        var ids = await matching.Skip((number - 1) * pageSize).Take(pageSize).Select(e => e.Id).ToListAsync(cancellationToken);
        var entries = await db.AuthorizationLog.AsNoTracking().Where(e => e.AccountId == accountId && ids.Contains(e.Id))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        return new AuthorizationLogPage(entries, number, count, total, more);
    }

    /// <summary>The results, methods and relying parties that occur in the account's newest <see cref="ChoiceEntries"/> entries.</summary>
    public async Task<AuthorizationLogChoices> ChoicesAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var own = Own(accountId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(ChoiceEntries);
        var results = await own.Select(e => e.Result).Distinct().OrderBy(r => r).ToListAsync(cancellationToken);
        var methods = await own.Select(e => e.Method).Distinct().OrderBy(m => m).ToListAsync(cancellationToken);
        var relyingParties = (await own.Where(e => e.RelyingParty != null).Select(e => e.RelyingParty!).Distinct().ToListAsync(cancellationToken))
            .Order(StringComparer.Ordinal).ToList();
        return new AuthorizationLogChoices(results, methods, relyingParties);
    }

    /// <summary>
    /// Writes every matching entry to <paramref name="output"/> as CSV, newest first, with each cipher pad named as in
    /// <paramref name="deviceNames"/>: row by row as the database returns them, so a log of millions costs no memory.
    /// </summary>
    public async Task WriteCsvAsync(Guid accountId, AuthorizationLogFilter filter, IReadOnlyDictionary<Guid, string> deviceNames, TextWriter output,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceNames);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteAsync("time_utc,result,method,purpose,relying_party,ip,device,details\r\n".AsMemory(), cancellationToken);
        var row = new StringBuilder();
        var rows = 0;
        await foreach (var e in Matching(accountId, filter).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).AsAsyncEnumerable()
            .WithCancellation(cancellationToken))
        {
            var device = e.DeviceId is { } id && deviceNames.TryGetValue(id, out var name) ? name : "";
            row.Clear().AppendJoin(',', new[] { e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), e.Result, e.Method, e.Purpose,
                e.RelyingParty, e.Ip, device, e.Detail }.Select(Csv)).Append("\r\n");
            await output.WriteAsync(row, cancellationToken);
            if (++rows % 1000 == 0)
            {
                await output.FlushAsync(cancellationToken);
            }
        }
        await output.FlushAsync(cancellationToken);
    }

    private IQueryable<AuthorizationLogEntry> Own(Guid accountId) => db.AuthorizationLog.AsNoTracking().Where(e => e.AccountId == accountId);

    private IQueryable<AuthorizationLogEntry> Matching(Guid accountId, AuthorizationLogFilter filter) => Filtered(Dated(accountId, filter), filter);

    private static IQueryable<AuthorizationLogEntry> Filtered(IQueryable<AuthorizationLogEntry> query, AuthorizationLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (!string.IsNullOrEmpty(filter.Result))
        {
            query = query.Where(e => e.Result == filter.Result);
        }
        if (!string.IsNullOrEmpty(filter.Method))
        {
            query = query.Where(e => e.Method == filter.Method);
        }
        if (!string.IsNullOrEmpty(filter.RelyingParty))
        {
            query = query.Where(e => e.RelyingParty == filter.RelyingParty);
        }
        return query;
    }

    private IQueryable<AuthorizationLogEntry> Dated(Guid accountId, AuthorizationLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = Own(accountId);
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(e => e.At < end);
        }
        return query;
    }

    // Quoted when needed; a leading =, +, - or @ is neutralised so a spreadsheet never runs it as a formula.
    private static string Csv(string? value)
    {
        value ??= "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
