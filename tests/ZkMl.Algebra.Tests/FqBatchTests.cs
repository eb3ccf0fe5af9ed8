using System.Numerics;
using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The eight-lane AVX-512 Fq product (<see cref="FqBatch.Mul"/>) against its scalar twin (<see cref="FqBatch.MulScalar"/>,
/// i.e. <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/>, itself checked against BigInteger in the field tests) and against
/// BigInteger directly, on raw Montgomery limbs including the edges 0, 1, p − 1 and the largest limb patterns below p.
/// Without AVX-512 the same assertions check the scalar path.
/// </summary>
public class FqBatchTests
{
    private static readonly BigInteger P = Fq.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, P - 2, P);

    /// <summary>An element whose raw Montgomery limbs are <paramref name="v"/> (0 ≤ v &lt; p).</summary>
    private static Fq Raw(BigInteger v)
    {
        Assert.InRange(v, BigInteger.Zero, P - 1);
        var bytes = new byte[32];
        v.TryWriteBytes(bytes, out _, isUnsigned: true);
        return new Fq(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), BitConverter.ToUInt64(bytes, 16), BitConverter.ToUInt64(bytes, 24));
    }

    private static BigInteger RawValue(Fq x) =>
        new BigInteger(x.L0) | (new BigInteger(x.L1) << 64) | (new BigInteger(x.L2) << 128) | (new BigInteger(x.L3) << 192);

    private static readonly BigInteger[] EdgeRaw =
    [
        0, 1, 2, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, BigInteger.One << 253, (BigInteger.One << 253) - 1,
        (BigInteger.One << 29) - 1, BigInteger.One << 29, (BigInteger.One << 64) - 1, BigInteger.One << 232,
        (BigInteger.One << 256) % P, P - (BigInteger.One << 256) % P, // One and −One
        P - (BigInteger.One << 29), P - (BigInteger.One << 200),
    ];

    private static void AssertMatchesScalarAndBigInteger(Fq[] a, Fq[] b)
    {
        var fast = new Fq[a.Length];
        var twin = new Fq[a.Length];
        FqBatch.Mul(a, b, fast);
        FqBatch.MulScalar(a, b, twin);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(twin[i], fast[i]);
            // Montgomery product of the raw values: a·b·2^−256 mod p, fully reduced
            Assert.Equal(RawValue(a[i]) * RawValue(b[i]) * RInv % P, RawValue(fast[i]));
        }
    }

    [Fact]
    public void EveryPairOfEdgeValuesMatches()
    {
        var a = new List<Fq>();
        var b = new List<Fq>();
        foreach (var x in EdgeRaw)
            foreach (var y in EdgeRaw) { a.Add(Raw(x)); b.Add(Raw(y)); }
        AssertMatchesScalarAndBigInteger([.. a], [.. b]);
    }

    [Fact]
    public void EveryLengthUpTo70MatchesIncludingTheScalarTail()
    {
        var rng = new Random(19);
        for (int n = 0; n <= 70; n++)
        {
            var a = Enumerable.Range(0, n).Select(i => i % 9 == 0 ? Raw(P - 1) : Fq.Random(rng)).ToArray();
            var b = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? Raw(P - 1) : i % 7 == 0 ? Fq.Zero : Fq.Random(rng)).ToArray();
            AssertMatchesScalarAndBigInteger(a, b);
        }
    }

    [Fact]
    public void RandomRawLimbsMatch()
    {
        // Raw limb patterns below p, biased towards all-ones and all-zeros words (carry and borrow chains).
        var word = Gen.OneOf(Gen.ULong, Gen.Const(ulong.MaxValue), Gen.Const(0UL), Gen.ULong[0, (1UL << 29) - 1]);
        var element = Gen.Select(word, word, word, word, Gen.Bool, (w0, w1, w2, w3, nearTop) =>
        {
            var v = (new BigInteger(w0) | (new BigInteger(w1) << 64) | (new BigInteger(w2) << 128) | (new BigInteger(w3) << 192)) % P;
            return Raw(nearTop ? P - 1 - v % (BigInteger.One << 64) : v); // nearTop: within 2^64 below p
        });
        Props.Check(Gen.Select(element.Array[8, 24], element.Array[8, 24]), t =>
        {
            int n = Math.Min(t.Item1.Length, t.Item2.Length);
            AssertMatchesScalarAndBigInteger(t.Item1[..n], t.Item2[..n]);
        }, 1901, 400);
    }

    [Fact]
    public void TheResultMayAliasAnInput()
    {
        var rng = new Random(7);
        var a = Enumerable.Range(0, 29).Select(_ => Fq.Random(rng)).ToArray();
        var b = Enumerable.Range(0, 29).Select(_ => Fq.Random(rng)).ToArray();
        var expected = new Fq[29];
        FqBatch.MulScalar(a, b, expected);
        var inA = (Fq[])a.Clone();
        FqBatch.Mul(inA, b, inA);
        Assert.Equal(expected, inA);
        var inB = (Fq[])b.Clone();
        FqBatch.Mul(a, inB, inB);
        Assert.Equal(expected, inB);
        var sq = (Fq[])a.Clone();
        FqBatch.Mul(sq, sq, sq);
        Assert.Equal(a.Select(x => x * x).ToArray(), sq);
    }

    [Fact]
    public void UnequalLengthsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => FqBatch.Mul(new Fq[8], new Fq[9], new Fq[8]));
        Assert.Contains("a 8, b 9, r 8", ex.Message);
        Assert.Throws<ArgumentException>(() => FqBatch.Mul(new Fq[8], new Fq[8], new Fq[7]));
    }
}
