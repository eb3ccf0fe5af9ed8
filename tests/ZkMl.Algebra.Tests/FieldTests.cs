using System.Diagnostics;
using System.Numerics;
using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// One property suite for both generated prime fields, checked against <see cref="BigInteger"/>
/// arithmetic with fixed seeds (CsCheck generators of <see cref="Gens"/>: a quarter edge values), and aliasing.
/// </summary>
public abstract class FieldTests<T> where T : struct, IPrimeField<T>
{
    private static readonly BigInteger P = T.ModulusValue;

    /// <summary>0, 1, −1, p−1, p−2, (p±1)/2, 2^k and 2^k − 1 for every 64-bit boundary below p.</summary>
    private static readonly BigInteger[] Edges = Gens.EdgeValues(P);

    private static readonly Gen<BigInteger> Value = Gens.Canonical<T>();

    private const int Cases = 300;

    private static BigInteger Mod(BigInteger v) { v %= P; return v.Sign < 0 ? v + P : v; }
    private static T F(BigInteger v) => T.FromBigInteger(v);

    private static void Binary(ulong seed, Action<T, T, BigInteger, BigInteger> check) =>
        Props.Check(Gen.Select(Value, Value), ab => check(F(ab.Item1), F(ab.Item2), ab.Item1, ab.Item2), seed, Cases);

    private static void Unary(ulong seed, Action<T, BigInteger> check) =>
        Props.Check(Value, a => check(F(a), a), seed, Cases);

    [Fact]
    public void EdgeValuesRoundTrip()
    {
        foreach (var v in Edges) Assert.Equal(v, F(v).ToBigInteger());
        Assert.True(T.Zero.IsZero);
        Assert.True(T.One.IsOne);
        Assert.Equal(P - 1, F(-1).ToBigInteger());
        Assert.Equal(P - 1, T.FromInt64(-1).ToBigInteger());
    }

    [Fact]
    public void AddMatchesBigInteger() => Binary(101, (a, b, x, y) =>
    {
        T.Add(a, b, out var r);
        Assert.Equal(Mod(x + y), r.ToBigInteger());
    });

    [Fact]
    public void SubMatchesBigInteger() => Binary(102, (a, b, x, y) =>
    {
        T.Sub(a, b, out var r);
        Assert.Equal(Mod(x - y), r.ToBigInteger());
    });

    [Fact]
    public void MulMatchesBigInteger() => Binary(103, (a, b, x, y) =>
    {
        T.Mul(a, b, out var r);
        Assert.Equal(Mod(x * y), r.ToBigInteger());
    });

    [Fact]
    public void UnaryOpsMatchBigInteger() => Unary(104, (a, x) =>
    {
        T.Neg(a, out var n); Assert.Equal(Mod(-x), n.ToBigInteger());
        T.Square(a, out var s); Assert.Equal(Mod(x * x), s.ToBigInteger());
        T.Double(a, out var d); Assert.Equal(Mod(2 * x), d.ToBigInteger());
        T.Inverse(a, out var i);
        Assert.Equal(x.IsZero ? BigInteger.Zero : BigInteger.ModPow(x, P - 2, P), i.ToBigInteger());
        if (!x.IsZero) { T.Mul(a, i, out var one); Assert.True(one.IsOne); }
    });

    [Fact]
    public void PowMatchesBigInteger() => Binary(105, (a, _, x, e) =>
    {
        Assert.Equal(BigInteger.ModPow(x, e, P), a.Pow(e).ToBigInteger());
        Assert.Equal(BigInteger.ModPow(x, e * e, P), a.Pow(e * e).ToBigInteger()); // exponents above p
        Assert.True(a.Pow(0).IsOne);
    });

    [Fact]
    public void PowRejectsNegativeExponent() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => T.One.Pow(-1));

    [Fact]
    public void AliasedOutputsAreCorrect() => Binary(106, (a, b, x, y) =>
    {
        var r = a; T.Add(r, b, out r); Assert.Equal(Mod(x + y), r.ToBigInteger());
        r = b; T.Add(a, r, out r); Assert.Equal(Mod(x + y), r.ToBigInteger());
        r = a; T.Sub(r, b, out r); Assert.Equal(Mod(x - y), r.ToBigInteger());
        r = b; T.Sub(a, r, out r); Assert.Equal(Mod(x - y), r.ToBigInteger());
        r = a; T.Mul(r, b, out r); Assert.Equal(Mod(x * y), r.ToBigInteger());
        r = b; T.Mul(a, r, out r); Assert.Equal(Mod(x * y), r.ToBigInteger());
        r = a; T.Mul(r, r, out r); Assert.Equal(Mod(x * x), r.ToBigInteger());
        r = a; T.Add(r, r, out r); Assert.Equal(Mod(2 * x), r.ToBigInteger());
        r = a; T.Sub(r, r, out r); Assert.True(r.IsZero);
        r = a; T.Square(r, out r); Assert.Equal(Mod(x * x), r.ToBigInteger());
        r = a; T.Neg(r, out r); Assert.Equal(Mod(-x), r.ToBigInteger());
        r = a; T.Double(r, out r); Assert.Equal(Mod(2 * x), r.ToBigInteger());
        r = a; T.Inverse(r, out r); Assert.Equal(x.IsZero ? 0 : BigInteger.ModPow(x, P - 2, P), r.ToBigInteger());
    });

    [Fact]
    public void BatchInverseMatchesSingleInverseIncludingZeros()
    {
        var rng = new System.Random(107);
        foreach (int n in new[] { 0, 1, 2, 3, 17, 255, 256, 257, 600 })
        {
            var values = new T[n];
            for (int i = 0; i < n; i++) values[i] = rng.Next(5) == 0 ? T.Zero : T.Random(rng);
            var expected = values.Select(v => { T.Inverse(v, out var r); return r; }).ToArray();
            T.BatchInverse(values);
            Assert.Equal(expected, values);
        }
        var zeros = new T[5];
        T.BatchInverse(zeros);
        Assert.All(zeros, z => Assert.True(z.IsZero));
    }

    [Fact]
    public void SqrtFindsRootsAndRejectsNonResidues() => Unary(108, (a, x) =>
    {
        bool isSquare = x.IsZero || BigInteger.ModPow(x, (P - 1) / 2, P).IsOne;
        Assert.Equal(isSquare, T.Sqrt(a, out var r));
        if (isSquare) { T.Square(r, out var s); Assert.Equal(x, s.ToBigInteger()); }
        else Assert.True(r.IsZero);
        T.Square(a, out var sq);
        Assert.True(T.Sqrt(sq, out var root));
        Assert.True(root.ToBigInteger() == x || root.ToBigInteger() == Mod(-x));
    });

    [Fact]
    public void ByteConversionsRoundTrip() => Unary(109, (a, x) =>
    {
        var be = a.ToBytesBigEndian();
        var le = a.ToBytesLittleEndian();
        Assert.Equal(x.ToByteArray(isUnsigned: true, isBigEndian: true).PadLeft(32), be);
        Assert.Equal(be.Reverse().ToArray(), le);
        Assert.Equal(a, T.FromBytesBigEndian(be));
        Assert.Equal(a, T.FromBytesLittleEndian(le));
        Assert.True(T.TryFromBytesBigEndian(be, out var b1) && b1.Equals(a));
        Assert.True(T.TryFromBytesLittleEndian(le, out var b2) && b2.Equals(a));
        Assert.Equal(x, a.ToBigInteger());
        Assert.Equal(x > P / 2 ? x - P : x, a.ToSignedBigInteger());
    });

    [Fact]
    public void SignedIntegerConversions()
    {
        foreach (long v in new[] { 0L, 1L, -1L, 127L, -128L, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, long.MinValue + 1 })
        {
            Assert.Equal(Mod(v), T.FromInt64(v).ToBigInteger());
            Assert.Equal(new BigInteger(v), T.FromInt64(v).ToSignedBigInteger());
        }
        foreach (ulong v in new[] { 0UL, 1UL, ulong.MaxValue, 1UL << 63 })
            Assert.Equal(new BigInteger(v), T.FromUInt64(v).ToBigInteger());
        Assert.Equal(Mod(-P - 5), T.FromBigInteger(-P - 5).ToBigInteger());
        Assert.Equal(Mod(P * P + 7), T.FromBigInteger(P * P + 7).ToBigInteger());
    }

    [Fact]
    public void DecodingRejectsValuesAtOrAboveTheModulus()
    {
        foreach (var v in new[] { P, P + 1, (BigInteger.One << 256) - 1, P + (BigInteger.One << 200) })
        {
            var be = v.ToByteArray(isUnsigned: true, isBigEndian: true).PadLeft(32);
            var le = be.Reverse().ToArray();
            var e1 = Assert.Throws<FormatException>(() => T.FromBytesBigEndian(be));
            Assert.Contains("not below the modulus", e1.Message);
            Assert.Throws<FormatException>(() => T.FromBytesLittleEndian(le));
            Assert.False(T.TryFromBytesBigEndian(be, out _));
            Assert.False(T.TryFromBytesLittleEndian(le, out _));
            // hash-to-field reduces instead of rejecting
            Assert.Equal(Mod(v), T.FromBytesBigEndianReduced(be).ToBigInteger());
        }
        var e2 = Assert.Throws<ArgumentException>(() => T.FromBytesBigEndian(new byte[31]));
        Assert.Contains("32 bytes", e2.Message);
        Assert.Throws<ArgumentException>(() => T.FromBytesLittleEndian(new byte[33]));
        Assert.Throws<ArgumentException>(() => T.FromBytesBigEndianReduced(new byte[31]));
        Assert.False(T.TryFromBytesBigEndian(new byte[31], out _));
    }

    [Fact]
    public void ReducedDecodingMatchesBigInteger()
    {
        var rng = new System.Random(110);
        var buf = new byte[32];
        for (int i = 0; i < 300; i++)
        {
            rng.NextBytes(buf);
            if (i < 3) Array.Fill(buf, (byte)(i == 0 ? 0 : 0xFF));
            var v = new BigInteger(buf, isUnsigned: true, isBigEndian: true);
            Assert.Equal(Mod(v), T.FromBytesBigEndianReduced(buf).ToBigInteger());
        }
    }
}

public sealed class FrFieldTests : FieldTests<Fr>;

public sealed class FqFieldTests : FieldTests<Fq>
{
    [Fact]
    public void FqModulusIs3Mod4() => Assert.Equal(3, (int)(Fq.Modulus % 4));
}

public class FieldGeneratorTests
{
    /// <summary>The committed Fr/Fq, G1/G2 Jacobian and vector-kernel files are exactly what the generator makes from the templates.</summary>
    [Fact]
    public void GeneratedFieldsHaveNoDrift()
    {
        string root = ZkMl.TestKit.RepoPaths.Root;
        string outDir = Path.Combine(Path.GetTempPath(), "zkml-gen-fields-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outDir);
        try
        {
            var psi = new ProcessStartInfo("node", [Path.Combine(root, "scripts", "gen", "gen-fields.mjs"), outDir])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var proc = Process.Start(psi) ?? throw new InvalidOperationException("could not start node (required by scripts/setup.sh)");
            string err = proc.StandardError.ReadToEnd();
            proc.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            Assert.True(proc.ExitCode == 0, "gen-fields.mjs failed: " + err);
            foreach (var (folder, name) in new[] { ("Fields", "Fr.g.cs"), ("Fields", "Fq.g.cs"), ("Curves", "G1Jacobian.g.cs"), ("Curves", "G2Jacobian.g.cs"),
                ("Fields", "Mont29Avx2.g.cs"), ("Fields", "Mont29Avx512.g.cs"), ("Msm", "AffineBatchAvx2.g.cs"), ("Msm", "AffineBatchAvx512.g.cs") })
            {
                string committed = File.ReadAllText(Path.Combine(root, "src", "ZkMl.Algebra", folder, name));
                string fresh = File.ReadAllText(Path.Combine(outDir, name));
                Assert.True(committed == fresh, $"{name} differs from the generator output: run `node scripts/gen/gen-fields.mjs`");
            }
        }
        finally { Directory.Delete(outDir, true); }
    }
}

internal static class ByteArrayExtensions
{
    public static byte[] PadLeft(this byte[] bytes, int length)
    {
        var r = new byte[length];
        bytes.CopyTo(r, length - bytes.Length);
        return r;
    }
}
