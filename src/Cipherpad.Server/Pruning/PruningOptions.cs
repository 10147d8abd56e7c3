using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Pruning;

/// <summary>When expired data is deleted (<c>Cipherpad:Pruning</c>); see <see cref="DataPruner"/> for what counts as expired.</summary>
public sealed class PruningOptions
{
    /// <summary>Run the pruner in the background; when off, run the <c>prune</c> command from a scheduler instead.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two background runs; the first one runs one interval after start.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long expired rows are kept before they are deleted, for looking into recent problems. At least a day, so a
    /// source's back-off is only forgotten after it has been quiet longer than the back-off itself.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan KeepExpiredFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Rows deleted by one statement, so no delete holds its locks for long.</summary>
    [Range(100, 100_000)]
    public int BatchSize { get; set; } = 1000;
}
