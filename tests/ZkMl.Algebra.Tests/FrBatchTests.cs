using System.Numerics;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// <see cref="FrBatch"/>'s kernels (scalar, and AVX2 and AVX-512 where the CPU has them) against <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/>
/// and BigInteger on edge and random values, with aliasing and every span length 0…70. Runs alone (the kernel switch is process-wide).
/// </summary>
[Collection("msm scratch")]
public class FrBatchTests
{
    private static readonly BigInteger P = Fr.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, P - 2, P);

    public static TheoryData<string> Kernels => ["Scalar", "Avx2", "Avx512"];

    private static Fr Raw(BigInteger v)
    {
        var bytes = new byte[32];
        v.TryWriteBytes(bytes, out _, isUnsigned: true);
        return new Fr(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), BitConverter.ToUInt64(bytes, 16), BitConverter.ToUInt64(bytes, 24));
    }

    private static BigInteger Big(in Fr x) =>
        new BigInteger(x.L0) | (new BigInteger(x.L1) << 64) | (new BigInteger(x.L2) << 128) | (new BigInteger(x.L3) << 192);

    /// <summary>Whether the vector kernel's result before its final subtraction, (a·b·2^5 + m·r) / 2^261, is at least r.</summary>
    private static bool NeedsSubtraction(in Fr a, in Fr b)
    {
        var r261 = BigInteger.One << 261;
        var pInv = BigInteger.ModPow(P, (BigInteger.One << 260) - 1, r261);
        var ab = Big(a) * Big(b) << 5;
        var m = (r261 - ab * pInv % r261) % r261;
        return (ab + m * P) / r261 >= P;
    }

    /// <summary>0, 1, r − 1, values at the 29- and 64-bit limb boundaries, near 2^254 (below r) and r minus them (raw limbs).</summary>
    private static Fr[] Edges()
    {
        var e = new List<BigInteger> { 0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, (BigInteger.One << 256) % P, P - (BigInteger.One << 256) % P };
        for (int k = 1; k < 254; k++)
        {
            if (k % 29 != 0 && k % 64 != 0 && k < 250) continue;
            var v = BigInteger.One << k;
            e.Add(v); e.Add(v - 1); e.Add(P - v); e.Add(P - v + 1);
        }
        e.Add(P - (BigInteger.One << 253) - 12345);
        return e.Where(v => v >= 0 && v < P).Distinct().Select(Raw).ToArray();
    }

    private static void RunKernel(FrBatch.Mul8Kernel kernel, ref Fr a, ref Fr b, ref Fr r)
    {
        if (kernel == FrBatch.Mul8Kernel.Avx512) FrBatch.Mul8Avx512(ref a, ref b, ref r);
        else if (kernel == FrBatch.Mul8Kernel.Avx2) FrBatch.Mul8Avx2(ref a, ref b, ref r);
        else FrBatch.Mul8Scalar(ref a, ref b, ref r);
    }

    [Fact]
    public void The_best_kernel_is_AVX512_else_AVX2_when_the_CPU_has_it()
    {
        bool avx512 = FrBatch.IsSupported(FrBatch.Mul8Kernel.Avx512), avx2 = FrBatch.IsSupported(FrBatch.Mul8Kernel.Avx2);
        Assert.Equal(avx512 ? FrBatch.Mul8Kernel.Avx512 : avx2 ? FrBatch.Mul8Kernel.Avx2 : FrBatch.Mul8Kernel.Scalar, FrBatch.BestKernel);
        Assert.Equal(avx2 || avx512, FrBatch.IsVectorized);
        foreach (var k in new[] { FrBatch.Mul8Kernel.Avx2, FrBatch.Mul8Kernel.Avx512 })
            if (!FrBatch.IsSupported(k)) Assert.Throws<PlatformNotSupportedException>(() => FrBatch.Kernel = k);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_pair_of_edge_values_and_random_values_matches_BigInteger_with_and_without_the_final_subtraction(string name)
    {
        var kernel = Enum.Parse<FrBatch.Mul8Kernel>(name);
        if (!FrBatch.IsSupported(kernel)) return;
        var edges = Edges();
        var rng = new Random(2526);
        var a = new List<Fr>();
        var b = new List<Fr>();
        foreach (var x in edges) foreach (var y in edges) { a.Add(x); b.Add(y); }
        for (int i = 0; i < 4096; i++)
        {
            a.Add(i % 3 == 0 ? edges[rng.Next(edges.Length)] : Fr.Random(rng));
            b.Add(Fr.Random(rng));
        }
        while (a.Count % 8 != 0) { a.Add(Fr.Random(rng)); b.Add(Fr.Random(rng)); }
        var xa = a.ToArray();
        var xb = b.ToArray();
        var fast = new Fr[xa.Length];
        int subtracted = 0;
        for (int j = 0; j < xa.Length; j += 8) RunKernel(kernel, ref xa[j], ref xb[j], ref fast[j]);
        for (int i = 0; i < xa.Length; i++)
        {
            Fr.Mul(xa[i], xb[i], out var want);
            Assert.True(want == fast[i], $"{kernel} entry {i}: {xa[i]} · {xb[i]}");
            Assert.Equal(Big(xa[i]) * Big(xb[i]) * RInv % P, Big(fast[i]));
            if (NeedsSubtraction(xa[i], xb[i])) subtracted++;
        }
        Assert.InRange(subtracted, 1, xa.Length - 1);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void The_result_may_alias_either_input_or_both(string name)
    {
        var kernel = Enum.Parse<FrBatch.Mul8Kernel>(name);
        if (!FrBatch.IsSupported(kernel)) return;
        var rng = new Random(27);
        for (int round = 0; round < 50; round++)
        {
            var a = Enumerable.Range(0, 8).Select(l => l == round % 8 ? Raw(P - 1) : Fr.Random(rng)).ToArray();
            var b = Enumerable.Range(0, 8).Select(_ => Fr.Random(rng)).ToArray();
            var want = a.Zip(b, (x, y) => x * y).ToArray();
            var inA = (Fr[])a.Clone();
            RunKernel(kernel, ref inA[0], ref b[0], ref inA[0]);
            Assert.Equal(want, inA);
            var inB = (Fr[])b.Clone();
            RunKernel(kernel, ref a[0], ref inB[0], ref inB[0]);
            Assert.Equal(want, inB);
            var sq = (Fr[])a.Clone();
            RunKernel(kernel, ref sq[0], ref sq[0], ref sq[0]);
            Assert.Equal(a.Select(x => x * x).ToArray(), sq);
        }
    }

    /// <summary>Runs <paramref name="body"/> with FrBatch's process-wide kernel switched to <paramref name="name"/> (nothing where the CPU lacks it).</summary>
    private static void WithKernel(string name, Action body)
    {
        var kernel = Enum.Parse<FrBatch.Mul8Kernel>(name);
        if (!FrBatch.IsSupported(kernel)) return;
        var before = FrBatch.Kernel;
        try
        {
            FrBatch.Kernel = kernel;
            body();
        }
        finally { FrBatch.Kernel = before; }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Span_products_through_the_switch_match_Fr_Mul_for_every_length(string name) => WithKernel(name, () =>
    {
        var rng = new Random(28);
        for (int n = 0; n <= 70; n++)
        {
            var a = Enumerable.Range(0, n).Select(i => i % 9 == 0 ? Raw(P - 1) : Fr.Random(rng)).ToArray();
            var b = Enumerable.Range(0, n).Select(i => i % 7 == 0 ? Fr.Zero : Fr.Random(rng)).ToArray();
            var r = new Fr[n];
            FrBatch.Mul(a, b, r);
            Assert.Equal(a.Zip(b, (x, y) => x * y).ToArray(), r);
            FrBatch.Mul(a, b, a); // in place
            Assert.Equal(r, a);
        }
        Assert.Throws<ArgumentException>(() => FrBatch.Mul(new Fr[8], new Fr[8], new Fr[7]));
    });

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Vector_conversion_of_integers_matches_Fr_FromInt64(string name) => WithKernel(name, () =>
    {
        var rng = new Random(29);
        long[] edges = [0, 1, -1, 2, -2, 255, -256, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, long.MinValue + 1, long.MaxValue - 1, 1L << 62, -(1L << 62)];
        // every length 0…40 (a tail after the blocks of eight), and one long enough for the thread pool's chunks
        foreach (int n in Enumerable.Range(0, 41).Append((1 << 16) + 13))
        {
            var v = Enumerable.Range(0, n).Select(i => i < edges.Length ? edges[i] : i % 3 == 0 ? rng.NextInt64(long.MinValue, long.MaxValue) : rng.Next(-300, 300)).ToArray();
            var r = FrVector.FromInt64(v);
            Assert.Equal(n, r.Length);
            for (int i = 0; i < n; i++)
                if (r[i] != Fr.FromInt64(v[i])) Assert.Fail($"n = {n}, entry {i} = {v[i]}: {r[i]} against {Fr.FromInt64(v[i])}");
        }
        Assert.Throws<ArgumentNullException>(() => FrVector.FromInt64(null!));
    });
}
