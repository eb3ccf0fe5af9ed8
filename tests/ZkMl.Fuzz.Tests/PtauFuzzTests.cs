using System.Buffers.Binary;
using CsCheck;
using Xunit.Abstractions;
using ZkMl.Proofs;
using ZkMl.TestKit;

namespace ZkMl.Fuzz.Tests;

/// <summary>
/// The snarkjs .ptau reader (<see cref="Srs.FromPtau"/>) against structured mutations of a real ceremony file
/// (power 4, one contribution, made once per run by the pinned snarkjs): section ids, sizes and counts set to
/// edge values, sections swapped, repeated or cut, points flipped. Every case must end in
/// <see cref="SrsFormatException"/> or a valid SRS, within the time and memory bounds.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class PtauFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Power = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("zkml-fuzz-ptau-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Offsets of the section ids and sizes and of the header's n8, power and ceremony power.</summary>
    private static int[] Fields(byte[] b)
    {
        var list = new List<int> { 4, 8 };
        long pos = 12;
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
        for (uint i = 0; i < n && pos + 12 <= b.Length; i++)
        {
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)pos));
            long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan((int)pos + 4));
            list.Add((int)pos); list.Add((int)pos + 4); list.Add((int)pos + 8);
            if (id == 1) { list.Add((int)pos + 12); list.Add((int)pos + 12 + 36); list.Add((int)pos + 12 + 40); }
            pos += 12 + size;
        }
        return [.. list];
    }

    [Fact]
    public void PtauFiles()
    {
        var p0 = Path.Combine(_dir, "pot0.ptau");
        var p1 = Path.Combine(_dir, "pot1.ptau");
        Snarkjs.Run("powersoftau", "new", "bn128", Power.ToString(), p0);
        Snarkjs.Run("powersoftau", "contribute", p0, p1, "--name=zkml-fuzz", "-e=zkml fixed fuzz entropy");
        var valid = File.ReadAllBytes(p1);
        var path = Path.Combine(_dir, "case.ptau");
        int maxDegree = (1 << Power) - 1;
        void Parse(byte[] b)
        {
            File.WriteAllBytes(path, b);
            Srs.FromPtau(path, maxDegree);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        Parse(valid);
        long bound = 16 * (GC.GetAllocatedBytesForCurrentThread() - before) + (16 << 20);
        var gen = Mutations.OfSeeds([valid], hints: Fields);
        var r = FuzzRunner.Run("ptau", gen, c => Parse(c.Mutation.Apply(valid)), e => e is SrsFormatException,
            seed: 0x7A0, ciIterations: 600, TimeSpan.FromSeconds(5), bound, c => c.Mutation.ToString());
        output.WriteLine(r.Details());
        Console.WriteLine(r.Details());
        Assert.True(r.Crashes.Count == 0, $"{r}\n\n{string.Join("\n\n", r.Crashes)}");
        Assert.True(r.Rejected > 0 || Props.CaseSeed() is not null, "no case reached SrsFormatException: the generator is broken");
    }
}
