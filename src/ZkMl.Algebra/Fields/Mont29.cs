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
/// The four-lane AVX2 Montgomery product of <see cref="FqBatch"/>'s remarks for any modulus p &lt; 2^254 given by
/// <typeparamref name="TModulus"/>: elements are four little-endian 64-bit limbs in Montgomery form (R = 2^256), fully reduced.
/// </summary>
/// <remarks>
/// Why the argument holds for every p &lt; 2^254 (BN254's q and r are both 254-bit): a &lt; p &lt; 2^254 fits nine 29-bit limbs
/// (261 bits); b·2^5 &lt; 2^259 fits them too, without reduction. Nine rounds of radix 2^29 divide by 2^261, so the output is
/// t = (a·b·2^5 + m·p) / 2^261 ≡ a·b·2^−256 with m &lt; 2^261, hence t &lt; p·(p·2^5 / 2^261) + p &lt; p·(2^259 / 2^261) + p = 1.25·p
/// &lt; 2^255: one conditional subtraction gives the canonical value, and the normalised t fits the nine limbs. Every
/// partial product is below 2^58 and a column collects at most 18 of them plus a carry below 2^35, so the 64-bit lane
/// accumulators never overflow (18·2^58 + 2^35 &lt; 2^63, which also keeps the borrow test on bit 63 valid).
/// </remarks>
internal static class Mont29Avx2<TModulus> where TModulus : struct, IMont29Modulus
{
    private const ulong Mask29 = (1UL << 29) - 1;

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
        var m = Vector256.Create(Mask29);

        Split29(a0, a1, a2, a3, out var x0, out var x1, out var x2, out var x3, out var x4, out var x5, out var x6, out var x7, out var x8);
        var y0 = (b0 << 5) & m;
        var y1 = (b0 >>> 24) & m;
        var y2 = ((b0 >>> 53) | (b1 << 11)) & m;
        var y3 = (b1 >>> 18) & m;
        var y4 = ((b1 >>> 47) | (b2 << 17)) & m;
        var y5 = (b2 >>> 12) & m;
        var y6 = ((b2 >>> 41) | (b3 << 23)) & m;
        var y7 = (b3 >>> 6) & m;
        var y8 = b3 >>> 35;

        // Column 9 + k ends in t_k after the register rotation of the nine rounds.
        Vector256<ulong> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default, t8 = default;
        Round(y0, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y1, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y2, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y3, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y4, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y5, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y6, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y7, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y8, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, x0, x1, x2, x3, x4, x5, x6, x7, x8);

        Normalize(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);
        SubtractPOnce(ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8);

        Join29(t0, t1, t2, t3, t4, t5, t6, t7, t8, out var w0, out var w1, out var w2, out var w3);
        TransposeRows4(w0, w1, w2, w3, out var e0, out var e1, out var e2, out var e3); // its own inverse
        e0.StoreUnsafe(ref r);
        e1.StoreUnsafe(ref r, 4);
        e2.StoreUnsafe(ref r, 8);
        e3.StoreUnsafe(ref r, 12);
    }

    /// <summary>
    /// One Montgomery round over the nine columns starting at <paramref name="c0"/>: c += x·yi, m = c0·(−p⁻¹) mod 2^29,
    /// c += m·p, c0's carry moves into c1 and c0 is cleared (it becomes the next round's top column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Round(Vector256<ulong> yi,
        ref Vector256<ulong> c0, ref Vector256<ulong> c1, ref Vector256<ulong> c2, ref Vector256<ulong> c3, ref Vector256<ulong> c4,
        ref Vector256<ulong> c5, ref Vector256<ulong> c6, ref Vector256<ulong> c7, ref Vector256<ulong> c8,
        Vector256<ulong> x0, Vector256<ulong> x1, Vector256<ulong> x2, Vector256<ulong> x3, Vector256<ulong> x4,
        Vector256<ulong> x5, Vector256<ulong> x6, Vector256<ulong> x7, Vector256<ulong> x8)
    {
        var y = yi.AsUInt32();
        c0 += Avx2.Multiply(x0.AsUInt32(), y);
        c1 += Avx2.Multiply(x1.AsUInt32(), y);
        c2 += Avx2.Multiply(x2.AsUInt32(), y);
        c3 += Avx2.Multiply(x3.AsUInt32(), y);
        c4 += Avx2.Multiply(x4.AsUInt32(), y);
        c5 += Avx2.Multiply(x5.AsUInt32(), y);
        c6 += Avx2.Multiply(x6.AsUInt32(), y);
        c7 += Avx2.Multiply(x7.AsUInt32(), y);
        c8 += Avx2.Multiply(x8.AsUInt32(), y);
        // vpmuludq reads the low 32 bits of c0: enough for the low 29 bits of c0·(−p⁻¹).
        var mm = (Avx2.Multiply(c0.AsUInt32(), Vector256.Create(TModulus.Inv29).AsUInt32()) & Vector256.Create(Mask29)).AsUInt32();
        c0 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q0).AsUInt32());
        c1 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q1).AsUInt32());
        c2 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q2).AsUInt32());
        c3 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q3).AsUInt32());
        c4 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q4).AsUInt32());
        c5 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q5).AsUInt32());
        c6 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q6).AsUInt32());
        c7 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q7).AsUInt32());
        c8 += Avx2.Multiply(mm, Vector256.Create(TModulus.Q8).AsUInt32());
        c1 += c0 >>> 29;
        c0 = default;
    }

    /// <summary>The columns' carries moved up: t0 … t7 become 29-bit limbs, t8 keeps the rest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Normalize(ref Vector256<ulong> t0, ref Vector256<ulong> t1, ref Vector256<ulong> t2, ref Vector256<ulong> t3,
        ref Vector256<ulong> t4, ref Vector256<ulong> t5, ref Vector256<ulong> t6, ref Vector256<ulong> t7, ref Vector256<ulong> t8)
    {
        var m = Vector256.Create(Mask29);
        t1 += t0 >>> 29; t0 &= m;
        t2 += t1 >>> 29; t1 &= m;
        t3 += t2 >>> 29; t2 &= m;
        t4 += t3 >>> 29; t3 &= m;
        t5 += t4 >>> 29; t4 &= m;
        t6 += t5 >>> 29; t5 &= m;
        t7 += t6 >>> 29; t6 &= m;
        t8 += t7 >>> 29; t7 &= m;
    }

    /// <summary>
    /// t − p where t ≥ p, else t, for normalised limbs: d = t − p with a borrow chain (a limb difference is negative iff bit 63
    /// is set), and t kept in the lanes where it borrowed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SubtractPOnce(ref Vector256<ulong> t0, ref Vector256<ulong> t1, ref Vector256<ulong> t2, ref Vector256<ulong> t3,
        ref Vector256<ulong> t4, ref Vector256<ulong> t5, ref Vector256<ulong> t6, ref Vector256<ulong> t7, ref Vector256<ulong> t8)
    {
        var m = Vector256.Create(Mask29);
        var d0 = t0 - Vector256.Create(TModulus.Q0); var bw = d0 >>> 63; d0 &= m;
        var d1 = t1 - Vector256.Create(TModulus.Q1) - bw; bw = d1 >>> 63; d1 &= m;
        var d2 = t2 - Vector256.Create(TModulus.Q2) - bw; bw = d2 >>> 63; d2 &= m;
        var d3 = t3 - Vector256.Create(TModulus.Q3) - bw; bw = d3 >>> 63; d3 &= m;
        var d4 = t4 - Vector256.Create(TModulus.Q4) - bw; bw = d4 >>> 63; d4 &= m;
        var d5 = t5 - Vector256.Create(TModulus.Q5) - bw; bw = d5 >>> 63; d5 &= m;
        var d6 = t6 - Vector256.Create(TModulus.Q6) - bw; bw = d6 >>> 63; d6 &= m;
        var d7 = t7 - Vector256.Create(TModulus.Q7) - bw; bw = d7 >>> 63; d7 &= m;
        var d8 = t8 - Vector256.Create(TModulus.Q8) - bw; bw = d8 >>> 63;
        var keep = Vector256.Equals(bw, Vector256<ulong>.One);
        t0 = Vector256.ConditionalSelect(keep, t0, d0);
        t1 = Vector256.ConditionalSelect(keep, t1, d1);
        t2 = Vector256.ConditionalSelect(keep, t2, d2);
        t3 = Vector256.ConditionalSelect(keep, t3, d3);
        t4 = Vector256.ConditionalSelect(keep, t4, d4);
        t5 = Vector256.ConditionalSelect(keep, t5, d5);
        t6 = Vector256.ConditionalSelect(keep, t6, d6);
        t7 = Vector256.ConditionalSelect(keep, t7, d7);
        t8 = Vector256.ConditionalSelect(keep, t8, d8);
    }

    /// <summary>Four 64-bit words (limb-major: word k of four elements in vector k) cut into nine 29-bit limbs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Split29(Vector256<ulong> a0, Vector256<ulong> a1, Vector256<ulong> a2, Vector256<ulong> a3,
        out Vector256<ulong> x0, out Vector256<ulong> x1, out Vector256<ulong> x2, out Vector256<ulong> x3, out Vector256<ulong> x4,
        out Vector256<ulong> x5, out Vector256<ulong> x6, out Vector256<ulong> x7, out Vector256<ulong> x8)
    {
        var m = Vector256.Create(Mask29);
        x0 = a0 & m;
        x1 = (a0 >>> 29) & m;
        x2 = ((a0 >>> 58) | (a1 << 6)) & m;
        x3 = (a1 >>> 23) & m;
        x4 = ((a1 >>> 52) | (a2 << 12)) & m;
        x5 = (a2 >>> 17) & m;
        x6 = ((a2 >>> 46) | (a3 << 18)) & m;
        x7 = (a3 >>> 11) & m;
        x8 = a3 >>> 40;
    }

    /// <summary>Nine normalised 29-bit limbs (a value below 2^256) packed back into four 64-bit words, limb-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Join29(Vector256<ulong> t0, Vector256<ulong> t1, Vector256<ulong> t2, Vector256<ulong> t3, Vector256<ulong> t4,
        Vector256<ulong> t5, Vector256<ulong> t6, Vector256<ulong> t7, Vector256<ulong> t8,
        out Vector256<ulong> w0, out Vector256<ulong> w1, out Vector256<ulong> w2, out Vector256<ulong> w3)
    {
        w0 = t0 | (t1 << 29) | (t2 << 58);
        w1 = (t2 >>> 6) | (t3 << 23) | (t4 << 52);
        w2 = (t4 >>> 12) | (t5 << 17) | (t6 << 46);
        w3 = (t6 >>> 18) | (t7 << 11) | (t8 << 40);
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
