using System.Globalization;

namespace Cipherpad.LoadGenerator.Measurement;

/// <summary>
/// CPU time used so far by a process, or by a group of them, read from Linux's <c>/proc/&lt;pid&gt;/stat</c>: user plus
/// system time of all its threads, in clock ticks (<c>getconf CLK_TCK</c>, 100 a second almost everywhere, so a reading is
/// good to 10 ms; a measured phase uses seconds of CPU). Differences of two readings are what a phase cost.
/// </summary>
internal sealed class ProcessCpu
{
    // Field numbers of /proc/<pid>/stat (proc(5)), counted from 1; the command name (field 2) is in parentheses and may
    // hold spaces, so fields are counted from the last ')'.
    private const int ParentPidField = 4;
    private const int UserTimeField = 14;
    private const int SystemTimeField = 15;
    private const int ReapedChildrenUserTimeField = 16;
    private const int ReapedChildrenSystemTimeField = 17;
    private static readonly double TicksPerSecond = LibC.ClockTicksPerSecond;
    private readonly Func<double> _read;

    private ProcessCpu(Func<double> read) => _read = read;

    /// <summary>CPU seconds used so far.</summary>
    public double Seconds() => _read();

    /// <summary>One process, all its threads.</summary>
    public static ProcessCpu Of(int processId) => new(() => Ticks(Fields(processId), UserTimeField, SystemTimeField) / TicksPerSecond);

    /// <summary>
    /// The tiered JIT compiler of a .NET process: the runtime's background thread ".NET Tiered Compilation Worker", whose
    /// name Linux cuts to 15 characters. It lives while there are methods to recompile optimized, so its time stops growing
    /// once a server is warm. Only its live threads count, so a reading can go down when one ends.
    /// </summary>
    public static ProcessCpu TieredJit(int processId) => new(() =>
    {
        long ticks = 0;
        try
        {
            foreach (var thread in Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                if (File.ReadAllText(Path.Combine(thread, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    ticks += Ticks(FieldsOf(Path.Combine(thread, "stat")), UserTimeField, SystemTimeField);
                }
            }
        }
        catch (IOException)
        {
            // the thread or the process ended between the listing and the read
        }
        return ticks / TicksPerSecond;
    });

    /// <summary>Several processes together, such as the nodes of one service.</summary>
    public static ProcessCpu Sum(IReadOnlyList<ProcessCpu> processes) => new(() => processes.Sum(process => process.Seconds()));

    /// <summary>This process: the load generator, the client side of every round trip.</summary>
    public static ProcessCpu Self() => Of(Environment.ProcessId);

    /// <summary>
    /// The children of this process that have ended and been waited for, such as a program run to its end: the kernel adds
    /// their times to this process's times of reaped children when it waits for them.
    /// </summary>
    public static ProcessCpu EndedChildrenOfSelf() =>
        new(() => Ticks(Fields(Environment.ProcessId), ReapedChildrenUserTimeField, ReapedChildrenSystemTimeField) / TicksPerSecond);

    /// <summary>
    /// A process and its children, such as a PostgreSQL cluster: the postmaster forks a backend per connection and
    /// background workers (autovacuum, WAL writer, checkpointer). Children that already ended count through the parent's
    /// times of reaped children, so a backend that exits during a phase is not lost.
    /// </summary>
    public static ProcessCpu WithChildren(int parentId) => new(() =>
    {
        var ticks = Ticks(Fields(parentId), UserTimeField, SystemTimeField, ReapedChildrenUserTimeField, ReapedChildrenSystemTimeField);
        foreach (var child in ChildrenOf(parentId))
        {
            ticks += Ticks(child, UserTimeField, SystemTimeField);
        }
        return ticks / TicksPerSecond;
    });

    /// <summary>Every process of a PostgreSQL cluster, found from its data directory's <c>postmaster.pid</c>.</summary>
    public static ProcessCpu PostgresCluster(string dataDirectory) => WithChildren(Postmaster(dataDirectory));

    /// <summary>
    /// How many processes a PostgreSQL cluster's postmaster has, its background workers and a backend per open
    /// connection. A backend that exits while <see cref="WithChildren"/> reads may be counted neither among the children
    /// nor yet among the reaped ones, so readings are taken when this count is steady.
    /// </summary>
    public static int PostgresClusterChildren(string dataDirectory) => ChildrenOf(Postmaster(dataDirectory)).Count();

    private static int Postmaster(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static IEnumerable<string[]> ChildrenOf(int parentId)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var processId))
            {
                continue;
            }
            string[] fields;
            try
            {
                fields = Fields(processId);
            }
            catch (IOException)
            {
                continue; // ended between the listing and the read
            }
            if (Field(fields, ParentPidField) == parentId)
            {
                yield return fields;
            }
        }
    }

    private static string[] Fields(int processId) => FieldsOf($"/proc/{processId}/stat");

    private static string[] FieldsOf(string statFile)
    {
        var stat = File.ReadAllText(statFile);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    // fields[0] is field 3, the state.
    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);

    private static long Ticks(string[] fields, params int[] numbers) => numbers.Sum(number => Field(fields, number));
}
