using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ZkMl.Algebra;

/// <summary>
/// Element-wise Fr products of independent pairs, eight at a time: one eight-lane AVX-512F pass when the CPU has AVX-512F
/// (<see cref="Mont29Avx512{TModulus}"/> with r's constants), two four-lane AVX2 halves when it has AVX2
/// (<see cref="Mont29Avx2{TModulus}"/>), else eight scalar <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/>, the twin. Inputs and outputs are the ordinary Montgomery form (R = 2^256): every path gives the same limbs. The
/// limb/shift argument of <see cref="FqBatch"/> holds for r because r &lt; 2^254 (see <see cref="Mont29Avx2{TModulus}"/>).
/// </summary>
public static class FrBatch
{
    /// <summary>r = 21888242871839275222246405745257275088548364400416034343698204186575808495617 in 29-bit limbs.</summary>
    internal readonly struct Modulus : IMont29Modulus
    {
        public static ulong Q0 => 0x10000001;
        public static ulong Q1 => 0x1f0fac9f;
        public static ulong Q2 => 0xe5c2450;
        public static ulong Q3 => 0x7d090f3;
        public static ulong Q4 => 0x1585d283;
        public static ulong Q5 => 0x2db40c0;
        public static ulong Q6 => 0xa6e141;
        public static ulong Q7 => 0xe5c2634;
        public static ulong Q8 => 0x30644e;
        /// <summary>r ≡ 1 + 2^28 mod 2^29, so −r⁻¹ ≡ −(1 − 2^28) ≡ 2^28 − 1.</summary>
        public static ulong Inv29 => 0xfffffff;
    }

    /// <summary>The implementations of <see cref="Mul8"/>.</summary>
    internal enum Mul8Kernel
    {
        /// <summary>Eight <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/> (<see cref="Mul8Scalar"/>).</summary>
        Scalar,
        /// <summary>Two four-lane ymm halves (<see cref="Mul8Avx2"/>).</summary>
        Avx2,
        /// <summary>One eight-lane zmm pass (<see cref="Mul8Avx512"/>).</summary>
        Avx512,
    }

    /// <summary>The fastest kernel this CPU supports.</summary>
    internal static Mul8Kernel BestKernel { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Mul8Kernel.Avx512
        : Avx2.IsSupported && Vector256.IsHardwareAccelerated ? Mul8Kernel.Avx2
        : Mul8Kernel.Scalar;

    private static Mul8Kernel _kernel = BestKernel;

    /// <summary>True when <see cref="Mul8"/> takes a vector kernel.</summary>
    public static bool IsVectorized => _kernel != Mul8Kernel.Scalar;

    /// <summary>
    /// The kernel <see cref="Mul8"/> and <see cref="Mul"/> use, <see cref="BestKernel"/> unless a test or benchmark switches it
    /// (process-wide) to compare the paths.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The CPU lacks the instructions of the kernel asked for.</exception>
    internal static Mul8Kernel Kernel
    {
        get => _kernel;
        set
        {
            if (!IsSupported(value)) throw new PlatformNotSupportedException($"the {value} Fr kernel needs instructions this CPU lacks");
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

    /// <summary>r[i] = a[i]·b[i] mod r for every i. <paramref name="r"/> may be <paramref name="a"/> or <paramref name="b"/> itself (same start), not a shifted overlap.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Mul(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> r)
    {
        if (a.Length != b.Length || a.Length != r.Length)
            throw new ArgumentException($"element-wise product needs equal lengths: a {a.Length}, b {b.Length}, r {r.Length}", nameof(r));
        int i = 0;
        if (IsVectorized)
        {
            ref Fr ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), rr = ref MemoryMarshal.GetReference(r);
            for (; i + 8 <= a.Length; i += 8) Mul8(ref Unsafe.Add(ref ra, i), ref Unsafe.Add(ref rb, i), ref Unsafe.Add(ref rr, i));
        }
        for (; i < a.Length; i++) Fr.Mul(a[i], b[i], out r[i]);
    }

    /// <summary>r[0..8) = a[0..8)·b[0..8) with the <see cref="Kernel"/>. r may be a or b itself (same start), not a shifted overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8(ref Fr a, ref Fr b, ref Fr r)
    {
        var kernel = _kernel;
        if (kernel == Mul8Kernel.Avx512) Mul8Avx512(ref a, ref b, ref r);
        else if (kernel == Mul8Kernel.Avx2) Mul8Avx2(ref a, ref b, ref r);
        else Mul8Scalar(ref a, ref b, ref r);
    }

    /// <summary>The scalar twin of <see cref="Mul8"/>: eight <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/>.</summary>
    internal static void Mul8Scalar(ref Fr a, ref Fr b, ref Fr r)
    {
        for (int l = 0; l < 8; l++) Fr.Mul(Unsafe.Add(ref a, l), Unsafe.Add(ref b, l), out Unsafe.Add(ref r, l));
    }

    /// <summary>The AVX2 kernel of <see cref="Mul8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8Avx2(ref Fr a, ref Fr b, ref Fr r) =>
        Mont29Avx2<Modulus>.Mul8(ref Unsafe.As<Fr, ulong>(ref a), ref Unsafe.As<Fr, ulong>(ref b), ref Unsafe.As<Fr, ulong>(ref r));

    /// <summary>The AVX-512F kernel of <see cref="Mul8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Mul8Avx512(ref Fr a, ref Fr b, ref Fr r) =>
        Mont29Avx512<Modulus>.Mul8(ref Unsafe.As<Fr, ulong>(ref a), ref Unsafe.As<Fr, ulong>(ref b), ref Unsafe.As<Fr, ulong>(ref r));
}
