using System.Text.Json;

namespace ZkMl.TestKit;

/// <summary>What one <c>zkml</c> invocation returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>stdout parsed as the one JSON object of --json.</summary>
    public JsonElement Json()
    {
        using var doc = JsonDocument.Parse(Out);
        return doc.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Runs a command's entry point in process with captured output (the test projects pass
/// <c>ZkMl.Cli.Program.Run</c>; TestKit itself does not reference the CLI).
/// </summary>
public static class CliCapture
{
    /// <summary>Calls <paramref name="program"/> with <paramref name="args"/> and string writers for stdout and stderr.</summary>
    public static CliResult Run(Func<string[], TextWriter, TextWriter, int> program, string[] args)
    {
        ArgumentNullException.ThrowIfNull(program);
        var o = new StringWriter();
        var e = new StringWriter();
        int code = program(args, o, e);
        return new CliResult(code, o.ToString(), e.ToString());
    }

    /// <summary>As <see cref="Run"/>, asserting exit code 0.</summary>
    public static CliResult Ok(Func<string[], TextWriter, TextWriter, int> program, string[] args)
    {
        var r = Run(program, args);
        Xunit.Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }
}
