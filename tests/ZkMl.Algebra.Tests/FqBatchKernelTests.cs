using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// Every <see cref="FqBatch.Mul8Kernel"/> the CPU supports (scalar, AVX2, AVX-512) against <see cref="FqBatch.Mul8Scalar"/>
/// and BigInteger, called directly and through the <see cref="FqBatch.Kernel"/> switch, and the MSM and bucket reduction
/// computed with each kernel against the scalar flush. A kernel the CPU lacks is skipped (its case passes without running);
/// on an AVX2 machine without AVX-512 the AVX2 kernel is the one the prover takes, so it always runs there.
/// Runs alone (the kernel switch is process-wide).
/// </summary>
[Collection("msm scratch")]
public class FqBatchKernelTests
{
    private static readonly BigInteger P = Fq.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, P - 2, P);

    /// <summary>The kernel names (the enum is internal, so the theories take its name).</summary>
    public static TheoryData<string> Kernels => ["Scalar", "Avx2", "Avx512"];

    internal static Fq Raw(BigInteger v)
    {
        var bytes = new byte[32];
        v.TryWriteBytes(bytes, out _, isUnsigned: true);
        return new Fq(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), BitConverter.ToUInt64(bytes, 16), BitConverter.ToUInt64(bytes, 24));
    }

    internal static BigInteger Big(in Fq x) =>
        new BigInteger(x.L0) | (new BigInteger(x.L1) << 64) | (new BigInteger(x.L2) << 128) | (new BigInteger(x.L3) << 192);

    /// <summary>
    /// Whether the vector kernels' Montgomery result before the final subtraction, t = (a·b·2^5 + m·p) / 2^261 with
    /// m = −a·b·2^5·p⁻¹ mod 2^261 (nine radix-2^29 rounds), is at least p, i.e. needs the subtraction.
    /// </summary>
    private static bool NeedsSubtraction(in Fq a, in Fq b)
    {
        var r261 = BigInteger.One << 261;
        var pInv = BigInteger.ModPow(P, (BigInteger.One << 260) - 1, r261); // p^(φ(2^261) − 1) = p⁻¹ mod 2^261
        var ab = Big(a) * Big(b) << 5;
        var m = (r261 - ab * pInv % r261) % r261;
        return (ab + m * P) / r261 >= P;
    }

    /// <summary>Raw values at the 29-bit and 64-bit limb boundaries, near 2^254 and near p, and p minus them.</summary>
    private static Fq[] Edges()
    {
        var e = new List<BigInteger> { 0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, (BigInteger.One << 256) % P, P - (BigInteger.One << 256) % P };
        for (int k = 1; k < 254; k++)
        {
            if (k % 29 != 0 && k % 64 != 0 && k < 250) continue;
            var v = BigInteger.One << k;
            e.Add(v); e.Add(v - 1); e.Add(P - v); e.Add(P - v + 1);
        }
        e.Add(P - (BigInteger.One << 253) - 12345); // between 2^253 and p, far from both
        return e.Where(v => v >= 0 && v < P).Distinct().Select(Raw).ToArray();
    }

    private static void RunKernel(FqBatch.Mul8Kernel kernel, ref Fq a, ref Fq b, ref Fq r)
    {
        switch (kernel)
        {
            case FqBatch.Mul8Kernel.Avx512: FqBatch.Mul8Avx512(ref a, ref b, ref r); break;
            case FqBatch.Mul8Kernel.Avx2: FqBatch.Mul8Avx2(ref a, ref b, ref r); break;
            default: FqBatch.Mul8Scalar(ref a, ref b, ref r); break;
        }
    }

    private static T With<T>(FqBatch.Mul8Kernel kernel, Func<T> f)
    {
        var before = FqBatch.Kernel;
        FqBatch.Kernel = kernel;
        try { return f(); }
        finally { FqBatch.Kernel = before; }
    }

    [Fact]
    public void The_best_kernel_on_an_AVX2_CPU_without_AVX512_is_AVX2()
    {
        var expected = Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? FqBatch.Mul8Kernel.Avx512
            : Avx2.IsSupported && Vector256.IsHardwareAccelerated ? FqBatch.Mul8Kernel.Avx2 : FqBatch.Mul8Kernel.Scalar;
        Assert.Equal(expected, FqBatch.BestKernel);
        Assert.Equal(expected != FqBatch.Mul8Kernel.Scalar, FqBatch.IsVectorized);
        foreach (var k in new[] { FqBatch.Mul8Kernel.Avx2, FqBatch.Mul8Kernel.Avx512 })
            if (!FqBatch.IsSupported(k)) Assert.Throws<PlatformNotSupportedException>(() => FqBatch.Kernel = k);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_pair_of_edge_values_and_random_values_matches_BigInteger_with_and_without_the_final_subtraction(string name)
    {
        var kernel = Enum.Parse<FqBatch.Mul8Kernel>(name);
        if (!FqBatch.IsSupported(kernel)) return;
        var edges = Edges();
        var rng = new Random(2525);
        var a = new List<Fq>();
        var b = new List<Fq>();
        foreach (var x in edges) foreach (var y in edges) { a.Add(x); b.Add(y); }
        for (int i = 0; i < 4096; i++)
        {
            a.Add(i % 3 == 0 ? edges[rng.Next(edges.Length)] : Fq.Random(rng));
            b.Add(Fq.Random(rng));
        }
        while (a.Count % 8 != 0) { a.Add(Fq.Random(rng)); b.Add(Fq.Random(rng)); }
        var xa = a.ToArray();
        var xb = b.ToArray();
        var fast = new Fq[xa.Length];
        var twin = new Fq[xa.Length];
        for (int j = 0; j < xa.Length; j += 8)
        {
            RunKernel(kernel, ref xa[j], ref xb[j], ref fast[j]);
            FqBatch.Mul8Scalar(ref xa[j], ref xb[j], ref twin[j]);
        }
        int subtracted = 0;
        for (int i = 0; i < xa.Length; i++)
        {
            Assert.True(twin[i] == fast[i], $"{kernel} entry {i}: {xa[i]} · {xb[i]}");
            Assert.Equal(Big(xa[i]) * Big(xb[i]) * RInv % P, Big(fast[i]));
            if (NeedsSubtraction(xa[i], xb[i])) subtracted++;
        }
        // both outcomes of the conditional subtraction were exercised
        Assert.InRange(subtracted, 1, xa.Length - 1);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_result_may_alias_either_input_or_both(string name)
    {
        var kernel = Enum.Parse<FqBatch.Mul8Kernel>(name);
        if (!FqBatch.IsSupported(kernel)) return;
        var rng = new Random(26);
        for (int round = 0; round < 50; round++)
        {
            var a = Enumerable.Range(0, 8).Select(l => l == round % 8 ? Raw(P - 1) : Fq.Random(rng)).ToArray();
            var b = Enumerable.Range(0, 8).Select(_ => Fq.Random(rng)).ToArray();
            var want = new Fq[8];
            FqBatch.Mul8Scalar(ref a[0], ref b[0], ref want[0]);
            var inA = (Fq[])a.Clone();
            RunKernel(kernel, ref inA[0], ref b[0], ref inA[0]);
            Assert.Equal(want, inA);
            var inB = (Fq[])b.Clone();
            RunKernel(kernel, ref a[0], ref inB[0], ref inB[0]);
            Assert.Equal(want, inB);
            var sq = (Fq[])a.Clone();
            RunKernel(kernel, ref sq[0], ref sq[0], ref sq[0]);
            Assert.Equal(a.Select(x => x * x).ToArray(), sq);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Span_products_and_batch_inversion_through_the_switch_match_for_every_length(string name)
    {
        var kernel = Enum.Parse<FqBatch.Mul8Kernel>(name);
        if (!FqBatch.IsSupported(kernel)) return;
        var rng = new Random(27);
        for (int n = 0; n <= 70; n++)
        {
            var a = Enumerable.Range(0, n).Select(i => i % 9 == 0 ? Raw(P - 1) : Fq.Random(rng)).ToArray();
            var b = Enumerable.Range(0, n).Select(i => i % 7 == 0 ? Fq.Zero : Fq.Random(rng)).ToArray();
            var twin = new Fq[n];
            FqBatch.MulScalar(a, b, twin);
            var fast = With(kernel, () => { var r = new Fq[n]; FqBatch.Mul(a, b, r); return r; });
            Assert.Equal(twin, fast);
            if (n == 0 || n % 8 != 0) continue;
            var den = a.Select(x => x.IsZero ? Fq.One : x).ToArray();
            var inv = With(kernel, () => { var v = new Fq[n]; FqBatch.InverseEach8(den, new Fq[n], v); return v; });
            for (int i = 0; i < n; i++) Assert.True(den[i] * inv[i] == Fq.One, $"{kernel} n {n} entry {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_MSM_and_the_bucket_reduction_give_the_scalar_flush_point_with_each_kernel(string name)
    {
        var kernel = Enum.Parse<FqBatch.Mul8Kernel>(name);
        if (!FqBatch.IsSupported(kernel)) return;
        const int n = 3000;
        var rng = new Random(28);
        var step = G1Jacobian.Generator.ScalarMul(Fr.Random(rng));
        var jac = new G1Jacobian[n];
        var acc = G1Jacobian.Generator;
        for (int i = 0; i < n; i++)
        {
            acc += step;
            // repeats and negations: doublings and cancellations in the buckets
            jac[i] = i % 5 == 0 && i > 0 ? jac[i / 2] : i % 11 == 0 ? -acc : acc;
        }
        var bases = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, bases);
        var scalars = Enumerable.Range(0, n).Select(i => i % 13 == 0 ? Fr.FromInt64(-(i % 4)) : Fr.Random(rng)).ToArray();

        bool flush = Msm.UseVectorFlush;
        G1Jacobian reference;
        try
        {
            Msm.UseVectorFlush = false;
            reference = Msm.Compute(bases, scalars, threads: 1);
            Msm.UseVectorFlush = true;
            var got = With(kernel, () => Msm.Compute(bases, scalars, threads: 1));
            Assert.True(reference == got, $"{kernel} MSM");
            Assert.False(got.IsInfinity);

            var set = bases.Select((p, j) => j % 17 == 0 ? G1Affine.Infinity : j % 4 == 1 ? p.Negate() : p).ToArray();
            G1Affine[][] sets = [set, bases];
            G1Jacobian[]?[] overflows = [null, null];
            var jacobian = BucketReduction.ReduceJacobian(sets, overflows, 0, n);
            Assert.True(jacobian == With(kernel, () => BucketReduction.Reduce(sets, overflows, 0, n)), $"{kernel} bucket reduction");
        }
        finally { Msm.UseVectorFlush = flush; }
    }
}
