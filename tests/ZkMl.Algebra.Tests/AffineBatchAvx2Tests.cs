using System.Numerics;
using System.Runtime.Intrinsics;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The 29-bit-limb AVX2 batch-affine additions (<see cref="AffineBatchAvx2"/>): the lazy product, the subtraction and the
/// conditional subtraction against BigInteger at the edges of their input bounds (values up to 2p where the bounds allow),
/// and a flush of up to thirteen additions with doublings, opposite points and a partial last group against the affine
/// addition. The MSM twins (<see cref="MsmVectorFlushTests"/>, <see cref="FqBatchKernelTests"/>) run it inside whole MSMs.
/// Skipped (passing without running) on a CPU without AVX2.
/// </summary>
[Collection("msm scratch")]
public class AffineBatchAvx2Tests
{
    private static readonly BigInteger P = Fq.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, P - 2, P);

    private static Fq Raw(BigInteger v) => FqBatchKernelTests.Raw(v);

    private static BigInteger Big(in Fq x) => FqBatchKernelTests.Big(x);

    /// <summary>Stored values below 2p: edges (0, 1, p − 1, p, 2p − 1, top-limb extremes) and random ones.</summary>
    private static BigInteger[] Values(int seed, int count)
    {
        var rng = new Random(seed);
        var list = new List<BigInteger> { 0, 1, P - 1, P, P + 1, 2 * P - 1, (BigInteger.One << 253) - 1, BigInteger.One << 253, 2 * P - 1, 2 * P - 2 };
        while (list.Count < count)
        {
            var bytes = new byte[33];
            rng.NextBytes(bytes);
            bytes[32] = 0;
            var v = new BigInteger(bytes) % (2 * P);
            list.Add(v);
        }
        return [.. list];
    }

    private static Vector256<ulong>[] Pack(BigInteger[] four)
    {
        var v = new Vector256<ulong>[9];
        for (int l = 0; l < 4; l++) AffineBatchAvx2.SetLane(ref v[0], l, Raw(four[l]));
        return v;
    }

    private static BigInteger Lane(Vector256<ulong>[] v, int l) => Big(AffineBatchAvx2.GetLane(ref v[0], l));

    [Fact]
    public void Product_is_below_2p_and_congruent_to_a_b_over_R()
    {
        if (!AffineBatchAvx2.IsSupported) return;
        var xs = Values(1, 400);
        var ys = Values(2, 400);
        for (int i = 0; i + 4 <= xs.Length; i += 4)
        {
            var a = xs[i..(i + 4)];
            var b = ys[(ys.Length - 4 - i)..(ys.Length - i)];
            var va = Pack(a);
            var vb = Pack(b);
            var r = new Vector256<ulong>[9];
            AffineBatchAvx2.Mul(ref va[0], ref vb[0], ref r[0]);
            for (int l = 0; l < 4; l++)
            {
                var got = Lane(r, l);
                Assert.True(got < 2 * P, $"product {i + l} not below 2p");
                Assert.Equal(a[l] * b[l] % P * RInv % P, got % P);
            }
            // a·a (the edges squared: (2p − 1)² is the largest product the bound allows)
            var sq = new Vector256<ulong>[9];
            AffineBatchAvx2.Mul(ref va[0], ref va[0], ref sq[0]);
            for (int l = 0; l < 4; l++)
            {
                Assert.True(Lane(sq, l) < 2 * P);
                Assert.Equal(a[l] * a[l] % P * RInv % P, Lane(sq, l) % P);
            }
            // in place (r = a), then canonical
            AffineBatchAvx2.Mul(ref va[0], ref vb[0], ref va[0]);
            AffineBatchAvx2.CondSubP(ref va[0]);
            for (int l = 0; l < 4; l++) Assert.Equal(a[l] * b[l] % P * RInv % P, Lane(va, l));
        }
    }

    [Fact]
    public void Difference_plus_p_and_the_conditional_subtraction_are_exact()
    {
        if (!AffineBatchAvx2.IsSupported) return;
        var xs = Values(3, 200); // a: any normalised value below 2^260 (here below 2p, and 3p below)
        var ys = Values(4, 200).Select(v => v % P).ToArray(); // b: canonical
        ys[0] = 0; ys[1] = P - 1;
        for (int i = 0; i + 4 <= xs.Length; i += 4)
        {
            var a = xs[i..(i + 4)];
            var b = ys[i..(i + 4)];
            var va = Pack(a);
            var vb = Pack(b);
            var r = new Vector256<ulong>[9];
            AffineBatchAvx2.SubAddP(ref va[0], ref vb[0], ref r[0]);
            for (int l = 0; l < 4; l++) Assert.Equal(a[l] - b[l] + P, Lane(r, l));
            // twice: a − b + p − b + p (below 4p), then three conditional subtractions make it canonical
            AffineBatchAvx2.SubAddP(ref r[0], ref vb[0], ref r[0]);
            for (int l = 0; l < 4; l++) Assert.Equal(a[l] - 2 * b[l] + 2 * P, Lane(r, l));
            for (int k = 0; k < 3; k++) AffineBatchAvx2.CondSubP(ref r[0]);
            for (int l = 0; l < 4; l++) Assert.Equal(((a[l] - 2 * b[l]) % P + P) % P, Lane(r, l));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(13)]
    public void Flush_gives_the_affine_sums_with_doublings_and_opposite_points(int count)
    {
        if (!AffineBatchAvx2.IsSupported) return;
        var rng = new Random(count);
        var bucket = new G1Affine[count + 3];
        var pendPt = new G1Affine[count];
        var pendIdx = new int[count];
        var busy = new bool[bucket.Length];
        var expected = new G1Affine[bucket.Length];
        var order = Enumerable.Range(0, bucket.Length).OrderBy(_ => rng.Next()).ToArray(); // distinct buckets, not in order
        for (int k = 0; k < count; k++)
        {
            int idx = order[k];
            var q = (G1Jacobian.Generator.ScalarMul(Fr.Random(rng))).ToAffine();
            var p = (k % 5) switch
            {
                2 => q,          // doubling
                3 => q.Negate(), // opposite: infinity
                _ => (G1Jacobian.Generator.ScalarMul(Fr.Random(rng))).ToAffine(),
            };
            bucket[idx] = q;
            pendIdx[k] = idx;
            pendPt[k] = p;
            busy[idx] = true;
            expected[idx] = (G1Jacobian.FromAffine(q) + G1Jacobian.FromAffine(p)).ToAffine();
        }
        Assert.Equal(count, pendIdx.Distinct().Count());
        var scratch = new Vector256<ulong>[AffineBatchAvx2.ScratchLength(count)];
        AffineBatchAvx2.Flush(bucket, busy, pendIdx, pendPt, false, count, scratch);
        for (int k = 0; k < count; k++)
        {
            int idx = pendIdx[k];
            Assert.True(expected[idx] == bucket[idx], $"addition {k} (case {k % 5})");
            Assert.False(busy[idx]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(40)]
    public void AddInPlace_gives_the_sums_with_infinity_on_either_side(int n)
    {
        if (!AffineBatchAvx2.IsSupported) return;
        var rng = new Random(100 + n);
        G1Affine Random() => G1Jacobian.Generator.ScalarMul(Fr.Random(rng)).ToAffine();
        var acc = new G1Affine[n];
        var add = new G1Affine[n];
        var expected = new G1Affine[n];
        for (int i = 0; i < n; i++)
        {
            var a = Random();
            (acc[i], add[i]) = (i % 6) switch
            {
                0 => (G1Affine.Infinity, a),
                1 => (a, G1Affine.Infinity),
                2 => (a, a),
                3 => (a, a.Negate()),
                4 => (G1Affine.Infinity, G1Affine.Infinity),
                _ => (a, Random()),
            };
            expected[i] = (G1Jacobian.FromAffine(acc[i]) + G1Jacobian.FromAffine(add[i])).ToAffine();
        }
        AffineBatchAvx2.AddInPlace(acc, add);
        for (int i = 0; i < n; i++) Assert.True(expected[i] == acc[i], $"pair {i} (case {i % 6})");
    }

    [Theory]
    [InlineData(3000, false)]
    [InlineData(3000, true)]
    [InlineData(20000, true)]
    public void Msm_with_the_limb_flush_gives_the_eight_lane_flushs_point(int n, bool adversarial)
    {
        var bases = MsmTestPoints.Bases(n, 31 + n, adversarial);
        var rng = new Random(n);
        var scalars = Enumerable.Range(0, n).Select(i => adversarial && i % 3 == 0 ? Fr.FromInt64(-(i % 7)) : Fr.Random(rng)).ToArray();
        bool before = Msm.UseLimbFlush;
        try
        {
            Msm.UseLimbFlush = false;
            var eight = Msm.Compute(bases, scalars, threads: 2);
            var table = FixedBaseTable.Build(bases.AsSpan(0, Math.Min(n, 4096)), 12);
            var eightTable = Msm.Compute(table, scalars.AsSpan(0, table.Count), threads: 2);
            Msm.UseLimbFlush = true;
            Assert.True(eight == Msm.Compute(bases, scalars, threads: 2));
            Assert.True(eightTable == Msm.Compute(table, scalars.AsSpan(0, table.Count), threads: 2));
            Assert.False(eight.IsInfinity);
        }
        finally { Msm.UseLimbFlush = before; }
    }
}
