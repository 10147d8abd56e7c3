using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cipherpad.Server.Security;

/// <summary>
/// How many requests of one partition (a client address, a relying party, …) the servers on one PostgreSQL have taken
/// in one window of a request limit (<see cref="DatabaseRequestCounts"/>). Worth nothing once the window has ended.
/// </summary>
public sealed class RequestWindow
{
    public required string Partition { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    /// <summary>Permits handed to servers in this window; it can pass the limit, since a server may ask for more than is left.</summary>
    public long Taken { get; set; }
}

public sealed class RequestWindowConfiguration : IEntityTypeConfiguration<RequestWindow>
{
    public void Configure(EntityTypeBuilder<RequestWindow> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Unlogged on PostgreSQL: counts written at the rate of requests skip the write-ahead log and its flushes. A crash of
        // the database empties the table, which gives every partition a fresh window once.
        builder.ToTable("RequestWindows").IsUnlogged();
        builder.HasKey(w => new { w.Partition, w.WindowStart });
        builder.Property(w => w.Partition).HasMaxLength(100);
        builder.HasIndex(w => w.EndsAt);
    }
}
