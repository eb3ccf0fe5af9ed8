using ZkMl.TestKit;

// The verbs share option objects and the tests share files: run the classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ZkMl.Cli.Tests;

/// <summary>Runs the zkml command in process (<see cref="Program.Run"/>) with captured output.</summary>
public static class Zkml
{
    public static CliResult Run(params string[] args) => CliCapture.Run(Program.Run, args);

    /// <summary>Asserts success and returns the result.</summary>
    public static CliResult Ok(params string[] args)
        => CliCapture.Ok(Program.Run, args);

    /// <summary>Asserts a one-line error (exit 1, no stack trace) that contains every fragment; warning lines do not count.</summary>
    public static CliResult Fails(string[] args, params string[] fragments)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.DoesNotContain("   at ", r.Err);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("WARNING:", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(lines.Length == 1, "expected one error line:\n" + r);
        foreach (var f in fragments) Assert.True(lines[0].Contains(f, StringComparison.Ordinal), $"missing '{f}' in:\n{r}");
        return r;
    }

    public static string Tiny(string file) => Path.Combine(RepoPaths.Root, "circuits", "tiny", file);
}

/// <summary>A temp folder with the tiny circuit compiled and keys made once (dev SRS, batches up to 16).</summary>
public sealed class TinyKeysFixture : IDisposable
{
    public TinyKeysFixture()
    {
        Dir = Directory.CreateTempSubdirectory("zkml-cli-tests-").FullName;
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", Circuit, "--json");
        Zkml.Ok("setup", Circuit, "--dev-srs", "--dev-seed", "5", "-o", Keys, "--max-batch", "16", "--json");
    }

    public string Dir { get; }

    public string Circuit => Path.Combine(Dir, "tiny.zkc");

    public string Keys => Path.Combine(Dir, "keys");

    public string Pk => Path.Combine(Keys, "pk.bin");

    public string Vk => Path.Combine(Keys, "vk.bin");

    /// <summary>A fresh path in the folder.</summary>
    public string File(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
