using System.Runtime.InteropServices;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// The two C library calls the measurement needs and .NET does not offer. Plain DllImports: neither signature needs
/// marshalling, and LibraryImport would need unsafe code allowed.
/// </summary>
internal static class LibC
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK

    /// <summary>The unit of the times in <c>/proc/&lt;pid&gt;/stat</c>: clock ticks per second (<c>getconf CLK_TCK</c>).</summary>
    public static double ClockTicksPerSecond { get; } = sysconf(ClockTicksName) is > 0 and var ticks ? ticks : 100;

    /// <summary>
    /// Sleeps the calling thread for <paramref name="microseconds"/>, to within about a tenth of a millisecond on Linux;
    /// .NET's own sleeps and timers count in whole milliseconds. A signal may end it early, so callers check the time.
    /// </summary>
    public static void Sleep(uint microseconds) => _ = usleep(microseconds);

    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint sysconf(int name);

    [DllImport("libc", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int usleep(uint microseconds);
}
