namespace Cipherpad.Server.Storage;

/// <summary>
/// Creates the server's own files — the SQLite database, the development master key, the outboxes' mails and SMS with
/// their links and codes — readable by the server's user only: on Unix, folders 0700 and files 0600, set when they are
/// created, so there is no moment in which another user of the machine could open them. On Windows a new file takes its
/// folder's permissions.
/// </summary>
public static class OwnerOnlyFiles
{
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder and any missing parents, each for the owner only; a folder that already exists is left as it is.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        // Directory.CreateDirectory gives the mode to the last folder only; the parents it makes would be 0755.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }
        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
    }

    /// <summary>Creates a new file to write, and its folder if missing; fails if the file exists.</summary>
    public static FileStream Create(string path)
    {
        CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }
        return new FileStream(path, options);
    }
}
