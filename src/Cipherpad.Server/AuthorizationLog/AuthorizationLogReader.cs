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
/// <param name="Total">How many entries match the filter.</param>
public sealed record AuthorizationLogPage(IReadOnlyList<AuthorizationLogEntry> Entries, int Number, int Count, int Total);

/// <summary>The values an account's log holds, to filter it by.</summary>
/// <param name="Results">Each result, in order.</param>
/// <param name="Methods">Each method, in order.</param>
/// <param name="RelyingParties">Each relying party, in ordinal order.</param>
public sealed record AuthorizationLogChoices(IReadOnlyList<string> Results, IReadOnlyList<string> Methods, IReadOnlyList<string> RelyingParties);

/// <summary>Reads one account's authorization log for its owner: newest first, filtered, paged or as CSV. Never writes.</summary>
public sealed class AuthorizationLogReader(CipherpadDbContext db)
{
    /// <summary>The account's newest <paramref name="count"/> entries.</summary>
    public Task<List<AuthorizationLogEntry>> LatestAsync(Guid accountId, int count, CancellationToken cancellationToken) =>
        Own(accountId).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(count).ToListAsync(cancellationToken);

    /// <summary>Page <paramref name="pageNumber"/> of the matching entries; a number past either end shows the first or last page.</summary>
    public async Task<AuthorizationLogPage> PageAsync(Guid accountId, AuthorizationLogFilter filter, int pageNumber, int pageSize,
        CancellationToken cancellationToken)
    {
        var matching = Matching(accountId, filter);
        var total = await matching.CountAsync(cancellationToken);
        var count = Math.Max(1, (total + pageSize - 1) / pageSize);
        var number = Math.Clamp(pageNumber, 1, count);
        var entries = await matching.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip((number - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        return new AuthorizationLogPage(entries, number, count, total);
    }

    /// <summary>The results, methods and relying parties that occur in the account's log.</summary>
    public async Task<AuthorizationLogChoices> ChoicesAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var own = Own(accountId);
        var results = await own.Select(e => e.Result).Distinct().OrderBy(r => r).ToListAsync(cancellationToken);
        var methods = await own.Select(e => e.Method).Distinct().OrderBy(m => m).ToListAsync(cancellationToken);
        var relyingParties = (await own.Where(e => e.RelyingParty != null).Select(e => e.RelyingParty!).Distinct().ToListAsync(cancellationToken))
            .Order(StringComparer.Ordinal).ToList();
        return new AuthorizationLogChoices(results, methods, relyingParties);
    }

    /// <summary>Every matching entry as CSV, newest first, with each cipher pad named as in <paramref name="deviceNames"/>.</summary>
    public async Task<string> CsvAsync(Guid accountId, AuthorizationLogFilter filter, IReadOnlyDictionary<Guid, string> deviceNames,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceNames);
        var entries = await Matching(accountId, filter).OrderByDescending(e => e.At).ThenByDescending(e => e.Id).ToListAsync(cancellationToken);
        var csv = new StringBuilder("time_utc,result,method,purpose,relying_party,ip,device,details\r\n");
        foreach (var e in entries)
        {
            var device = e.DeviceId is { } id && deviceNames.TryGetValue(id, out var name) ? name : "";
            csv.AppendJoin(',', new[] { e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), e.Result, e.Method, e.Purpose,
                e.RelyingParty, e.Ip, device, e.Detail }.Select(Csv)).Append("\r\n");
        }
        return csv.ToString();
    }

    private IQueryable<AuthorizationLogEntry> Own(Guid accountId) => db.AuthorizationLog.AsNoTracking().Where(e => e.AccountId == accountId);

    private IQueryable<AuthorizationLogEntry> Matching(Guid accountId, AuthorizationLogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = Own(accountId);
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
