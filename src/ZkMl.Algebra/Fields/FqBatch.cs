using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>
/// Element-wise Fq products of independent pairs, r[i] = a[i]·b[i], eight at a time in AVX-512 lanes when the CPU has
/// AVX-512F, else as two four-lane AVX2 halves when it has AVX2, with the scalar <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/>
/// as twin and for the tail. Inputs and outputs are the ordinary Montgomery form (R = 2^256): the results are the same
/// limbs the scalar product gives.
/// </summary>
/// <remarks>
/// <para>
/// The vector kernel works on nine 29-bit limbs per element (261 bits) so that every partial product vpmuludq forms
/// (29 × 29 → 58 bits) can be summed without carries: a column collects at most 18 products and one carry, below 2^63.
/// It is Montgomery multiplication with radix 2^29 over nine rounds, i.e. by R′ = 2^261. To return the R = 2^256 form,
/// b enters shifted left by 5 bits (b·2^5 &lt; 2^259 fits the nine limbs; no reduction needed): the product is
/// a·b·2^5·2^−261 = a·b·2^−256, and it is below 1.25·p (a·b·2^5 / 2^261 &lt; p/4, plus m·p / 2^261 &lt; p), so one
/// conditional subtraction gives the canonical value.
/// </para>
/// <para>
/// .NET 10 exposes no AVX512-IFMA intrinsics (vpmadd52luq/huq: there is no <c>Avx512Ifma</c> class in
/// System.Runtime.Intrinsics 10.0), which would allow 52-bit limbs and about a third of the multiplications; this kernel
/// uses AVX-512F's vpmuludq (<see cref="Avx512F.Multiply(Vector512{uint}, Vector512{uint})"/>) instead.
/// </para>
/// <para>
/// AVX2 has the same 32 × 32 → 64-bit vpmuludq on four lanes (<see cref="Avx2.Multiply(Vector256{uint}, Vector256{uint})"/>)
/// and no 64-bit multiply, so its kernel is the same arithmetic on ymm vectors. With 16 ymm registers (nine columns and
/// nine limbs of a already exceed them) the two halves run one after the other: interleaving them round by round spilled
/// twice the state and measured slower (bench/README.md "session 25").
/// </para>
/// </remarks>
public static class FqBatch
{
    private const ulong Mask29 = (1UL << 29) - 1;

    /// <summary>−p⁻¹ mod 2^29.</summary>
    private const ulong Inv29 = 0x4866389;

    // p in nine 29-bit limbs, least significant first.
    private const ulong Q0 = 0x187cfd47, Q1 = 0x10460b6, Q2 = 0x1c72a34f, Q3 = 0x2d522d0, Q4 = 0x1585d978,
        Q5 = 0x2db40c0, Q6 = 0xa6e141, Q7 = 0xe5c2634, Q8 = 0x30644e;

    /// <summary>p in 29-bit limbs for the shared AVX2 kernel <see cref="Mont29Avx2{TModulus}"/>.</summary>
    internal readonly struct Modulus : IMont29Modulus
    {
        public static ulong Q0 => FqBatch.Q0;
        public static ulong Q1 => FqBatch.Q1;
        public static ulong Q2 => FqBatch.Q2;
        public static ulong Q3 => FqBatch.Q3;
        public static ulong Q4 => FqBatch.Q4;
        public static ulong Q5 => FqBatch.Q5;
        public static ulong Q6 => FqBatch.Q6;
        public static ulong Q7 => FqBatch.Q7;
        public static ulong Q8 => FqBatch.Q8;
        public static ulong Inv29 => FqBatch.Inv29;
    }

    /// <summary>True when <see cref="Mul"/> takes an eight-lane vector kernel, AVX-512 or AVX2 (for spans of at least 8 elements).</summary>
    public static bool IsVectorized => Kernel != Mul8Kernel.Scalar;

    /// <summary>The implementations of <see cref="Mul8"/>.</summary>
    internal enum Mul8Kernel
    {
        /// <summary>Eight <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/> (<see cref="Mul8Scalar"/>).</summary>
        Scalar,
        /// <summary>Two four-lane ymm halves (<see cref="Mul8Avx2"/>), for CPUs with AVX2 but not AVX-512F.</summary>
        Avx2,
        /// <summary>One eight-lane zmm pass (<see cref="Mul8Avx512"/>).</summary>
        Avx512,
    }

    /// <summary>The fastest kernel this CPU supports: AVX-512F, else AVX2, else scalar.</summary>
    internal static Mul8Kernel BestKernel { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Mul8Kernel.Avx512
        : Avx2.IsSupported && Vector256.IsHardwareAccelerated ? Mul8Kernel.Avx2
        : Mul8Kernel.Scalar;

    private static Mul8Kernel _kernel = BestKernel;

    /// <summary>
    /// The kernel <see cref="Mul8"/> and <see cref="Mul"/> use, <see cref="BestKernel"/> unless a test or benchmark switches it
    /// to compare the paths in one process (the results are identical limbs on every path).
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The CPU lacks the instructions of the kernel asked for.</exception>
    internal static Mul8Kernel Kernel
    {
        get => _kernel;
        set
        {
            if (!IsSupported(value)) throw new PlatformNotSupportedException($"the {value} Fq kernel needs instructions this CPU lacks");
            _kernel = value;
        }
    }

    /// <summary>Whether this CPU can run <paramref name="kernel"/>.</summary>
    internal static bool IsSupported(Mul8Kernel kernel) => kernel switch
    {
        Mul8Kernel.Avx512 => Avx512F.IsSupported && Vector512.IsHardwareAccelerated,
        Mul8Kernel.Avx2 => Avx2.IsSupported && Vector256.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>r[i] = a[i]·b[i] mod p for every i. <paramref name="r"/> may be <paramref name="a"/> or <paramref name="b"/> itself (same start), not a shifted overlap.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Mul(ReadOnlySpan<Fq> a, ReadOnlySpan<Fq> b, Span<Fq> r)
    {
        if (a.Length != b.Length || a.Length != r.Length)
            throw new ArgumentException($"element-wise product needs equal lengths: a {a.Length}, b {b.Length}, r {r.Length}", nameof(r));
        int i = 0;
        if (IsVectorized)
        {
            ref Fq ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), rr = ref MemoryMarshal.GetReference(r);
            for (; i + 8 <= a.Length; i += 8) Mul8(ref Unsafe.Add(ref ra, i), ref Unsafe.Add(ref rb, i), ref Unsafe.Add(ref rr, i));
        }
        for (; i < a.Length; i++) Fq.Mul(a[i], b[i], out r[i]);
    }

    /// <summary>The scalar twin of <see cref="Mul"/>: one <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/> per element.</summary>
    internal static void MulScalar(ReadOnlySpan<Fq> a, ReadOnlySpan<Fq> b, Span<Fq> r)
    {
        if (a.Length != b.Length || a.Length != r.Length)
            throw new ArgumentException($"element-wise product needs equal lengths: a {a.Length}, b {b.Length}, r {r.Length}", nameof(r));
        for (int i = 0; i < a.Length; i++) Fq.Mul(a[i], b[i], out r[i]);
    }

    /// <summary>
    /// inv[i] = den[i]⁻¹ for every i with ONE field inversion (Montgomery's trick as eight interleaved chains: lane l takes
    /// entries l, l + 8, …; the eight lane totals share one scalar inversion). Every den[i] must be non-zero; the length a
    /// multiple of 8 (pad with <see cref="Fq.One"/>). <paramref name="prefix"/> is scratch of the same length. The products go
    /// through <see cref="Mul8"/>, so without AVX-512 the eight chains are still eight independent scalar chains.
    /// </summary>
    internal static void InverseEach8(Span<Fq> den, Span<Fq> prefix, Span<Fq> inv)
    {
        int n8 = den.Length;
        if (n8 < 8 || (n8 & 7) != 0 || prefix.Length < n8 || inv.Length < n8)
            throw new ArgumentException($"InverseEach8 needs a positive multiple of 8 denominators and as many prefix/inverse slots: {n8}, {prefix.Length}, {inv.Length}", nameof(den));
        ref Fq d = ref MemoryMarshal.GetReference(den), pre = ref MemoryMarshal.GetReference(prefix), iv = ref MemoryMarshal.GetReference(inv);
        // prefix[8j + l] = Π_(j' < j) den[8j' + l]
        for (int l = 0; l < 8; l++) Unsafe.Add(ref pre, l) = Fq.One;
        for (int j = 8; j < n8; j += 8) Mul8(ref Unsafe.Add(ref pre, j - 8), ref Unsafe.Add(ref d, j - 8), ref Unsafe.Add(ref pre, j));
        Span<Fq> lane = stackalloc Fq[8];
        Mul8(ref Unsafe.Add(ref pre, n8 - 8), ref Unsafe.Add(ref d, n8 - 8), ref lane[0]); // the eight lane totals
        InvertEachVartime(lane); // lane total⁻¹
        // Backward: lane holds (Π_(j' ≤ j) den[8j' + l])⁻¹, so inv[8j + l] = lane · prefix[8j + l]; then drop den[8j + l].
        for (int j = n8 - 8; j >= 0; j -= 8)
        {
            Mul8(ref lane[0], ref Unsafe.Add(ref pre, j), ref Unsafe.Add(ref iv, j));
            Mul8(ref lane[0], ref Unsafe.Add(ref d, j), ref lane[0]);
        }
    }

    /// <summary>
    /// v[i] = v[i]⁻¹ for a few non-zero elements (the lane totals of the vector inversions) with one variable-time inversion
    /// (Montgomery's trick, scalar products; variable time: group arithmetic, docs at <see cref="Fq.InverseVartime"/>).
    /// </summary>
    internal static void InvertEachVartime(Span<Fq> v)
    {
        Span<Fq> prefix = stackalloc Fq[v.Length];
        var acc = Fq.One;
        for (int l = 0; l < v.Length; l++) { prefix[l] = acc; Fq.Mul(acc, v[l], out acc); }
        Fq.InverseVartime(acc, out acc);
        for (int l = v.Length - 1; l >= 0; l--)
        {
            var total = v[l];
            Fq.Mul(acc, prefix[l], out v[l]);
            Fq.Mul(acc, total, out acc);
        }
    }

    /// <summary>
    /// r[0..8) = a[0..8)·b[0..8) with the <see cref="Kernel"/>: AVX-512, AVX2 or <see cref="Mul8Scalar"/>. r may be a or b
    /// itself (same start), not a shifted overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8(ref Fq a, ref Fq b, ref Fq r)
    {
        var kernel = _kernel;
        if (kernel == Mul8Kernel.Avx512) Mul8Avx512(ref a, ref b, ref r);
        else if (kernel == Mul8Kernel.Avx2) Mul8Avx2(ref a, ref b, ref r);
        else Mul8Scalar(ref a, ref b, ref r);
    }

    /// <summary>
    /// The scalar twin of <see cref="Mul8"/>: eight <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/>. Without AVX-512 the batch-affine
    /// additions still take the eight-lane structure, because these eight products are independent: the core overlaps them,
    /// where the single-chain batch inversion of the scalar flush waits for each product before the next (MSM of 2^15 points
    /// over the fixed-base table: ≈ 0.88× the CPU time on a Zen 3 EPYC without AVX-512, bench/README.md "session 24").
    /// </summary>
    internal static void Mul8Scalar(ref Fq a, ref Fq b, ref Fq r)
    {
        for (int l = 0; l < 8; l++) Fq.Mul(Unsafe.Add(ref a, l), Unsafe.Add(ref b, l), out Unsafe.Add(ref r, l));
    }

    /// <summary>The eight-lane AVX-512F kernel of <see cref="Mul8"/>. Reads all inputs before writing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Mul8Avx512(ref Fq a, ref Fq b, ref Fq r)
    {
        Transpose(ref a, out var a0, out var a1, out var a2, out var a3);
        Transpose(ref b, out var b0, out var b1, out var b2, out var b3);
        var m = Vector512.Create(Mask29);

        // 29-bit limbs of a and of b·2^5.
        var x0 = a0 & m;
        var x1 = (a0 >>> 29) & m;
        var x2 = ((a0 >>> 58) | (a1 << 6)) & m;
        var x3 = (a1 >>> 23) & m;
        var x4 = ((a1 >>> 52) | (a2 << 12)) & m;
        var x5 = (a2 >>> 17) & m;
        var x6 = ((a2 >>> 46) | (a3 << 18)) & m;
        var x7 = (a3 >>> 11) & m;
        var x8 = a3 >>> 40;
        var y0 = (b0 << 5) & m;
        var y1 = (b0 >>> 24) & m;
        var y2 = ((b0 >>> 53) | (b1 << 11)) & m;
        var y3 = (b1 >>> 18) & m;
        var y4 = ((b1 >>> 47) | (b2 << 17)) & m;
        var y5 = (b2 >>> 12) & m;
        var y6 = ((b2 >>> 41) | (b3 << 23)) & m;
        var y7 = (b3 >>> 6) & m;
        var y8 = b3 >>> 35;

        // Product scanning with deferred carries: column k collects x_j·y_i (i + j = k) and m_i·p_j; after round i
        // column i is ≡ 0 mod 2^29 and only its carry moves on. Columns 9…17 hold the result.
        Vector512<ulong> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default, t8 = default;
        Round(y0, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y1, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y2, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y3, ref t3, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y4, ref t4, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y5, ref t5, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y6, ref t6, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y7, ref t7, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        Round(y8, ref t8, ref t0, ref t1, ref t2, ref t3, ref t4, ref t5, ref t6, ref t7, x0, x1, x2, x3, x4, x5, x6, x7, x8);
        // After the rotation the result columns are t0 … t8 again (column 9 + k sits in t_k).

        // Normalise to 29-bit limbs (the value is below 1.25·p < 2^255: no carry leaves t8).
        t1 += t0 >>> 29; t0 &= m;
        t2 += t1 >>> 29; t1 &= m;
        t3 += t2 >>> 29; t2 &= m;
        t4 += t3 >>> 29; t3 &= m;
        t5 += t4 >>> 29; t4 &= m;
        t6 += t5 >>> 29; t5 &= m;
        t7 += t6 >>> 29; t6 &= m;
        t8 += t7 >>> 29; t7 &= m;

        // d = t − p with a borrow chain (a limb difference is negative iff bit 63 is set).
        var d0 = t0 - Vector512.Create(Q0); var bw = d0 >>> 63; d0 &= m;
        var d1 = t1 - Vector512.Create(Q1) - bw; bw = d1 >>> 63; d1 &= m;
        var d2 = t2 - Vector512.Create(Q2) - bw; bw = d2 >>> 63; d2 &= m;
        var d3 = t3 - Vector512.Create(Q3) - bw; bw = d3 >>> 63; d3 &= m;
        var d4 = t4 - Vector512.Create(Q4) - bw; bw = d4 >>> 63; d4 &= m;
        var d5 = t5 - Vector512.Create(Q5) - bw; bw = d5 >>> 63; d5 &= m;
        var d6 = t6 - Vector512.Create(Q6) - bw; bw = d6 >>> 63; d6 &= m;
        var d7 = t7 - Vector512.Create(Q7) - bw; bw = d7 >>> 63; d7 &= m;
        var d8 = t8 - Vector512.Create(Q8) - bw; bw = d8 >>> 63;
        // keep t where t − p borrowed (t < p), else d
        var keep = Vector512.Equals(bw, Vector512<ulong>.One);
        t0 = Vector512.ConditionalSelect(keep, t0, d0);
        t1 = Vector512.ConditionalSelect(keep, t1, d1);
        t2 = Vector512.ConditionalSelect(keep, t2, d2);
        t3 = Vector512.ConditionalSelect(keep, t3, d3);
        t4 = Vector512.ConditionalSelect(keep, t4, d4);
        t5 = Vector512.ConditionalSelect(keep, t5, d5);
        t6 = Vector512.ConditionalSelect(keep, t6, d6);
        t7 = Vector512.ConditionalSelect(keep, t7, d7);
        t8 = Vector512.ConditionalSelect(keep, t8, d8);

        var w0 = t0 | (t1 << 29) | (t2 << 58);
        var w1 = (t2 >>> 6) | (t3 << 23) | (t4 << 52);
        var w2 = (t4 >>> 12) | (t5 << 17) | (t6 << 46);
        var w3 = (t6 >>> 18) | (t7 << 11) | (t8 << 40);
        TransposeBack(w0, w1, w2, w3, ref r);
    }

    /// <summary>
    /// One Montgomery round over the nine columns starting at <paramref name="c0"/> (the caller rotates the column
    /// registers): c += x·yi, then m = c0·(−p⁻¹) mod 2^29, c += m·p, and c0's carry moves into c1; c0 is cleared and
    /// becomes the next round's top column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(Vector512<ulong> yi,
        ref Vector512<ulong> c0, ref Vector512<ulong> c1, ref Vector512<ulong> c2, ref Vector512<ulong> c3, ref Vector512<ulong> c4,
        ref Vector512<ulong> c5, ref Vector512<ulong> c6, ref Vector512<ulong> c7, ref Vector512<ulong> c8,
        Vector512<ulong> x0, Vector512<ulong> x1, Vector512<ulong> x2, Vector512<ulong> x3, Vector512<ulong> x4,
        Vector512<ulong> x5, Vector512<ulong> x6, Vector512<ulong> x7, Vector512<ulong> x8)
    {
        var y = yi.AsUInt32();
        c0 += Avx512F.Multiply(x0.AsUInt32(), y);
        c1 += Avx512F.Multiply(x1.AsUInt32(), y);
        c2 += Avx512F.Multiply(x2.AsUInt32(), y);
        c3 += Avx512F.Multiply(x3.AsUInt32(), y);
        c4 += Avx512F.Multiply(x4.AsUInt32(), y);
        c5 += Avx512F.Multiply(x5.AsUInt32(), y);
        c6 += Avx512F.Multiply(x6.AsUInt32(), y);
        c7 += Avx512F.Multiply(x7.AsUInt32(), y);
        c8 += Avx512F.Multiply(x8.AsUInt32(), y);
        // vpmuludq reads the low 32 bits of c0: enough for the low 29 bits of c0·(−p⁻¹).
        var mm = (Avx512F.Multiply(c0.AsUInt32(), Vector512.Create(Inv29).AsUInt32()) & Vector512.Create(Mask29)).AsUInt32();
        c0 += Avx512F.Multiply(mm, Vector512.Create(Q0).AsUInt32());
        c1 += Avx512F.Multiply(mm, Vector512.Create(Q1).AsUInt32());
        c2 += Avx512F.Multiply(mm, Vector512.Create(Q2).AsUInt32());
        c3 += Avx512F.Multiply(mm, Vector512.Create(Q3).AsUInt32());
        c4 += Avx512F.Multiply(mm, Vector512.Create(Q4).AsUInt32());
        c5 += Avx512F.Multiply(mm, Vector512.Create(Q5).AsUInt32());
        c6 += Avx512F.Multiply(mm, Vector512.Create(Q6).AsUInt32());
        c7 += Avx512F.Multiply(mm, Vector512.Create(Q7).AsUInt32());
        c8 += Avx512F.Multiply(mm, Vector512.Create(Q8).AsUInt32());
        c1 += c0 >>> 29;
        c0 = default;
    }

    /// <summary>
    /// The AVX2 kernel of <see cref="Mul8"/>: the AVX-512 kernel's arithmetic on four-lane ymm vectors, lanes 0…3 and then
    /// lanes 4…7, in the kernel shared with <see cref="FrBatch"/> (<see cref="Mont29Avx2{TModulus}"/>; as fast as the copy it
    /// replaced: 0.95× in one BenchmarkDotNet run of 4,096 products, 2026-12-05 04:56Z). Reads all inputs of a half before
    /// writing it, and the halves do not overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8Avx2(ref Fq a, ref Fq b, ref Fq r)
        => Mont29Avx2<Modulus>.Mul8(ref Unsafe.As<Fq, ulong>(ref a), ref Unsafe.As<Fq, ulong>(ref b), ref Unsafe.As<Fq, ulong>(ref r));

    // Eight consecutive elements (four limbs each) ↔ four vectors holding limb k of every element.
    private static readonly Vector512<ulong> Lo4 = Vector512.Create(0UL, 4, 8, 12, 1, 5, 9, 13);
    private static readonly Vector512<ulong> Hi4 = Vector512.Create(2UL, 6, 10, 14, 3, 7, 11, 15);
    private static readonly Vector512<ulong> LowHalves = Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11);
    private static readonly Vector512<ulong> HighHalves = Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Fq e, out Vector512<ulong> l0, out Vector512<ulong> l1, out Vector512<ulong> l2, out Vector512<ulong> l3)
    {
        ref ulong w = ref Unsafe.As<Fq, ulong>(ref e);
        var v0 = Vector512.LoadUnsafe(ref w);      // elements 0, 1
        var v1 = Vector512.LoadUnsafe(ref w, 8);   // elements 2, 3
        var v2 = Vector512.LoadUnsafe(ref w, 16);  // elements 4, 5
        var v3 = Vector512.LoadUnsafe(ref w, 24);  // elements 6, 7
        var s0 = Avx512F.PermuteVar8x64x2(v0, Lo4, v1); // limbs 0 | 1 of elements 0…3
        var s1 = Avx512F.PermuteVar8x64x2(v0, Hi4, v1); // limbs 2 | 3 of elements 0…3
        var s2 = Avx512F.PermuteVar8x64x2(v2, Lo4, v3);
        var s3 = Avx512F.PermuteVar8x64x2(v2, Hi4, v3);
        l0 = Avx512F.PermuteVar8x64x2(s0, LowHalves, s2);
        l1 = Avx512F.PermuteVar8x64x2(s0, HighHalves, s2);
        l2 = Avx512F.PermuteVar8x64x2(s1, LowHalves, s3);
        l3 = Avx512F.PermuteVar8x64x2(s1, HighHalves, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBack(Vector512<ulong> l0, Vector512<ulong> l1, Vector512<ulong> l2, Vector512<ulong> l3, ref Fq e)
    {
        // s0 = limbs 0 | 1 of elements 0…3, s2 = of elements 4…7; s1, s3 the same for limbs 2 | 3
        var s0 = Avx512F.PermuteVar8x64x2(l0, LowHalves, l1);
        var s2 = Avx512F.PermuteVar8x64x2(l0, HighHalves, l1);
        var s1 = Avx512F.PermuteVar8x64x2(l2, LowHalves, l3);
        var s3 = Avx512F.PermuteVar8x64x2(l2, HighHalves, l3);
        // the same interleave as the load (it is its own inverse on these index pairs)
        ref ulong w = ref Unsafe.As<Fq, ulong>(ref e);
        Avx512F.PermuteVar8x64x2(s0, Lo4, s1).StoreUnsafe(ref w);
        Avx512F.PermuteVar8x64x2(s0, Hi4, s1).StoreUnsafe(ref w, 8);
        Avx512F.PermuteVar8x64x2(s2, Lo4, s3).StoreUnsafe(ref w, 16);
        Avx512F.PermuteVar8x64x2(s2, Hi4, s3).StoreUnsafe(ref w, 24);
    }
}
