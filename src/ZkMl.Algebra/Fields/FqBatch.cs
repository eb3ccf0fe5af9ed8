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
    /// <summary>−p⁻¹ mod 2^29.</summary>
    private const ulong Inv29 = 0x4866389;

    // p in nine 29-bit limbs, least significant first.
    private const ulong Q0 = 0x187cfd47, Q1 = 0x10460b6, Q2 = 0x1c72a34f, Q3 = 0x2d522d0, Q4 = 0x1585d978,
        Q5 = 0x2db40c0, Q6 = 0xa6e141, Q7 = 0xe5c2634, Q8 = 0x30644e;

    /// <summary>p in 29-bit limbs for the shared kernels <see cref="Mont29Avx2{TModulus}"/> and <see cref="Mont29Avx512{TModulus}"/>.</summary>
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
    /// The scalar twin of <see cref="Mul8"/>: eight <see cref="Fq.Mul(in Fq, in Fq, out Fq)"/>. Without AVX2 or AVX-512 (whose
    /// kernels take the limb-form additions, <see cref="Msm.UseLimbFlush"/>) the batch-affine additions still take the
    /// eight-lane structure, because these eight products are independent: the core overlaps them,
    /// where the single-chain batch inversion of the scalar flush waits for each product before the next (MSM of 2^15 points
    /// over the fixed-base table: ≈ 0.88× the CPU time on a Zen 3 EPYC without AVX-512, bench/README.md "session 24").
    /// </summary>
    internal static void Mul8Scalar(ref Fq a, ref Fq b, ref Fq r)
    {
        for (int l = 0; l < 8; l++) Fq.Mul(Unsafe.Add(ref a, l), Unsafe.Add(ref b, l), out Unsafe.Add(ref r, l));
    }

    /// <summary>The eight-lane AVX-512F kernel of <see cref="Mul8"/> (<see cref="Mont29Avx512{TModulus}"/>). Reads all inputs before writing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8Avx512(ref Fq a, ref Fq b, ref Fq r)
        => Mont29Avx512<Modulus>.Mul8(ref Unsafe.As<Fq, ulong>(ref a), ref Unsafe.As<Fq, ulong>(ref b), ref Unsafe.As<Fq, ulong>(ref r));

    /// <summary>
    /// The AVX2 kernel of <see cref="Mul8"/>: the AVX-512 kernel's arithmetic on four-lane ymm vectors, lanes 0…3 and then
    /// lanes 4…7, in the kernel shared with <see cref="FrBatch"/> (<see cref="Mont29Avx2{TModulus}"/>; as fast as the copy it
    /// replaced: 0.95× in one BenchmarkDotNet run of 4,096 products, 2026-12-05 04:56Z). Reads all inputs of a half before
    /// writing it, and the halves do not overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8Avx2(ref Fq a, ref Fq b, ref Fq r)
        => Mont29Avx2<Modulus>.Mul8(ref Unsafe.As<Fq, ulong>(ref a), ref Unsafe.As<Fq, ulong>(ref b), ref Unsafe.As<Fq, ulong>(ref r));
}
