using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>
/// The constants of a modulus p &lt; 2^254 for the radix-2^29 vector Montgomery kernel <see cref="Mont29Avx2{TModulus}"/>:
/// p in nine 29-bit limbs (least significant first) and −p⁻¹ mod 2^29. Implemented by empty structs whose members return
/// constants, so that each instantiation of the kernel is compiled for one modulus with the constants folded in.
/// </summary>
internal interface IMont29Modulus
{
    static abstract ulong Q0 { get; }
    static abstract ulong Q1 { get; }
    static abstract ulong Q2 { get; }
    static abstract ulong Q3 { get; }
    static abstract ulong Q4 { get; }
    static abstract ulong Q5 { get; }
    static abstract ulong Q6 { get; }
    static abstract ulong Q7 { get; }
    static abstract ulong Q8 { get; }
    /// <summary>−p⁻¹ mod 2^29.</summary>
    static abstract ulong Inv29 { get; }
}

/// <summary>
/// The four-lane AVX2 Montgomery product (the arithmetic in the generated part, Mont29Avx2.g.cs): elements are four
/// little-endian 64-bit limbs in Montgomery form (R = 2^256), fully reduced.
/// </summary>
internal static partial class Mont29Avx2<TModulus> where TModulus : struct, IMont29Modulus
{
    /// <summary>r[0..8) = a[0..8)·b[0..8) as two four-lane halves. r may be a or b itself (same start), not a shifted overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8(ref ulong a, ref ulong b, ref ulong r)
    {
        Mul4(ref a, ref b, ref r);
        Mul4(ref Unsafe.Add(ref a, 16), ref Unsafe.Add(ref b, 16), ref Unsafe.Add(ref r, 16));
    }

    /// <summary>r[0..4) = a[0..4)·b[0..4) (each element four ulongs). Reads all inputs before writing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Mul4(ref ulong a, ref ulong b, ref ulong r)
    {
        TransposeRows4(Vector256.LoadUnsafe(ref a), Vector256.LoadUnsafe(ref a, 4), Vector256.LoadUnsafe(ref a, 8), Vector256.LoadUnsafe(ref a, 12),
            out var a0, out var a1, out var a2, out var a3);
        TransposeRows4(Vector256.LoadUnsafe(ref b), Vector256.LoadUnsafe(ref b, 4), Vector256.LoadUnsafe(ref b, 8), Vector256.LoadUnsafe(ref b, 12),
            out var b0, out var b1, out var b2, out var b3);
        MulWords(a0, a1, a2, a3, b0, b1, b2, b3, out var w0, out var w1, out var w2, out var w3);
        TransposeRows4(w0, w1, w2, w3, out var e0, out var e1, out var e2, out var e3); // its own inverse
        e0.StoreUnsafe(ref r);
        e1.StoreUnsafe(ref r, 4);
        e2.StoreUnsafe(ref r, 8);
        e3.StoreUnsafe(ref r, 12);
    }

    /// <summary>4 × 4 transpose of 64-bit words: four elements (one per vector) ↔ their four words (one per vector); its own inverse.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeRows4(Vector256<ulong> v0, Vector256<ulong> v1, Vector256<ulong> v2, Vector256<ulong> v3,
        out Vector256<ulong> l0, out Vector256<ulong> l1, out Vector256<ulong> l2, out Vector256<ulong> l3)
    {
        var s0 = Avx2.UnpackLow(v0, v1);  // [0.0, 1.0, 0.2, 1.2]
        var s1 = Avx2.UnpackHigh(v0, v1); // [0.1, 1.1, 0.3, 1.3]
        var s2 = Avx2.UnpackLow(v2, v3);
        var s3 = Avx2.UnpackHigh(v2, v3);
        l0 = Avx2.Permute2x128(s0, s2, 0x20);
        l1 = Avx2.Permute2x128(s1, s3, 0x20);
        l2 = Avx2.Permute2x128(s0, s2, 0x31);
        l3 = Avx2.Permute2x128(s1, s3, 0x31);
    }
}

/// <summary>
/// The eight-lane AVX-512F Montgomery product (the arithmetic in the generated part, Mont29Avx512.g.cs) on the same element
/// layout as <see cref="Mont29Avx2{TModulus}"/>.
/// </summary>
internal static partial class Mont29Avx512<TModulus> where TModulus : struct, IMont29Modulus
{
    /// <summary>r[0..8) = a[0..8)·b[0..8) (each element four ulongs) in one eight-lane pass. Reads all inputs before writing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Mul8(ref ulong a, ref ulong b, ref ulong r)
    {
        Transpose(Vector512.LoadUnsafe(ref a), Vector512.LoadUnsafe(ref a, 8), Vector512.LoadUnsafe(ref a, 16), Vector512.LoadUnsafe(ref a, 24),
            out var a0, out var a1, out var a2, out var a3);
        Transpose(Vector512.LoadUnsafe(ref b), Vector512.LoadUnsafe(ref b, 8), Vector512.LoadUnsafe(ref b, 16), Vector512.LoadUnsafe(ref b, 24),
            out var b0, out var b1, out var b2, out var b3);
        MulWords(a0, a1, a2, a3, b0, b1, b2, b3, out var w0, out var w1, out var w2, out var w3);
        TransposeBack(w0, w1, w2, w3, out var e0, out var e1, out var e2, out var e3);
        e0.StoreUnsafe(ref r);
        e1.StoreUnsafe(ref r, 8);
        e2.StoreUnsafe(ref r, 16);
        e3.StoreUnsafe(ref r, 24);
    }

    // Eight elements (four words each, two per vector) ↔ four vectors holding word k of every element. The permutation
    // indices are constants in the code (Vector512.Create of literals, through the inlined Indices), neither static fields of
    // this generic class (whose initialisation check an AggressiveOptimization caller compiled before the first call would
    // keep) nor property getters (the JIT did not inline them: 2.3 % of a ZK B = 64 proof in calls, session 31's perf profile).

    /// <summary>The transposes' permutation indices: interleave words 0 | 1 (lo4) or 2 | 3 (hi4) of four elements, low or high halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Indices(out Vector512<ulong> lo4, out Vector512<ulong> hi4, out Vector512<ulong> lowHalves, out Vector512<ulong> highHalves)
    {
        lo4 = Vector512.Create(0UL, 4, 8, 12, 1, 5, 9, 13);
        hi4 = Vector512.Create(2UL, 6, 10, 14, 3, 7, 11, 15);
        lowHalves = Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11);
        highHalves = Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15);
    }

    /// <summary>Elements 0, 1 in v0, 2, 3 in v1, 4, 5 in v2, 6, 7 in v3 → word k of the eight elements in lk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(Vector512<ulong> v0, Vector512<ulong> v1, Vector512<ulong> v2, Vector512<ulong> v3,
        out Vector512<ulong> l0, out Vector512<ulong> l1, out Vector512<ulong> l2, out Vector512<ulong> l3)
    {
        Indices(out var lo4, out var hi4, out var lowHalves, out var highHalves);
        var s0 = Avx512F.PermuteVar8x64x2(v0, lo4, v1); // words 0 | 1 of elements 0…3
        var s1 = Avx512F.PermuteVar8x64x2(v0, hi4, v1); // words 2 | 3 of elements 0…3
        var s2 = Avx512F.PermuteVar8x64x2(v2, lo4, v3);
        var s3 = Avx512F.PermuteVar8x64x2(v2, hi4, v3);
        l0 = Avx512F.PermuteVar8x64x2(s0, lowHalves, s2);
        l1 = Avx512F.PermuteVar8x64x2(s0, highHalves, s2);
        l2 = Avx512F.PermuteVar8x64x2(s1, lowHalves, s3);
        l3 = Avx512F.PermuteVar8x64x2(s1, highHalves, s3);
    }

    /// <summary>The inverse of <see cref="Transpose"/>: word k of the eight elements in lk → elements 2i, 2i + 1 in ei.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeBack(Vector512<ulong> l0, Vector512<ulong> l1, Vector512<ulong> l2, Vector512<ulong> l3,
        out Vector512<ulong> e0, out Vector512<ulong> e1, out Vector512<ulong> e2, out Vector512<ulong> e3)
    {
        Indices(out var lo4, out var hi4, out var lowHalves, out var highHalves);
        // s0 = words 0 | 1 of elements 0…3, s2 = of elements 4…7; s1, s3 the same for words 2 | 3
        var s0 = Avx512F.PermuteVar8x64x2(l0, lowHalves, l1);
        var s2 = Avx512F.PermuteVar8x64x2(l0, highHalves, l1);
        var s1 = Avx512F.PermuteVar8x64x2(l2, lowHalves, l3);
        var s3 = Avx512F.PermuteVar8x64x2(l2, highHalves, l3);
        // the same interleave as the load (it is its own inverse on these index pairs)
        e0 = Avx512F.PermuteVar8x64x2(s0, lo4, s1);
        e1 = Avx512F.PermuteVar8x64x2(s0, hi4, s1);
        e2 = Avx512F.PermuteVar8x64x2(s2, lo4, s3);
        e3 = Avx512F.PermuteVar8x64x2(s2, hi4, s3);
    }
}
