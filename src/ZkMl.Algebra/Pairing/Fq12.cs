using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>
/// An element c0 + c1·w of F_p¹² = F_p⁶[w]/(w² − v) (BN254 tower; w⁶ = ξ = 9 + u), the target
/// group of the pairing lives in its order-r subgroup.
/// </summary>
/// <remarks>Static operations take <c>in</c> arguments and an <c>out</c> result and are alias-safe.</remarks>
[SkipLocalsInit]
public readonly struct Fq12 : IEquatable<Fq12>
{
    /// <summary>Coefficient of 1.</summary>
    public readonly Fq6 C0;

    /// <summary>Coefficient of w.</summary>
    public readonly Fq6 C1;

    /// <summary>Creates c0 + c1·w.</summary>
    public Fq12(in Fq6 c0, in Fq6 c1) { C0 = c0; C1 = c1; }

    /// <summary>0.</summary>
    public static Fq12 Zero => default;

    /// <summary>1.</summary>
    public static Fq12 One => new(Fq6.One, Fq6.Zero);

    /// <summary>True for 1.</summary>
    public bool IsOne => C0.C0.IsOne && C0.C1.IsZero && C0.C2.IsZero && C1.IsZero;

    /// <summary>True for 0.</summary>
    public bool IsZero => C0.IsZero && C1.IsZero;

    /// <summary>γ_i = ξ^(i(p−1)/6), i = 0..5: w^(i·p) = γ_i·w^i.</summary>
    private static readonly Fq2[] FrobCoeffs = MakeFrob();

    private static Fq2[] MakeFrob()
    {
        var e = (Fq.Modulus - 1) / 6;
        var g = Fq2.Xi.Pow(e);
        var r = new Fq2[6];
        r[0] = Fq2.One;
        for (int i = 1; i < 6; i++) r[i] = r[i - 1] * g;
        return r;
    }

    /// <summary>r = a·b (Karatsuba over F_p⁶).</summary>
    public static void Mul(in Fq12 a, in Fq12 b, out Fq12 r)
    {
        Fq6.Mul(a.C0, b.C0, out var v0);
        Fq6.Mul(a.C1, b.C1, out var v1);
        Fq6.Add(a.C0, a.C1, out var s);
        Fq6.Add(b.C0, b.C1, out var t);
        Fq6.Mul(s, t, out var c1);
        Fq6.Sub(c1, v0, out c1);
        Fq6.Sub(c1, v1, out c1);
        Fq6.MulByV(v1, out var c0);
        Fq6.Add(c0, v0, out c0);
        r = new Fq12(c0, c1);
    }

    /// <summary>r = a² (complex squaring: 2 F_p⁶ multiplications).</summary>
    public static void Square(in Fq12 a, out Fq12 r)
    {
        Fq6.Mul(a.C0, a.C1, out var v0);
        Fq6.MulByV(a.C1, out var t);
        Fq6.Add(a.C0, t, out t);
        Fq6.Add(a.C0, a.C1, out var s);
        Fq6.Mul(s, t, out var c0);
        Fq6.Sub(c0, v0, out c0);
        Fq6.MulByV(v0, out t);
        Fq6.Sub(c0, t, out c0);
        Fq6.Add(v0, v0, out var c1);
        r = new Fq12(c0, c1);
    }

    /// <summary>
    /// r = a·(b0 + b3·w + b4·w³), the sparse shape of a pairing line value
    /// (b0 in C0.C0, b3 in C1.C0, b4 in C1.C1).
    /// </summary>
    public static void MulBy034(in Fq12 a, in Fq2 b0, in Fq2 b3, in Fq2 b4, out Fq12 r)
    {
        Fq6.MulByFq2(a.C0, b0, out var x);
        Fq6.MulBy01(a.C1, b3, b4, out var y);
        Fq2.Add(b0, b3, out var s0);
        Fq6.Add(a.C0, a.C1, out var d);
        Fq6.MulBy01(d, s0, b4, out d);
        Fq6.Sub(d, x, out var c1);
        Fq6.Sub(c1, y, out c1);
        Fq6.MulByV(y, out var c0);
        Fq6.Add(c0, x, out c0);
        r = new Fq12(c0, c1);
    }

    /// <summary>r = c0 − c1·w, which is a^(p⁶) (and a⁻¹ for a in the cyclotomic subgroup).</summary>
    public static void Conjugate(in Fq12 a, out Fq12 r)
    {
        Fq6.Neg(a.C1, out var c1);
        r = new Fq12(a.C0, c1);
    }

    /// <summary>r = a⁻¹ (zero maps to zero).</summary>
    public static void Inverse(in Fq12 a, out Fq12 r)
    {
        Fq6.Mul(a.C0, a.C0, out var t0);
        Fq6.Mul(a.C1, a.C1, out var t1);
        Fq6.MulByV(t1, out t1);
        Fq6.Sub(t0, t1, out t0);
        Fq6.Inverse(t0, out t0);
        Fq6.Mul(a.C0, t0, out var c0);
        Fq6.Mul(a.C1, t0, out var c1);
        Fq6.Neg(c1, out c1);
        r = new Fq12(c0, c1);
    }

    /// <summary>r = a^p (Frobenius): each F_p² coefficient of w^i is conjugated and scaled by ξ^(i(p−1)/6).</summary>
    public static void Frobenius(in Fq12 a, out Fq12 r)
    {
        var g = FrobCoeffs;
        Fq2.Conjugate(a.C0.C0, out var a0);
        Fq2.Conjugate(a.C0.C1, out var a2);
        Fq2.Conjugate(a.C0.C2, out var a4);
        Fq2.Conjugate(a.C1.C0, out var a1);
        Fq2.Conjugate(a.C1.C1, out var a3);
        Fq2.Conjugate(a.C1.C2, out var a5);
        Fq2.Mul(a2, g[2], out a2);
        Fq2.Mul(a4, g[4], out a4);
        Fq2.Mul(a1, g[1], out a1);
        Fq2.Mul(a3, g[3], out a3);
        Fq2.Mul(a5, g[5], out a5);
        r = new Fq12(new Fq6(a0, a2, a4), new Fq6(a1, a3, a5));
    }

    /// <summary>
    /// r = a² for a in the cyclotomic subgroup (any value after the easy part of the final
    /// exponentiation); Granger–Scott, "Faster squaring in the cyclotomic subgroup of sixth degree
    /// extensions" (eprint 2009/565, §3.2): 6 F_p² squarings instead of 2 F_p⁶ multiplications.
    /// The result is wrong for elements outside that subgroup.
    /// </summary>
    public static void CyclotomicSquare(in Fq12 a, out Fq12 r)
    {
        // (x0, x1, x2) = C0, (x3, x4, x5) = C1
        Fq2.Square(a.C1.C1, out var t0);
        Fq2.Square(a.C0.C0, out var t1);
        Fq2.Add(a.C1.C1, a.C0.C0, out var t6);
        Fq2.Square(t6, out t6);
        Fq2.Sub(t6, t0, out t6);
        Fq2.Sub(t6, t1, out t6);          // 2·x4·x0
        Fq2.Square(a.C0.C2, out var t2);
        Fq2.Square(a.C1.C0, out var t3);
        Fq2.Add(a.C0.C2, a.C1.C0, out var t7);
        Fq2.Square(t7, out t7);
        Fq2.Sub(t7, t2, out t7);
        Fq2.Sub(t7, t3, out t7);          // 2·x2·x3
        Fq2.Square(a.C1.C2, out var t4);
        Fq2.Square(a.C0.C1, out var t5);
        Fq2.Add(a.C1.C2, a.C0.C1, out var t8);
        Fq2.Square(t8, out t8);
        Fq2.Sub(t8, t4, out t8);
        Fq2.Sub(t8, t5, out t8);
        Fq2.MulByXi(t8, out t8);          // 2·x5·x1·ξ
        Fq2.MulByXi(t0, out t0);
        Fq2.Add(t0, t1, out t0);          // x4²ξ + x0²
        Fq2.MulByXi(t2, out t2);
        Fq2.Add(t2, t3, out t2);          // x2²ξ + x3²
        Fq2.MulByXi(t4, out t4);
        Fq2.Add(t4, t5, out t4);          // x5²ξ + x1²
        Fq2.Sub(t0, a.C0.C0, out var z00); Fq2.Double(z00, out z00); Fq2.Add(z00, t0, out z00);
        Fq2.Sub(t2, a.C0.C1, out var z01); Fq2.Double(z01, out z01); Fq2.Add(z01, t2, out z01);
        Fq2.Sub(t4, a.C0.C2, out var z02); Fq2.Double(z02, out z02); Fq2.Add(z02, t4, out z02);
        Fq2.Add(t8, a.C1.C0, out var z10); Fq2.Double(z10, out z10); Fq2.Add(z10, t8, out z10);
        Fq2.Add(t6, a.C1.C1, out var z11); Fq2.Double(z11, out z11); Fq2.Add(z11, t6, out z11);
        Fq2.Add(t7, a.C1.C2, out var z12); Fq2.Double(z12, out z12); Fq2.Add(z12, t7, out z12);
        r = new Fq12(new Fq6(z00, z01, z02), new Fq6(z10, z11, z12));
    }

    /// <summary>r = a^e for a in the cyclotomic subgroup, using <see cref="CyclotomicSquare"/>.</summary>
    public static void CyclotomicPowU64(in Fq12 a, ulong e, out Fq12 r)
    {
        Fq12 acc = One;
        Fq12 b = a;
        for (int i = 63 - BitOperations.LeadingZeroCount(e); i >= 0; i--)
        {
            CyclotomicSquare(acc, out acc);
            if (((e >> i) & 1) != 0) Mul(acc, b, out acc);
        }
        r = acc;
    }

    /// <summary>r = a^e for a non-negative exponent given as a 64-bit word (square-and-multiply).</summary>
    public static void PowU64(in Fq12 a, ulong e, out Fq12 r)
    {
        Fq12 acc = One;
        Fq12 b = a;
        for (int i = 63 - BitOperations.LeadingZeroCount(e); i >= 0; i--)
        {
            Square(acc, out acc);
            if (((e >> i) & 1) != 0) Mul(acc, b, out acc);
        }
        r = acc;
    }

    /// <summary>a^e for a non-negative exponent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">e is negative.</exception>
    public Fq12 Pow(BigInteger e)
    {
        if (e.Sign < 0) throw new ArgumentOutOfRangeException(nameof(e), "exponent must be non-negative");
        Fq12 acc = One;
        for (long i = (long)e.GetBitLength() - 1; i >= 0; i--)
        {
            Square(acc, out acc);
            if (!(e >> (int)i).IsEven) Mul(acc, this, out acc);
        }
        return acc;
    }

    /// <summary>a⁻¹.</summary>
    public Fq12 Inverse() { Inverse(this, out var r); return r; }

    /// <summary>a·b.</summary>
    public static Fq12 operator *(in Fq12 a, in Fq12 b) { Mul(a, b, out var r); return r; }

    /// <summary>Equality.</summary>
    public static bool operator ==(in Fq12 a, in Fq12 b) => a.C0 == b.C0 && a.C1 == b.C1;

    /// <summary>Inequality.</summary>
    public static bool operator !=(in Fq12 a, in Fq12 b) => !(a == b);

    /// <summary>A uniformly random element.</summary>
    public static Fq12 Random(Random rng) => new(Fq6.Random(rng), Fq6.Random(rng));

    /// <inheritdoc/>
    public bool Equals(Fq12 other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Fq12 o && this == o;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(C0, C1);

    /// <summary>Coefficients as text.</summary>
    public override string ToString() => $"[{C0}] + [{C1}]*w";
}
