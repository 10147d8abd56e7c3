namespace Cipherpad.Server.Storage;

/// <summary>The UTC hours and days that quotas and budgets are counted in, in the forms their rows store.</summary>
public static class UtcPeriods
{
    /// <summary>The start of the UTC hour that <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The UTC day of <paramref name="at"/> as yyyymmdd.</summary>
    public static int DayOf(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return (utc.Year * 10000) + (utc.Month * 100) + utc.Day;
    }
}
