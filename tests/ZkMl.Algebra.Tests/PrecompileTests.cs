using System.Numerics;
using System.Text.Json;
using Xunit.Abstractions;
using ZkMl.Algebra.Evm;

namespace ZkMl.Algebra.Tests;

/// <summary>Shared helpers for the precompile tests: hex, and random valid/invalid inputs.</summary>
internal static class PrecompileCases
{
    public static readonly BigInteger P = Fq.Modulus;
    public static readonly BigInteger R = Fr.Modulus;

    public static byte[] Hex(string s) => Convert.FromHexString(s);

    public static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();

    public static byte[] Be32(BigInteger v) => v.ToByteArray(isUnsigned: true, isBigEndian: true) is var b && b.Length <= 32
        ? [.. new byte[32 - b.Length], .. b]
        : throw new ArgumentOutOfRangeException(nameof(v));

    public static BigInteger Random256(Random rng)
    {
        var b = new byte[32];
        rng.NextBytes(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    public static G1Affine RandomG1(Random rng) => rng.Next(8) == 0 ? G1Affine.Infinity : Fr.Random(rng) * G1Affine.Generator;

    public static G2Affine RandomG2(Random rng) => rng.Next(8) == 0 ? G2Affine.Infinity : Fr.Random(rng) * G2Affine.Generator;

    /// <summary>A 64-byte G1 encoding that is invalid in a random way (x ≥ p, y ≥ p, or off curve).</summary>
    public static byte[] BadG1(Random rng)
    {
        var p = Fr.Random(rng) * G1Affine.Generator;
        return rng.Next(4) switch
        {
            0 => [.. Be32(p.X.ToBigInteger() + P), .. Be32(p.Y.ToBigInteger())],
            1 => [.. Be32(p.X.ToBigInteger()), .. Be32(P + (rng.Next(2) == 0 ? 0 : p.Y.ToBigInteger()))],
            2 => [.. Be32((BigInteger.One << 256) - 1), .. Be32(p.Y.ToBigInteger())],
            _ => [.. Be32(p.X.ToBigInteger()), .. Be32((p.Y.ToBigInteger() + 1) % P)],
        };
    }

    /// <summary>A 128-byte G2 encoding that is invalid: coordinate ≥ p, off the twist, or on the twist but outside G2.</summary>
    public static byte[] BadG2(Random rng)
    {
        var q = Fr.Random(rng) * G2Affine.Generator;
        var e = EvmEncoding.EncodeG2(q);
        switch (rng.Next(4))
        {
            case 0:
                int slot = rng.Next(4);
                var v = new BigInteger(e.AsSpan(32 * slot, 32), isUnsigned: true, isBigEndian: true) + P;
                Be32(v).CopyTo(e, 32 * slot);
                return e;
            case 1:
                e[127] ^= 1;
                return e;
            default:
                return EvmEncoding.EncodeG2(PairingTests.RandomTwistPoint(rng));
        }
    }
}

public class PrecompileTests(ITestOutputHelper output)
{
    private static readonly BigInteger P = Fq.Modulus;
    private static readonly BigInteger R = Fr.Modulus;

    /// <summary>The shared test-vector folder: $ZKML_SHARED or ../shared, or null.</summary>
    private static string? VectorDir()
    {
        var env = Environment.GetEnvironmentVariable("ZKML_SHARED");
        var shared = !string.IsNullOrEmpty(env) && Directory.Exists(env) ? env : ZkMl.TestKit.RepoPaths.Shared;
        if (shared == null) return null;
        var d = Path.Combine(shared, "testvectors");
        return Directory.Exists(d) ? d : null;
    }

    private bool SkipWithoutVectors(out string dir)
    {
        var d = VectorDir();
        dir = d ?? "";
        if (d != null) return false;
        output.WriteLine("SKIPPED: ../shared/testvectors not found (set ZKML_SHARED to the shared folder to run the Ethereum precompile vectors)");
        return true;
    }

    private delegate bool Precompile(ReadOnlySpan<byte> input, out byte[] result);

    private int RunVectors(string file, Precompile f)
    {
        if (SkipWithoutVectors(out var dir)) return 0;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, file)));
        int n = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var name = c.GetProperty("Name").GetString();
            var input = Convert.FromHexString(c.GetProperty("Input").GetString()!);
            var expected = c.GetProperty("Expected").GetString()!;
            Assert.True(f(input, out var got), $"{file} case {name} failed");
            Assert.Equal(expected, Convert.ToHexString(got).ToLowerInvariant());
            n++;
        }
        Assert.True(n > 0, $"{file} has no cases");
        output.WriteLine($"{file}: {n} cases passed");
        return n;
    }

    [Fact]
    public void EthereumAddVectors() => RunVectors("bn256Add.json", Precompiles.TryEcAdd);

    [Fact]
    public void EthereumScalarMulVectors() => RunVectors("bn256ScalarMul.json", Precompiles.TryEcMul);

    [Fact]
    public void EthereumPairingVectors() => RunVectors("bn256Pairing.json", Precompiles.TryEcPairing);

    [Fact]
    public void ScalarZeroGivesInfinity()
    {
        var g = EvmEncoding.EncodeG1(G1Affine.Generator);
        Assert.True(Precompiles.TryEcMul([.. g, .. new byte[32]], out var r));
        Assert.Equal(new byte[64], r);
        // no scalar at all: zero padding gives scalar 0 as well
        Assert.True(Precompiles.TryEcMul(g, out r));
        Assert.Equal(new byte[64], r);
        Assert.True(Precompiles.TryEcMul([.. g, .. PrecompileCases.Be32(R)], out r));
        Assert.Equal(new byte[64], r);
    }

    [Fact]
    public void EncodingsRoundTrip()
    {
        var rng = new Random(31);
        for (int i = 0; i < 5; i++)
        {
            var p = PrecompileCases.RandomG1(rng);
            var q = PrecompileCases.RandomG2(rng);
            Assert.Equal(p, EvmEncoding.DecodeG1(EvmEncoding.EncodeG1(p)));
            Assert.Equal(q, EvmEncoding.DecodeG2(EvmEncoding.EncodeG2(q)));
        }
        var g2 = EvmEncoding.EncodeG2(G2Affine.Generator);
        // x.c1 comes first (EIP-197)
        Assert.Equal("198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2", PrecompileCases.Hex(g2[..32]));
        Assert.Equal(new byte[64], EvmEncoding.EncodeG1(G1Affine.Infinity));
        Assert.Equal(new byte[128], EvmEncoding.EncodeG2(G2Affine.Infinity));
        Assert.True(EvmEncoding.DecodeG1(new byte[64]).IsInfinity);
        Assert.True(EvmEncoding.DecodeG2(new byte[128]).IsInfinity);
    }

    [Fact]
    public void DecodersRejectInvalidPoints()
    {
        var rng = new Random(32);
        for (int i = 0; i < 12; i++)
        {
            Assert.False(EvmEncoding.TryDecodeG1(PrecompileCases.BadG1(rng), out _, out var e1));
            Assert.NotNull(e1);
            Assert.False(EvmEncoding.TryDecodeG2(PrecompileCases.BadG2(rng), out _, out var e2));
            Assert.NotNull(e2);
        }
        Assert.False(EvmEncoding.TryDecodeG1(new byte[63], out _, out var len));
        Assert.Contains("64 bytes", len);
        var ex = Assert.Throws<FormatException>(() => EvmEncoding.DecodeG1([.. new byte[32], .. PrecompileCases.Be32(P)]));
        Assert.Contains("modulus", ex.Message);
        var t = PairingTests.RandomTwistPoint(new Random(1));
        ex = Assert.Throws<FormatException>(() => EvmEncoding.DecodeG2(EvmEncoding.EncodeG2(t)));
        Assert.Contains("subgroup", ex.Message);
        // (1, 3) is off the curve: 9 ≠ 1 + 3
        ex = Assert.Throws<FormatException>(() => EvmEncoding.DecodeG1([.. PrecompileCases.Be32(1), .. PrecompileCases.Be32(3)]));
        Assert.Contains("not on the curve", ex.Message);
    }

    [Fact]
    public void PrecompileInputRules()
    {
        var rng = new Random(33);
        var a = Fr.Random(rng) * G1Affine.Generator;
        var b = Fr.Random(rng) * G1Affine.Generator;
        var ea = EvmEncoding.EncodeG1(a);
        var eb = EvmEncoding.EncodeG1(b);
        // add: exact, short (padded: a + O), long (truncated)
        Assert.True(Precompiles.TryEcAdd([.. ea, .. eb], out var sum));
        Assert.Equal(EvmEncoding.EncodeG1(a + b), sum);
        Assert.True(Precompiles.TryEcAdd(ea, out var onlyA));
        Assert.Equal(ea, onlyA);
        Assert.True(Precompiles.TryEcAdd([], out var zero));
        Assert.Equal(new byte[64], zero);
        Assert.True(Precompiles.TryEcAdd([.. ea, .. eb, 1, 2, 3], out var sumLong));
        Assert.Equal(sum, sumLong);
        Assert.True(Precompiles.TryEcAdd([.. ea, .. EvmEncoding.EncodeG1(a.Negate())], out var cancel));
        Assert.Equal(new byte[64], cancel);
        Assert.False(Precompiles.TryEcAdd([.. ea, .. PrecompileCases.BadG1(rng)], out var failed));
        Assert.Empty(failed);
        // a short input whose padding makes an off-curve point fails: (1, 0)
        Assert.False(Precompiles.TryEcAdd([.. new byte[31], 1], out _));

        // mul: full 256-bit scalar, equal to the scalar mod r
        var k = PrecompileCases.Random256(rng);
        Assert.True(Precompiles.TryEcMul([.. ea, .. PrecompileCases.Be32(k)], out var prod));
        Assert.Equal(EvmEncoding.EncodeG1(G1Jacobian.FromAffine(a).ScalarMul(k % R).ToAffine()), prod);
        Assert.False(Precompiles.TryEcMul([.. PrecompileCases.BadG1(rng), 1], out _));

        // pairing
        Assert.True(Precompiles.TryEcPairing([], out var one));
        Assert.Equal(PrecompileCases.Be32(1), one);
        Assert.False(Precompiles.TryEcPairing(new byte[191], out _));
        Assert.False(Precompiles.TryEcPairing(new byte[193], out _));
        Assert.True(Precompiles.TryEcPairing(new byte[192], out one));
        Assert.Equal(PrecompileCases.Be32(1), one);
        var g2 = EvmEncoding.EncodeG2(G2Affine.Generator);
        Assert.True(Precompiles.TryEcPairing([.. ea, .. g2], out var no));
        Assert.Equal(new byte[32], no);
        Assert.True(Precompiles.TryEcPairing([.. ea, .. g2, .. EvmEncoding.EncodeG1(a.Negate()), .. g2], out one));
        Assert.Equal(PrecompileCases.Be32(1), one);
        Assert.False(Precompiles.TryEcPairing([.. ea, .. EvmEncoding.EncodeG2(PairingTests.RandomTwistPoint(rng))], out _));
        // an invalid G2 point fails even when paired with infinity
        Assert.False(Precompiles.TryEcPairing([.. new byte[64], .. EvmEncoding.EncodeG2(PairingTests.RandomTwistPoint(rng))], out _));
    }
}
