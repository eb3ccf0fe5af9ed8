using System.Diagnostics;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// Makes small .ptau files with the pinned npm snarkjs CLI once per test run, in a temp folder:
/// a contributed BN254 file of power 8, the same after <c>prepare phase2</c>, and a BLS12-381 file.
/// </summary>
public sealed class PtauFixture : IDisposable
{
    public const int Power = 8;

    public string Dir { get; }
    public string Contributed { get; }
    public string Phase2 { get; }
    public string Bls { get; }

    public PtauFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "zkml-ptau-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
        var p0 = Path.Combine(Dir, "pot0.ptau");
        Contributed = Path.Combine(Dir, "pot1.ptau");
        Phase2 = Path.Combine(Dir, "pot1_final.ptau");
        Bls = Path.Combine(Dir, "bls.ptau");
        Snarkjs("powersoftau", "new", "bn128", Power.ToString(), p0);
        Snarkjs("powersoftau", "contribute", p0, Contributed, "--name=zkml-test", "-e=zkml fixed test entropy");
        Snarkjs("powersoftau", "prepare", "phase2", Contributed, Phase2);
        Snarkjs("powersoftau", "new", "bls12-381", "2", Bls);
    }

    private static void Snarkjs(params string[] args)
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
    }

    /// <summary>A copy of <paramref name="source"/> under a new name, modified by <paramref name="edit"/>.</summary>
    public string Variant(string source, string name, Func<byte[], byte[]> edit)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, edit(File.ReadAllBytes(source)));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Shares one <see cref="PtauFixture"/> between the test classes that read .ptau files.</summary>
[CollectionDefinition(Name)]
public sealed class PtauCollection : ICollectionFixture<PtauFixture>
{
    public const string Name = "ptau";
}
