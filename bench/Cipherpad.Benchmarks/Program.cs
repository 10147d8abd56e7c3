using BenchmarkDotNet.Running;
using Cipherpad.Benchmarks;

if (args is ["--paired"])
{
    PairedRatios.Run();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
