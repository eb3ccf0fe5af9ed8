using System.Numerics;
using System.Runtime.Intrinsics;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The 29-bit-limb batch-affine additions, one class per vector width (<see cref="AffineBatchAvx2Tests"/>,
/// <see cref="AffineBatchAvx512Tests"/>; the two are generated from one template): the lazy product, the subtraction and the
/// conditional subtraction against BigInteger at the edges of their input bounds (values up to 2p where the bounds allow),
/// a flush of up to seventeen additions with doublings, opposite points and a partial last group against the affine
/// addition, and whole MSMs with the limb flush on and off under the width's Fq kernel. The MSM twins
/// (<see cref="MsmVectorFlushTests"/>, <see cref="FqBatchKernelTests"/>) run the CPU's best width inside whole MSMs too.
/// Skipped (passing without running) on a CPU without the width's instructions.
/// </summary>
public abstract class AffineBatchLimbTests<TV> where TV : struct
{
    /// <summary>Additions per group (vector lanes).</summary>
    protected abstract int Lanes { get; }
    protected abstract bool IsSupported { get; }
    private protected abstract FqBatch.Mul8Kernel Kernel { get; }
    protected abstract void SetLane(ref TV v, int l, in Fq e);
    protected abstract Fq GetLane(ref TV v, int l);
    protected abstract void Mul(ref TV a, ref TV b, ref TV r);
    protected abstract void SubAddP(ref TV a, ref TV b, ref TV r);
    protected abstract void CondSubP(ref TV r);
    protected abstract int ScratchLength(int count);
    protected abstract void Flush(Span<G1Affine> bucket, Span<bool> busy, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt, int count, TV[] scratch);
    protected abstract void AddInPlace(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add);

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

    private TV[] Pack(BigInteger[] lanes)
    {
        var v = new TV[9];
        for (int l = 0; l < Lanes; l++) SetLane(ref v[0], l, Raw(lanes[l]));
        return v;
    }

    private BigInteger Lane(TV[] v, int l) => Big(GetLane(ref v[0], l));

    [Fact]
    public void Product_is_below_2p_and_congruent_to_a_b_over_R()
    {
        if (!IsSupported) return;
        var xs = Values(1, 400);
        var ys = Values(2, 400);
        for (int i = 0; i + Lanes <= xs.Length; i += Lanes)
        {
            var a = xs[i..(i + Lanes)];
            var b = ys[(ys.Length - Lanes - i)..(ys.Length - i)];
            var va = Pack(a);
            var vb = Pack(b);
            var r = new TV[9];
            Mul(ref va[0], ref vb[0], ref r[0]);
            for (int l = 0; l < Lanes; l++)
            {
                var got = Lane(r, l);
                Assert.True(got < 2 * P, $"product {i + l} not below 2p");
                Assert.Equal(a[l] * b[l] % P * RInv % P, got % P);
            }
            // a·a (the edges squared: (2p − 1)² is the largest product the bound allows)
            var sq = new TV[9];
            Mul(ref va[0], ref va[0], ref sq[0]);
            for (int l = 0; l < Lanes; l++)
            {
                Assert.True(Lane(sq, l) < 2 * P);
                Assert.Equal(a[l] * a[l] % P * RInv % P, Lane(sq, l) % P);
            }
            // in place (r = a), then canonical
            Mul(ref va[0], ref vb[0], ref va[0]);
            CondSubP(ref va[0]);
            for (int l = 0; l < Lanes; l++) Assert.Equal(a[l] * b[l] % P * RInv % P, Lane(va, l));
        }
    }

    [Fact]
    public void Difference_plus_p_and_the_conditional_subtraction_are_exact()
    {
        if (!IsSupported) return;
        var xs = Values(3, 200); // a: any normalised value below 2^260 (here below 2p, and 3p below)
        var ys = Values(4, 200).Select(v => v % P).ToArray(); // b: canonical
        ys[0] = 0; ys[1] = P - 1;
        for (int i = 0; i + Lanes <= xs.Length; i += Lanes)
        {
            var a = xs[i..(i + Lanes)];
            var b = ys[i..(i + Lanes)];
            var va = Pack(a);
            var vb = Pack(b);
            var r = new TV[9];
            SubAddP(ref va[0], ref vb[0], ref r[0]);
            for (int l = 0; l < Lanes; l++) Assert.Equal(a[l] - b[l] + P, Lane(r, l));
            // twice: a − b + p − b + p (below 4p), then three conditional subtractions make it canonical
            SubAddP(ref r[0], ref vb[0], ref r[0]);
            for (int l = 0; l < Lanes; l++) Assert.Equal(a[l] - 2 * b[l] + 2 * P, Lane(r, l));
            for (int k = 0; k < 3; k++) CondSubP(ref r[0]);
            for (int l = 0; l < Lanes; l++) Assert.Equal(((a[l] - 2 * b[l]) % P + P) % P, Lane(r, l));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(17)]
    public void Flush_gives_the_affine_sums_with_doublings_and_opposite_points(int count)
    {
        if (!IsSupported) return;
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
        var scratch = new TV[ScratchLength(count)];
        Flush(bucket, busy, pendIdx, pendPt, count, scratch);
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
        if (!IsSupported) return;
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
        AddInPlace(acc, add);
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
        if (!IsSupported) return;
        bool before = Msm.UseLimbFlush;
        var kernelBefore = FqBatch.Kernel;
        try
        {
            FqBatch.Kernel = Kernel;
            Assert.Equal(Kernel, Msm.LimbFlushKind()); // the limb path of this width runs below, not the eight-lane flush twice
            Msm.UseLimbFlush = false;
            var eight = Msm.Compute(bases, scalars, threads: 2);
            var table = FixedBaseTable.Build(bases.AsSpan(0, Math.Min(n, 4096)), 12);
            var eightTable = Msm.Compute(table, scalars.AsSpan(0, table.Count), threads: 2);
            Msm.UseLimbFlush = true;
            Assert.True(eight == Msm.Compute(bases, scalars, threads: 2));
            Assert.True(eightTable == Msm.Compute(table, scalars.AsSpan(0, table.Count), threads: 2));
            Assert.False(eight.IsInfinity);
        }
        finally { Msm.UseLimbFlush = before; FqBatch.Kernel = kernelBefore; }
    }
}

/// <summary>The four-lane AVX2 limb-form additions (<see cref="AffineBatchAvx2"/>); the cases are <see cref="AffineBatchLimbTests{TV}"/>'s.</summary>
[Collection("msm scratch")]
public class AffineBatchAvx2Tests : AffineBatchLimbTests<Vector256<ulong>>
{
    protected override int Lanes => AffineBatchAvx2.Lanes;
    protected override bool IsSupported => AffineBatchAvx2.IsSupported;
    private protected override FqBatch.Mul8Kernel Kernel => FqBatch.Mul8Kernel.Avx2;
    protected override void SetLane(ref Vector256<ulong> v, int l, in Fq e) => AffineBatchAvx2.SetLane(ref v, l, e);
    protected override Fq GetLane(ref Vector256<ulong> v, int l) => AffineBatchAvx2.GetLane(ref v, l);
    protected override void Mul(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> r) => AffineBatchAvx2.Mul(ref a, ref b, ref r);
    protected override void SubAddP(ref Vector256<ulong> a, ref Vector256<ulong> b, ref Vector256<ulong> r) => AffineBatchAvx2.SubAddP(ref a, ref b, ref r);
    protected override void CondSubP(ref Vector256<ulong> r) => AffineBatchAvx2.CondSubP(ref r);
    protected override int ScratchLength(int count) => AffineBatchAvx2.ScratchLength(count);
    protected override void Flush(Span<G1Affine> bucket, Span<bool> busy, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt, int count, Vector256<ulong>[] scratch)
        => AffineBatchAvx2.Flush(bucket, busy, pendIdx, pendPt, false, count, scratch);
    protected override void AddInPlace(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add) => AffineBatchAvx2.AddInPlace(acc, add);
}

/// <summary>The eight-lane AVX-512F limb-form additions (<see cref="AffineBatchAvx512"/>); the cases are <see cref="AffineBatchLimbTests{TV}"/>'s.</summary>
[Collection("msm scratch")]
public class AffineBatchAvx512Tests : AffineBatchLimbTests<Vector512<ulong>>
{
    protected override int Lanes => AffineBatchAvx512.Lanes;
    protected override bool IsSupported => AffineBatchAvx512.IsSupported;
    private protected override FqBatch.Mul8Kernel Kernel => FqBatch.Mul8Kernel.Avx512;
    protected override void SetLane(ref Vector512<ulong> v, int l, in Fq e) => AffineBatchAvx512.SetLane(ref v, l, e);
    protected override Fq GetLane(ref Vector512<ulong> v, int l) => AffineBatchAvx512.GetLane(ref v, l);
    protected override void Mul(ref Vector512<ulong> a, ref Vector512<ulong> b, ref Vector512<ulong> r) => AffineBatchAvx512.Mul(ref a, ref b, ref r);
    protected override void SubAddP(ref Vector512<ulong> a, ref Vector512<ulong> b, ref Vector512<ulong> r) => AffineBatchAvx512.SubAddP(ref a, ref b, ref r);
    protected override void CondSubP(ref Vector512<ulong> r) => AffineBatchAvx512.CondSubP(ref r);
    protected override int ScratchLength(int count) => AffineBatchAvx512.ScratchLength(count);
    protected override void Flush(Span<G1Affine> bucket, Span<bool> busy, ReadOnlySpan<int> pendIdx, ReadOnlySpan<G1Affine> pendPt, int count, Vector512<ulong>[] scratch)
        => AffineBatchAvx512.Flush(bucket, busy, pendIdx, pendPt, false, count, scratch);
    protected override void AddInPlace(Span<G1Affine> acc, ReadOnlySpan<G1Affine> add) => AffineBatchAvx512.AddInPlace(acc, add);
}
