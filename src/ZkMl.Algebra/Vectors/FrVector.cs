using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>
/// Element-wise kernels over spans of <see cref="Fr"/> (sumcheck and matmul preprocessing), and
/// small-integer × field products with delayed reduction. Outputs of the element-wise kernels and of
/// SmallMatVecTransposed may alias inputs exactly
/// (same span), as every element is read before it is written; partial overlaps are not supported, and the
/// output of SmallMatVec must not overlap its vector.
/// </summary>
/// <remarks>
/// SIMD: the int8 <see cref="SmallMatVec(ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{Fr}, Span{Fr})"/> and
/// <see cref="SmallMatVecTransposed(ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{Fr}, Span{Fr})"/> (and the int32 ones) have an AVX2
/// path (FrVector.Simd.cs) for ≥ 4 columns: each element's Montgomery limbs are split into 16-bit digits and
/// entry × digit products are summed in signed 64-bit lanes, four output columns per vector, which cannot
/// overflow for any span length; one reduction per output (Σ m·vR = (Σ m·v)·R). Measured at 256 × 256
/// (BenchmarkDotNet, short job): 867 → 298 µs and 1306 → 195 µs. The scalar twins are internal and tested
/// against the SIMD path and BigInteger.
/// The int32 kernels use the same path with a flush of the lanes every 2^15 terms (|m·digit| &lt; 2^47);
/// 256 × 256 (SmallMatVecInt32Benchmarks): 1670 → 404 µs and 939 → 344 µs.
/// Scalar only: Mul/Scale/Fold/InnerProduct, since .NET exposes no AVX-512 IFMA intrinsics and a
/// lane-parallel 256-bit Montgomery product from 32×32-bit multiplies (8×8 digit products and a digit-serial
/// reduction per element) is not expected to beat the mulx-based scalar product (not tried); Add/Sub, since the four limbs of one element carry into each other: one element per Vector256
/// needs a lane-serial carry (compare, shuffle, add, three times) plus the conditional p-subtraction, far more
/// instructions than the scalar add/adc chain (an estimate), and a limb-transposed layout would need a transpose on every
/// call. A SIMD Add/Sub was therefore not added (not benchmarked either; the scalar loop is the baseline).
/// </remarks>
[SkipLocalsInit]
public static partial class FrVector
{
    /// <summary>r[i] = a[i] + b[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Add(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> r)
    {
        Check(a.Length, b.Length, r.Length);
        for (int i = 0; i < a.Length; i++) Fr.Add(a[i], b[i], out r[i]);
    }

    /// <summary>r[i] = a[i] − b[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Sub(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> r)
    {
        Check(a.Length, b.Length, r.Length);
        for (int i = 0; i < a.Length; i++) Fr.Sub(a[i], b[i], out r[i]);
    }

    /// <summary>r[i] = a[i] · b[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Mul(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> r)
    {
        Check(a.Length, b.Length, r.Length);
        for (int i = 0; i < a.Length; i++) Fr.Mul(a[i], b[i], out r[i]);
    }

    /// <summary>R² mod r as stored limbs (the field's own constants): the Montgomery product of a raw value v &lt; r with it is v's stored form v·R.</summary>
    private static readonly Fr MontgomeryR2 = new(Fr.R2_0, Fr.R2_1, Fr.R2_2, Fr.R2_3);

    /// <summary>Entries per thread below which <see cref="FromInt64(long[])"/> stays on the caller's thread.</summary>
    private const int FromInt64Chunk = 1 << 15;

    /// <summary>
    /// The field elements of signed 64-bit integers, r[i] = <see cref="Fr.FromInt64"/>(values[i]): the magnitudes' Montgomery
    /// forms eight at a time through <see cref="FrBatch"/>'s product with R² (the scalar conversion is one product each), the
    /// negative ones negated, over chunks of the thread pool for long vectors (the prover's W1 and X′ at B = 1024, 2^20 entries
    /// each: 4.6 % of a ZK proof's perf samples through <c>Select(Fr.FromInt64)</c> on one thread).
    /// </summary>
    public static Fr[] FromInt64(long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var r = GC.AllocateUninitializedArray<Fr>(values.Length);
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount, values.Length / FromInt64Chunk));
        if (chunks == 1) FromInt64(values, r, 0, values.Length);
        else Parallel.For(0, chunks, c => FromInt64(values, r, (int)((long)values.Length * c / chunks), (int)((long)values.Length * (c + 1) / chunks)));
        return r;
    }

    private static void FromInt64(long[] values, Fr[] r, int lo, int hi)
    {
        int i = lo;
        if (FrBatch.IsVectorized)
        {
            Span<Fr> r2 = stackalloc Fr[8];
            r2.Fill(MontgomeryR2);
            // one block of eight at a time (in cache): the raw magnitudes, their product with R², the signs
            for (; i + 8 <= hi; i += 8)
            {
                for (int l = 0; l < 8; l++)
                {
                    long v = values[i + l];
                    r[i + l] = new Fr(v < 0 ? (ulong)-(v + 1) + 1 : (ulong)v, 0, 0, 0); // |v| (2^63 for long.MinValue), raw
                }
                FrBatch.Mul8(ref r[i], ref r2[0], ref r[i]);
                for (int l = 0; l < 8; l++) if (values[i + l] < 0) Fr.Neg(r[i + l], out r[i + l]);
            }
        }
        for (; i < hi; i++) r[i] = Fr.FromInt64(values[i]);
    }

    /// <summary>r[i] = s · a[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Scale(ReadOnlySpan<Fr> a, in Fr s, Span<Fr> r)
    {
        Check(a.Length, a.Length, r.Length);
        var k = s;
        for (int i = 0; i < a.Length; i++) Fr.Mul(a[i], k, out r[i]);
    }

    /// <summary>
    /// The sumcheck bind step r[i] = a[i] + x·(b[i] − a[i]), i.e. the multilinear polynomial with
    /// values a at 0 and b at 1 evaluated at x.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Fold(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, in Fr x, Span<Fr> r)
    {
        Check(a.Length, b.Length, r.Length);
        var k = x;
        for (int i = 0; i < a.Length; i++)
        {
            var ai = a[i];
            Fr.Sub(b[i], ai, out var d);
            Fr.Mul(d, k, out d);
            Fr.Add(ai, d, out r[i]);
        }
    }

    /// <summary>Σ a[i] · b[i].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static Fr InnerProduct(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b)
    {
        Check(a.Length, b.Length, a.Length);
        var acc = Fr.Zero;
        for (int i = 0; i < a.Length; i++)
        {
            Fr.Mul(a[i], b[i], out var t);
            Fr.Add(acc, t, out acc);
        }
        return acc;
    }

    /// <summary>
    /// out[i] = Σ_j M[i, j] · v[j] for a row-major int8 matrix M (rows × cols), with one modular
    /// reduction per output.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public static void SmallMatVec(ReadOnlySpan<sbyte> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        CheckMat(m.Length, rows, cols, v.Length, cols, output.Length, rows);
        if (Avx2.IsSupported && cols >= SimdMinCols) SmallMatVecAvx2(m, rows, cols, v, output);
        else SmallMatVecScalar(m, rows, cols, v, output);
    }

    /// <summary>The scalar twin of the int8 <see cref="SmallMatVec(ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{Fr}, Span{Fr})"/> (shapes already checked).</summary>
    internal static void SmallMatVecScalar(ReadOnlySpan<sbyte> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        for (int i = 0; i < rows; i++)
        {
            var acc = new Acc();
            var row = m.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++) acc.Add(row[j], v[j]);
            output[i] = acc.Reduce();
        }
    }

    /// <summary>out[i] = Σ_j M[i, j] · v[j] for a row-major int32 matrix M (rows × cols).</summary>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public static void SmallMatVec(ReadOnlySpan<int> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        CheckMat(m.Length, rows, cols, v.Length, cols, output.Length, rows);
        if (Avx2.IsSupported && cols >= SimdMinCols) SmallMatVecAvx2(m, rows, cols, v, output);
        else SmallMatVecScalar(m, rows, cols, v, output);
    }

    /// <summary>The scalar twin of the int32 <see cref="SmallMatVec(ReadOnlySpan{int}, int, int, ReadOnlySpan{Fr}, Span{Fr})"/> (shapes already checked).</summary>
    internal static void SmallMatVecScalar(ReadOnlySpan<int> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        for (int i = 0; i < rows; i++)
        {
            var acc = new Acc();
            var row = m.Slice(i * cols, cols);
            for (int j = 0; j < cols; j++) acc.Add(row[j], v[j]);
            output[i] = acc.Reduce();
        }
    }

    /// <summary>
    /// The transposed product out[j] = Σ_i M[i, j] · v[i] for a row-major int8 matrix M (rows × cols):
    /// the matmul sumcheck preprocessing W × eq-vector. Rows are streamed in order; one reduction per output.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public static void SmallMatVecTransposed(ReadOnlySpan<sbyte> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        CheckMat(m.Length, rows, cols, v.Length, rows, output.Length, cols);
        if (Avx2.IsSupported && cols >= SimdMinCols) SmallMatVecTransposedAvx2(m, rows, cols, v, output);
        else SmallMatVecTransposedScalar(m, rows, cols, v, output);
    }

    /// <summary>The scalar twin of the int8 <see cref="SmallMatVecTransposed(ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{Fr}, Span{Fr})"/> (shapes already checked).</summary>
    internal static void SmallMatVecTransposedScalar(ReadOnlySpan<sbyte> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        var accs = ArrayPool<Acc>.Shared.Rent(cols);
        try
        {
            Array.Clear(accs, 0, cols);
            for (int i = 0; i < rows; i++)
            {
                var row = m.Slice(i * cols, cols);
                var vi = v[i];
                for (int j = 0; j < cols; j++) accs[j].Add(row[j], vi);
            }
            for (int j = 0; j < cols; j++) output[j] = accs[j].Reduce();
        }
        finally { ArrayPool<Acc>.Shared.Return(accs); }
    }

    /// <summary>The transposed product out[j] = Σ_i M[i, j] · v[i] for a row-major int32 matrix M.</summary>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    public static void SmallMatVecTransposed(ReadOnlySpan<int> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        CheckMat(m.Length, rows, cols, v.Length, rows, output.Length, cols);
        if (Avx2.IsSupported && cols >= SimdMinCols) SmallMatVecTransposedAvx2(m, rows, cols, v, output);
        else SmallMatVecTransposedScalar(m, rows, cols, v, output);
    }

    /// <summary>The scalar twin of the int32 <see cref="SmallMatVecTransposed(ReadOnlySpan{int}, int, int, ReadOnlySpan{Fr}, Span{Fr})"/> (shapes already checked).</summary>
    internal static void SmallMatVecTransposedScalar(ReadOnlySpan<int> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
    {
        var accs = ArrayPool<Acc>.Shared.Rent(cols);
        try
        {
            Array.Clear(accs, 0, cols);
            for (int i = 0; i < rows; i++)
            {
                var row = m.Slice(i * cols, cols);
                var vi = v[i];
                for (int j = 0; j < cols; j++) accs[j].Add(row[j], vi);
            }
            for (int j = 0; j < cols; j++) output[j] = accs[j].Reduce();
        }
        finally { ArrayPool<Acc>.Shared.Return(accs); }
    }

    /// <summary>
    /// An unreduced accumulator of Σ sⱼ·vⱼ with |sⱼ| ≤ 2^31 over Montgomery limbs: positive and negative
    /// terms in two 6-limb integers (enough for 2^60 terms). Because Σ sⱼ·(vⱼR) ≡ (Σ sⱼvⱼ)·R, reducing
    /// the integer mod p gives the Montgomery form of the result directly.
    /// </summary>
    internal struct Acc
    {
        private ulong _p0, _p1, _p2, _p3, _p4, _p5;
        private ulong _n0, _n1, _n2, _n3, _n4, _n5;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(long s, in Fr v)
        {
            if (s == 0) return;
            if (s > 0) AddTo(ref _p0, ref _p1, ref _p2, ref _p3, ref _p4, ref _p5, (ulong)s, v);
            else AddTo(ref _n0, ref _n1, ref _n2, ref _n3, ref _n4, ref _n5, (ulong)(-s), v);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddTo(ref ulong a0, ref ulong a1, ref ulong a2, ref ulong a3, ref ulong a4, ref ulong a5, ulong s, in Fr v)
        {
            // s·v as five limbs, then added into the six-limb accumulator
            ulong c = Fr.Mul64(s, v.L0, out ulong t0);
            c = Fr.MAdd1(s, v.L1, c, out ulong t1);
            c = Fr.MAdd1(s, v.L2, c, out ulong t2);
            c = Fr.MAdd1(s, v.L3, c, out ulong t3);
            ulong t4 = c;
            ulong x = a0 + t0; ulong k = x < t0 ? 1UL : 0UL; a0 = x;
            x = a1 + t1; ulong k1 = x < t1 ? 1UL : 0UL; ulong y = x + k; k = k1 | (y < x ? 1UL : 0UL); a1 = y;
            x = a2 + t2; k1 = x < t2 ? 1UL : 0UL; y = x + k; k = k1 | (y < x ? 1UL : 0UL); a2 = y;
            x = a3 + t3; k1 = x < t3 ? 1UL : 0UL; y = x + k; k = k1 | (y < x ? 1UL : 0UL); a3 = y;
            x = a4 + t4; k1 = x < t4 ? 1UL : 0UL; y = x + k; k = k1 | (y < x ? 1UL : 0UL); a4 = y;
            a5 += k;
        }

        public readonly Fr Reduce()
        {
            var pos = ReduceOne(_p0, _p1, _p2, _p3, _p4, _p5);
            var neg = ReduceOne(_n0, _n1, _n2, _n3, _n4, _n5);
            Fr.Sub(pos, neg, out var r);
            return r;
        }

        internal static Fr ReduceOne(ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
        {
            // REDC(A) = A·R⁻¹ (A < 2^384 < p·2^256), then ·R² in Montgomery form gives A mod p.
            Fr.MontReduce(a0, a1, a2, a3, a4, a5, 0, 0, out var t);
            Fr.Mul(t, new Fr(Fr.R2_0, Fr.R2_1, Fr.R2_2, Fr.R2_3), out var r);
            return r;
        }
    }

    private static void Check(int a, int b, int r)
    {
        if (a != b || a != r) throw new ArgumentException($"vector lengths differ: {a}, {b}, output {r}");
    }

    private static void CheckMat(int mLen, int rows, int cols, int vLen, int vWant, int outLen, int outWant)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != mLen)
            throw new ArgumentException($"matrix has {mLen} entries, expected rows·cols = {rows}·{cols}");
        if (vLen != vWant) throw new ArgumentException($"vector has length {vLen}, expected {vWant}");
        if (outLen != outWant) throw new ArgumentException($"output has length {outLen}, expected {outWant}");
    }
}
