using System.Diagnostics;
namespace ZkMl.TestKit;

/// <summary>
/// Makes small .ptau files with the pinned npm snarkjs CLI once per test run, in a temp folder:
/// a contributed BN254 file of power 8, the same after <c>prepare phase2</c>, and a BLS12-381 file.
/// </summary>
public sealed class PtauFixture : IDisposable
{
    public const int Power = 8;

    public string Dir { get; }
    /// <summary>The output of snarkjs powersoftau new: no contribution, τ = 1.</summary>
    public string Fresh { get; }
    public string Contributed { get; }
    public string Phase2 { get; }
    public string Bls { get; }

    public PtauFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "zkml-ptau-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
        var p0 = Fresh = Path.Combine(Dir, "pot0.ptau");
        Contributed = Path.Combine(Dir, "pot1.ptau");
        Phase2 = Path.Combine(Dir, "pot1_final.ptau");
        Bls = Path.Combine(Dir, "bls.ptau");
        ZkMl.TestKit.Snarkjs.Run("powersoftau", "new", "bn128", Power.ToString(), p0);
        ZkMl.TestKit.Snarkjs.Run("powersoftau", "contribute", p0, Contributed, "--name=zkml-test", "-e=zkml fixed test entropy");
        ZkMl.TestKit.Snarkjs.Run("powersoftau", "prepare", "phase2", Contributed, Phase2);
        ZkMl.TestKit.Snarkjs.Run("powersoftau", "new", "bls12-381", "2", Bls);
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
