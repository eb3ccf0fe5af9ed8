using System.Diagnostics;

namespace ZkMl.TestKit;

/// <summary>Runs the project-local snarkjs CLI (node_modules, installed by scripts/setup.sh).</summary>
public static class Snarkjs
{
    /// <summary>Runs <c>snarkjs ARGS…</c> and waits; throws with its output when it fails.</summary>
    /// <exception cref="InvalidOperationException">snarkjs is not installed, or exited non-zero.</exception>
    public static void Run(params string[] args) => Output(args);

    /// <summary>Runs <c>snarkjs ARGS…</c> and returns what it printed (stdout, then stderr).</summary>
    /// <exception cref="InvalidOperationException">snarkjs is not installed, or exited non-zero.</exception>
    public static string Output(params string[] args)
    {
        var cli = Path.Combine(RepoPaths.NodeModules, "snarkjs", "cli.js");
        if (!File.Exists(cli)) throw new InvalidOperationException($"snarkjs not installed at {cli}; run scripts/setup.sh");
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"snarkjs {string.Join(' ', args)} failed ({p.ExitCode}): {stderr} {stdout.Result}");
        return stdout.Result + stderr;
    }
}
