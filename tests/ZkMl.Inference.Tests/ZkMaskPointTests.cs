using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Proofs.Openings;
using ZkMl.TestKit;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The affine-mask points of the ZK batched opening in the version-6 proving key (its seventh part, docs/protocol.md "Keys"
/// → "ZK mode"): computed at setup for every N the key's SRS opens, equal to a fresh <see cref="ZkOpeningSetup.MaskPoints(Srs, int)"/>,
/// round trip, and every size/count/point field of the part refused with a message naming it.
/// </summary>
public class ZkMaskPointTests
{
    private static readonly Lazy<(Circuit Circuit, ZkSetup Setup)> Tiny = new(() =>
    {
        var c = CircuitCompiler.Compile(InferenceFixtures.Tiny(), InferenceFixtures.TinyInputs(), new CompileOptions { Zk = ZkSettings.PrivateInputs() });
        return (c, InferenceSetup.RunZk(c, InferenceFixtures.Srs, 8, ptauVerified: false, fixedBaseTable: false, SrsProvenance.Pins, new SeededRng(3)));
    });

    private static ProvingKey Pk => Tiny.Value.Setup.ProvingKey;

    [Fact]
    public void Setup_stores_the_points_of_every_N_the_srs_opens_equal_to_a_fresh_computation()
    {
        var pk = Pk;
        var (min, max) = pk.ZkMaskVars!.Value;
        Assert.Equal(4, min);
        // ⌊log₂ powers⌋: the largest vector the trimmed SRS commits, so every batch size's N is in the range.
        Assert.True(1L << max <= pk.Srs.G1Powers.Length && 1L << (max + 1) > pk.Srs.G1Powers.Length);
        Assert.True(max >= pk.VerifyingKey.ModelVars);
        for (int n = min; n <= max; n++)
        {
            var stored = pk.ZkMaskPoints(n);
            Assert.Equal(ZkOpeningSetup.MaskPointCount(n), stored.Count);
            Assert.Equal(ZkOpeningSetup.MaskPoints(pk.Srs, n), stored);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => pk.ZkMaskPoints(min - 1));
        Assert.Contains($"4 … {max} variables", Assert.Throws<ArgumentOutOfRangeException>(() => pk.ZkMaskPoints(max + 1)).Message);
    }

    [Fact]
    public void Default_keys_have_no_mask_points()
    {
        var pk = InferenceFixtures.TinySetup.Pk;
        Assert.Null(pk.ZkMaskVars);
        Assert.Contains("not a zero-knowledge proving key", Assert.Throws<InvalidOperationException>(() => pk.ZkMaskPoints(4)).Message);
        Assert.Equal(ProvingKey.Version, BinaryPrimitives.ReadUInt32LittleEndian(pk.ToBytes().AsSpan(8)));
        Assert.Equal(5, Parts(pk.ToBytes()).Count);
    }

    [Fact]
    public void The_points_round_trip_as_the_seventh_part()
    {
        var pk = Pk;
        var bytes = pk.ToBytes();
        var parts = Parts(bytes);
        Assert.Equal(7, parts.Count);
        Assert.Equal(ZkMaskPointTable.ByteLength(pk.ZkMaskVars!.Value.Max), parts[6].Length);
        Assert.Equal(ModelSecret.EncodeBlindings(pk.ModelBlindings!), parts[5]);
        var back = ProvingKey.FromBytes(bytes);
        Assert.Equal(pk.ZkMaskVars, back.ZkMaskVars);
        for (int n = 4; n <= back.ZkMaskVars!.Value.Max; n++) Assert.Equal(ZkOpeningSetup.MaskPoints(back.Srs, n), back.ZkMaskPoints(n));
        Assert.Equal(bytes, back.ToBytes());
        // the size estimate of compile/setup counts the part (within the documented kilobyte)
        long estimate = InferenceSetup.EstimateProvingKeyBytes(Tiny.Value.Circuit, pk.VerifyingKey.MaxBatch);
        Assert.InRange(estimate - bytes.Length, -1024, 1024);
    }

    [Fact]
    public void A_missing_mask_part_and_an_unsealed_truncation_are_refused()
    {
        var bytes = Pk.ToBytes();
        var parts = Parts(bytes);
        // six parts (the layout before the points): the length word of part 7 is missing
        Assert.Contains("truncated", Load(Seal(parts.Take(6).ToList())));
        // cut inside the points: the digest no longer matches
        Assert.Contains("SHA-256", Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(bytes.AsSpan(0, bytes.Length - 100))).Message);
    }

    public static TheoryData<string, string> Corruptions => new()
    {
        { "count", "ZK mask points: entry count" },
        { "count-zero", "ZK mask points: entry count 0" },
        { "first-n", "ZK mask points: entry 0: N = 5, expected 4" },
        { "second-n", "ZK mask points: entry 1: N = 4, expected 5" },
        { "point-count", "ZK mask points: entry N = 4: point count 8, expected N + 1 + K = 7" },
        { "off-curve", "ZK mask points: entry N = 5, point 2:" },
        { "truncated-points", "ZK mask points: truncated in the points for N =" },
        { "truncated-entry", "ZK mask points: truncated in the entry for N =" },
        { "trailing", "ZK mask points: 64 trailing bytes after the entry for N =" },
        { "empty", "ZK mask points: truncated: 0 bytes" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Every_field_of_the_mask_part_is_checked_and_named(string what, string expected)
    {
        var parts = Parts(Pk.ToBytes());
        var m = parts[6];
        int entry1 = 4 + 8 + 64 * ZkOpeningSetup.MaskPointCount(4); // offset of the entry for N = 5
        parts[6] = what switch
        {
            "count" => With(m, 0, 99),
            "count-zero" => With(m, 0, 0),
            "first-n" => With(m, 4, 5),
            "second-n" => With(m, entry1, 4),
            "point-count" => With(m, 8, 8),
            "off-curve" => Flip(m, entry1 + 8 + 2 * 64 + 63),
            "truncated-points" => m[..^64],
            "truncated-entry" => m[..(entry1 + 4)],
            "trailing" => [.. m, .. new byte[64]],
            "empty" => [],
            _ => throw new ArgumentException(what),
        };
        Assert.Contains(expected, Load(Seal(parts)));
    }

    [Fact]
    public void A_point_changed_on_the_curve_loads_but_differs_from_the_fresh_computation()
    {
        // (the reader checks shape and curve membership, not the values: recomputing them at every load would cost the
        // setup's block sums again; a wrong point breaks only completeness — C_D1/C_D2 then do not commit the masks the prover
        // opens, and the opening fails to verify)
        var pk = Pk;
        var parts = Parts(pk.ToBytes());
        int at = 4 + 8; // S_∅ of N = 4
        EvmEncoding.EncodeG1(InferenceFixtures.Srs.G1Powers[1], parts[6].AsSpan(at, 64));
        var back = ProvingKey.FromBytes(Seal(parts));
        Assert.NotEqual(ZkOpeningSetup.MaskPoints(back.Srs, 4)[0], back.ZkMaskPoints(4)[0]);
        Assert.Equal(ZkOpeningSetup.MaskPoints(back.Srs, 5), back.ZkMaskPoints(5));
    }

    private static byte[] With(byte[] m, int at, uint value)
    {
        var r = (byte[])m.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(at), value);
        return r;
    }

    private static byte[] Flip(byte[] m, int at)
    {
        var r = (byte[])m.Clone();
        r[at] ^= 1;
        return r;
    }

    private static string Load(byte[] bytes) => Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(bytes)).Message;

    /// <summary>The parts of a proving key file (each after its u32 length).</summary>
    private static List<byte[]> Parts(byte[] key)
    {
        var parts = new List<byte[]>();
        int o = 12;
        while (o < key.Length - 32)
        {
            int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(o));
            parts.Add(key.AsSpan(o + 4, len).ToArray());
            o += 4 + len;
        }
        Assert.Equal(key.Length - 32, o);
        return parts;
    }

    /// <summary>A version-6 key of <paramref name="parts"/> with a valid SHA-256 trailer.</summary>
    private static byte[] Seal(List<byte[]> parts)
    {
        var head = Pk.ToBytes().AsSpan(0, 12).ToArray();
        var body = parts.SelectMany(p => BitConverter.GetBytes((uint)p.Length).Concat(p)).ToArray();
        var all = head.Concat(body).ToArray();
        return [.. all, .. SHA256.HashData(all)];
    }
}
