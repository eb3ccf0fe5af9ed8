using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

// AVX2 paths of the int8 small-matrix kernels. Each field element's Montgomery limbs are split into
// 16 digits of 16 bits; a lane accumulates Σ m·digit in a signed 64-bit integer (vpmuldq: int32 ×
// int32 → int64 on the low half of each lane). |m·digit| < 2^7·2^16 = 2^23, so a lane cannot overflow
// before 2^40 terms, far beyond any int-indexed span: no flush is needed. The 16 digit sums of one
// output are recombined into a signed 384-bit integer and reduced once (Montgomery form is linear).
public static partial class FrVector
{
    /// <summary>
    /// Below this many columns (one vector) the scalar kernels are used. Measured (SmallMatVecThresholdBenchmarks,
    /// 64 rows, short job): the AVX2 path already wins at 4 columns (10.6 vs 17.3 µs; transposed 2.5 vs 4.1 µs).
    /// </summary>
    internal const int SimdMinCols = 4;

    private const int Digits = 16;

    /// <summary>Columns per block of the transposed kernel: 64 columns × 16 digits × 8 bytes = 8 KiB of accumulators (L1-resident).</summary>
    private const int BlockCols = 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitDigits(in Fr x, Span<long> d)
    {
        ulong l0 = x.L0, l1 = x.L1, l2 = x.L2, l3 = x.L3;
        for (int q = 0; q < 4; q++)
        {
            int s = 16 * q;
            d[q] = (long)((l0 >> s) & 0xFFFF);
            d[4 + q] = (long)((l1 >> s) & 0xFFFF);
            d[8 + q] = (long)((l2 >> s) & 0xFFFF);
            d[12 + q] = (long)((l3 >> s) & 0xFFFF);
        }
    }

    /// <summary>The field element Σ_k s[k]·2^(16k) for 16 signed 64-bit digit sums (any values), read as Montgomery limbs.</summary>
    internal static Fr ReduceDigitSums(ReadOnlySpan<long> s)
    {
        Span<ulong> l = stackalloc ulong[6];
        Int128 carry = 0;
        for (int limb = 0; limb < 4; limb++)
        {
            Int128 t = carry;
            for (int q = 0; q < 4; q++) t += (Int128)s[4 * limb + q] << (16 * q);
            l[limb] = (ulong)t;
            carry = t >> 64;
        }
        // |value| < 2^63·2^241·2 < 2^320: the carry has at most 64 significant bits plus sign
        l[4] = (ulong)carry;
        l[5] = carry < 0 ? ulong.MaxValue : 0;
        bool negative = carry < 0;
        if (negative)
        {
            ulong c = 1;
            for (int k = 0; k < 6; k++) { ulong x = ~l[k] + c; c = x < c ? 1UL : 0UL; l[k] = x; }
        }
        var r = Acc.ReduceOne(l[0], l[1], l[2], l[3], l[4], l[5]);
        if (negative) Fr.Neg(r, out r);
        return r;
    }

    /// <summary>How a kernel reads four consecutive matrix entries and how many terms a 64-bit lane may sum.</summary>
    private interface IEntries<T> where T : unmanaged, IBinaryInteger<T>
    {
        /// <summary>Four consecutive entries sign-extended into four 64-bit lanes (vpmuldq reads the low halves).</summary>
        static abstract Vector256<int> Load4(ref T p);

        /// <summary>Terms (a multiple of 4) a lane may sum before it is flushed; 3 tail terms may be added on top.</summary>
        static abstract int MaxTerms { get; }
    }

    private struct Int8Entries : IEntries<sbyte>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Load4(ref sbyte p) =>
            Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref p))).AsSByte()).AsInt32();

        // |m·digit| ≤ 2^7·(2^16 − 1) < 2^23: 2^40 terms fit, more than any span holds
        public static int MaxTerms => 1 << 30;
    }

    private struct Int32Entries : IEntries<int>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Load4(ref int p) => Avx2.ConvertToVector256Int64(Vector128.LoadUnsafe(ref p)).AsInt32();

        // |m·digit| ≤ 2^31·(2^16 − 1) = 2^47 − 2^31, and (2^15 + 3)·(2^47 − 2^31) < 2^63
        public static int MaxTerms => 1 << 15;
    }

    /// <summary>out[i] = Σ_j M[i, j]·v[j] on AVX2, four columns per vector (shapes already checked).</summary>
    internal static void SmallMatVecAvx2(ReadOnlySpan<sbyte> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output) =>
        MatVecAvx2<sbyte, Int8Entries>(m, rows, cols, v, output);

    /// <summary>out[i] = Σ_j M[i, j]·v[j] for an int32 matrix on AVX2 (shapes already checked).</summary>
    internal static void SmallMatVecAvx2(ReadOnlySpan<int> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output) =>
        MatVecAvx2<int, Int32Entries>(m, rows, cols, v, output);

    /// <summary>out[j] = Σ_i M[i, j]·v[i] on AVX2 (shapes already checked).</summary>
    internal static void SmallMatVecTransposedAvx2(ReadOnlySpan<sbyte> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output) =>
        MatVecTransposedAvx2<sbyte, Int8Entries>(m, rows, cols, v, output);

    /// <summary>out[j] = Σ_i M[i, j]·v[i] for an int32 matrix on AVX2 (shapes already checked).</summary>
    internal static void SmallMatVecTransposedAvx2(ReadOnlySpan<int> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output) =>
        MatVecTransposedAvx2<int, Int32Entries>(m, rows, cols, v, output);

    private static void MatVecAvx2<T, TE>(ReadOnlySpan<T> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
        where T : unmanaged, IBinaryInteger<T> where TE : struct, IEntries<T>
    {
        int vec = cols & ~3;
        // digit-major copy of v: dig[k·vec + j] = digit k of v[j], so four consecutive columns load as one vector
        var dig = ArrayPool<long>.Shared.Rent(Math.Max(1, Digits * vec));
        var tailDig = ArrayPool<long>.Shared.Rent(Digits * 4);
        try
        {
            Span<long> d = stackalloc long[Digits];
            for (int j = 0; j < vec; j++)
            {
                SplitDigits(v[j], d);
                for (int k = 0; k < Digits; k++) dig[k * vec + j] = d[k];
            }
            for (int j = vec; j < cols; j++) SplitDigits(v[j], tailDig.AsSpan((j - vec) * Digits, Digits));

            Span<Vector256<long>> acc = stackalloc Vector256<long>[Digits];
            Span<long> sums = stackalloc long[Digits];
            ref long dig0 = ref MemoryMarshal.GetArrayDataReference(dig);
            int chunk = TE.MaxTerms;
            for (int i = 0; i < rows; i++)
            {
                var row = m.Slice(i * cols, cols);
                ref T row0 = ref MemoryMarshal.GetReference(row);
                var result = Fr.Zero;
                int j0 = 0;
                do
                {
                    int j1 = (int)Math.Min((long)j0 + chunk, vec);
                    acc.Clear();
                    for (int j = j0; j < j1; j += 4)
                    {
                        var mv = TE.Load4(ref Unsafe.Add(ref row0, j));
                        for (int k = 0; k < Digits; k++)
                        {
                            var dv = Vector256.LoadUnsafe(ref dig0, (nuint)(k * vec + j)).AsInt32();
                            acc[k] = Avx2.Add(acc[k], Avx2.Multiply(mv, dv));
                        }
                    }
                    for (int k = 0; k < Digits; k++) sums[k] = Vector256.Sum(acc[k]);
                    if (j1 == vec)
                    {
                        for (int j = vec; j < cols; j++)
                        {
                            long mj = long.CreateTruncating(row[j]);
                            for (int k = 0; k < Digits; k++) sums[k] += mj * tailDig[(j - vec) * Digits + k];
                        }
                    }
                    Fr.Add(result, ReduceDigitSums(sums), out result);
                    j0 = j1;
                } while (j0 < vec);
                output[i] = result;
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(dig);
            ArrayPool<long>.Shared.Return(tailDig);
        }
    }

    private static void MatVecTransposedAvx2<T, TE>(ReadOnlySpan<T> m, int rows, int cols, ReadOnlySpan<Fr> v, Span<Fr> output)
        where T : unmanaged, IBinaryInteger<T> where TE : struct, IEntries<T>
    {
        // row-major digits of v (all read before any output is written, so output may alias v when rows == cols)
        var dig = ArrayPool<long>.Shared.Rent(Math.Max(1, Digits * rows));
        try
        {
            for (int i = 0; i < rows; i++) SplitDigits(v[i], dig.AsSpan(i * Digits, Digits));
            ref long dig0 = ref MemoryMarshal.GetArrayDataReference(dig);
            ref T m0 = ref MemoryMarshal.GetReference(m);
            Span<Vector256<long>> acc = stackalloc Vector256<long>[BlockCols / 4 * Digits];
            Span<long> sums = stackalloc long[Digits];
            output.Clear();
            int vec = cols & ~3;
            int chunk = TE.MaxTerms;
            for (long i0 = 0; i0 < rows; i0 += chunk)
            {
                int i1 = (int)Math.Min(i0 + chunk, rows);
                for (int jb = 0; jb < vec; jb += BlockCols)
                {
                    int chunks = Math.Min(BlockCols, vec - jb) / 4;
                    acc.Slice(0, chunks * Digits).Clear();
                    for (int i = (int)i0; i < i1; i++)
                    {
                        ref T rowj = ref Unsafe.Add(ref m0, (nint)i * cols + jb);
                        ref long di = ref Unsafe.Add(ref dig0, i * Digits);
                        for (int c = 0; c < chunks; c++)
                        {
                            var mv = TE.Load4(ref Unsafe.Add(ref rowj, 4 * c));
                            ref Vector256<long> a = ref acc[c * Digits];
                            for (int k = 0; k < Digits; k++)
                            {
                                var dv = Vector256.Create(Unsafe.Add(ref di, k)).AsInt32();
                                Unsafe.Add(ref a, k) = Avx2.Add(Unsafe.Add(ref a, k), Avx2.Multiply(mv, dv));
                            }
                        }
                    }
                    for (int c = 0; c < chunks; c++)
                    {
                        for (int lane = 0; lane < 4; lane++)
                        {
                            for (int k = 0; k < Digits; k++) sums[k] = acc[c * Digits + k].GetElement(lane);
                            ref Fr o = ref output[jb + 4 * c + lane];
                            Fr.Add(o, ReduceDigitSums(sums), out o);
                        }
                    }
                }
                for (int j = vec; j < cols; j++)
                {
                    sums.Clear();
                    for (int i = (int)i0; i < i1; i++)
                    {
                        long mij = long.CreateTruncating(m[i * cols + j]);
                        for (int k = 0; k < Digits; k++) sums[k] += mij * dig[i * Digits + k];
                    }
                    Fr.Add(output[j], ReduceDigitSums(sums), out output[j]);
                }
            }
        }
        finally { ArrayPool<long>.Shared.Return(dig); }
    }
}
