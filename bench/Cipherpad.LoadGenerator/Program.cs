using Cipherpad.LoadGenerator;

// Login round trips per second over HTTP on loopback, against cipherpad-server as a process of its own, beside the
// hello-world ceiling and yubiserver; see docs/performance.md. Usage:
//   dotnet run -c Release --project bench/Cipherpad.LoadGenerator -- [sqlite|postgresql|both|hello|yubiserver|all] [--seconds S] [--workers N] [--accounts A]
// The in-process host that sets up accounts finds its content root through a manifest beside this program.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
Environment.SetEnvironmentVariable("Logging__LogLevel__Microsoft.EntityFrameworkCore", "None");
return await LoadGeneratorCommand.Build().Parse(args).InvokeAsync();
