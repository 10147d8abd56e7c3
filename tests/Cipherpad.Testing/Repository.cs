namespace Cipherpad.Testing;

/// <summary>The checkout the tests run from, for files that live beside the code: docs, pages, interop scripts.</summary>
public static class Repository
{
    /// <summary>The folder that holds <c>Cipherpad.slnx</c>, above the test's binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Cipherpad.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Cipherpad.slnx above {AppContext.BaseDirectory}.");
    }
}
