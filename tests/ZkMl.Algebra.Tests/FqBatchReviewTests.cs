using System.Numerics;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// Review of the eight-lane Fq kernel (session 23): many more products than <see cref="FqBatchTests"/> (so that every
/// lane sees both outcomes of the final conditional subtraction and long borrow chains), the Montgomery batch inversion
/// <see cref="FqBatch.InverseEach8"/> on adversarial denominators and on one row of eight (n = 8: no forward pass), and the
/// scalar path's equality when the CPU has no AVX-512.
/// </summary>
public class FqBatchReviewTests
{
    private static readonly BigInteger P = Fq.Modulus;

    private static Fq Raw(BigInteger v)
    {
        var bytes = new byte[32];
        v.TryWriteBytes(bytes, out _, isUnsigned: true);
        return new Fq(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), BitConverter.ToUInt64(bytes, 16), BitConverter.ToUInt64(bytes, 24));
    }

    /// <summary>Raw values at every 29-bit and 64-bit limb boundary below p, and p minus them.</summary>
    private static IEnumerable<Fq> Boundaries()
    {
        for (int k = 0; k < 254; k++)
        {
            var v = BigInteger.One << k;
            if (v < P) { yield return Raw(v); yield return Raw(v - 1); yield return Raw(P - v); }
            if (k % 29 == 0 || k % 64 == 0) { yield return Raw(((BigInteger.One << k) - 1) % P); yield return Raw(P - 1 - (((BigInteger.One << k) - 1) % P)); }
        }
        yield return Raw(P - 1);
        yield return Raw(0);
    }

    [Fact]
    public void Many_products_of_random_and_boundary_values_match_the_scalar_twin()
    {
        var rng = new Random(2323);
        var edges = Boundaries().ToArray();
        const int n = 1 << 15;
        var a = new Fq[n];
        var b = new Fq[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (i % 4) switch { 0 => edges[rng.Next(edges.Length)], _ => Fq.Random(rng) };
            b[i] = (i % 3) switch { 0 => edges[rng.Next(edges.Length)], _ => Fq.Random(rng) };
        }
        // every boundary against every boundary too
        var ea = new List<Fq>();
        var eb = new List<Fq>();
        foreach (var x in edges) foreach (var y in edges) { ea.Add(x); eb.Add(y); }
        foreach (var (xa, xb) in new[] { (a, b), (ea.ToArray(), eb.ToArray()) })
        {
            var fast = new Fq[xa.Length];
            var twin = new Fq[xa.Length];
            FqBatch.Mul(xa, xb, fast);
            FqBatch.MulScalar(xa, xb, twin);
            for (int i = 0; i < xa.Length; i++) Assert.True(twin[i] == fast[i], $"entry {i}: {xa[i]} · {xb[i]}");
        }
    }

    /// <summary>
    /// <see cref="FqBatch.Mul8"/> (the AVX-512 kernel where the CPU has it) against its scalar twin and against BigInteger, on
    /// boundary and random values, with the result written over either input (same start) as the callers do.
    /// </summary>
    [Fact]
    public void Mul8_matches_its_scalar_twin_and_BigInteger_also_in_place()
    {
        var rng = new Random(2424);
        var edges = Boundaries().ToArray();
        var rInv = BigInteger.ModPow(BigInteger.One << 256, P - 2, P);
        for (int round = 0; round < 200; round++)
        {
            var a = new Fq[8];
            var b = new Fq[8];
            for (int l = 0; l < 8; l++)
            {
                a[l] = (l + round) % 3 == 0 ? edges[rng.Next(edges.Length)] : Fq.Random(rng);
                b[l] = (l + round) % 2 == 0 ? edges[rng.Next(edges.Length)] : Fq.Random(rng);
            }
            var fast = new Fq[8];
            var twin = new Fq[8];
            FqBatch.Mul8(ref a[0], ref b[0], ref fast[0]);
            FqBatch.Mul8Scalar(ref a[0], ref b[0], ref twin[0]);
            for (int l = 0; l < 8; l++)
            {
                var want = Raw(ToBig(a[l]) * ToBig(b[l]) * rInv % P); // Montgomery: a·b·2^−256 on the raw limbs
                Assert.True(want == twin[l], $"round {round} lane {l}: scalar twin");
                Assert.True(want == fast[l], $"round {round} lane {l}: Mul8");
            }
            var inA = (Fq[])a.Clone();
            FqBatch.Mul8(ref inA[0], ref b[0], ref inA[0]);
            Assert.Equal(fast, inA);
            var inB = (Fq[])b.Clone();
            FqBatch.Mul8Scalar(ref a[0], ref inB[0], ref inB[0]);
            Assert.Equal(twin, inB);
        }
    }

    private static BigInteger ToBig(in Fq x)
    {
        var bytes = new byte[33];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), x.L0);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), x.L1);
        BitConverter.TryWriteBytes(bytes.AsSpan(16, 8), x.L2);
        BitConverter.TryWriteBytes(bytes.AsSpan(24, 8), x.L3);
        return new BigInteger(bytes);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(136)]
    public void InverseEach8_inverts_adversarial_denominators(int n)
    {
        // Since session 24 InverseEach8 runs on every CPU (eight scalar chains without AVX-512), so it is checked everywhere.
        var rng = new Random(n);
        var edges = Boundaries().Where(e => !e.IsZero).ToArray();
        var den = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? edges[rng.Next(edges.Length)] : Fq.Random(rng)).ToArray();
        for (int i = 0; i < n; i++) if (den[i].IsZero) den[i] = Fq.One;
        den[0] = -Fq.One;
        den[n - 1] = Raw(P - 1);
        var copy = (Fq[])den.Clone();
        var prefix = new Fq[n];
        var inv = new Fq[n];
        FqBatch.InverseEach8(den, prefix, inv);
        Assert.Equal(copy, den); // the denominators are read, not written
        for (int i = 0; i < n; i++)
        {
            Fq.Inverse(copy[i], out var expected);
            Assert.True(expected == inv[i], $"entry {i}");
        }
    }
}
