using System.Diagnostics;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>
/// README's example sessions are real: scripts/readme-session.mjs reruns them with this build (the tiny example from
/// compile to the chain, its errors and bench, the MNIST demo and the MNIST test-set accuracy) and every figure must match (times aside, and
/// in the demo the contract size and gas that move with its random τ only within 1 %).
/// </summary>
public class ReadmeSessionTests
{
    [Fact]
    public async Task TheReadmeSessionsMatchAFreshRun()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "zkml.dll");
        Assert.True(File.Exists(dll), dll);
        var psi = new ProcessStartInfo("node", [Path.Combine(RepoPaths.Root, "scripts", "readme-session.mjs")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.Environment["ZKML_DLL"] = dll;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = await p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await p.WaitForExitAsync(timeout.Token);
        string err = await stderr;
        Assert.True(p.ExitCode == 0, $"README sessions differ from this build (refresh: node scripts/readme-session.mjs --update):\n{stdout}\n{err}");
        Assert.Contains("5 session(s)", stdout);
    }
}
