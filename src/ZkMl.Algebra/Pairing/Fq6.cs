using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>An element c0 + c1·v + c2·v² of F_p⁶ = F_p²[v]/(v³ − ξ), ξ = 9 + u (BN254 tower).</summary>
/// <remarks>Static operations take <c>in</c> arguments and an <c>out</c> result and are alias-safe.</remarks>
[SkipLocalsInit]
public readonly struct Fq6 : IEquatable<Fq6>
{
    /// <summary>Coefficient of 1.</summary>
    public readonly Fq2 C0;

    /// <summary>Coefficient of v.</summary>
    public readonly Fq2 C1;

    /// <summary>Coefficient of v².</summary>
    public readonly Fq2 C2;

    /// <summary>Creates c0 + c1·v + c2·v².</summary>
    public Fq6(in Fq2 c0, in Fq2 c1, in Fq2 c2) { C0 = c0; C1 = c1; C2 = c2; }

    /// <summary>0.</summary>
    public static Fq6 Zero => default;

    /// <summary>1.</summary>
    public static Fq6 One => new(Fq2.One, Fq2.Zero, Fq2.Zero);

    /// <summary>True for 0.</summary>
    public bool IsZero => C0.IsZero && C1.IsZero && C2.IsZero;

    /// <summary>r = a + b.</summary>
    public static void Add(in Fq6 a, in Fq6 b, out Fq6 r)
    {
        Fq2.Add(a.C0, b.C0, out var c0);
        Fq2.Add(a.C1, b.C1, out var c1);
        Fq2.Add(a.C2, b.C2, out var c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = a − b.</summary>
    public static void Sub(in Fq6 a, in Fq6 b, out Fq6 r)
    {
        Fq2.Sub(a.C0, b.C0, out var c0);
        Fq2.Sub(a.C1, b.C1, out var c1);
        Fq2.Sub(a.C2, b.C2, out var c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = −a.</summary>
    public static void Neg(in Fq6 a, out Fq6 r)
    {
        Fq2.Neg(a.C0, out var c0);
        Fq2.Neg(a.C1, out var c1);
        Fq2.Neg(a.C2, out var c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = a·v = ξ·c2 + c0·v + c1·v².</summary>
    public static void MulByV(in Fq6 a, out Fq6 r)
    {
        Fq2.MulByXi(a.C2, out var c0);
        r = new Fq6(c0, a.C0, a.C1);
    }

    /// <summary>r = a·b (Karatsuba: 6 F_p² multiplications).</summary>
    public static void Mul(in Fq6 a, in Fq6 b, out Fq6 r)
    {
        Fq2.Mul(a.C0, b.C0, out var v0);
        Fq2.Mul(a.C1, b.C1, out var v1);
        Fq2.Mul(a.C2, b.C2, out var v2);
        Fq2.Add(a.C1, a.C2, out var s);
        Fq2.Add(b.C1, b.C2, out var t);
        Fq2.Mul(s, t, out var c0);
        Fq2.Sub(c0, v1, out c0);
        Fq2.Sub(c0, v2, out c0);
        Fq2.MulByXi(c0, out c0);
        Fq2.Add(c0, v0, out c0);
        Fq2.Add(a.C0, a.C1, out s);
        Fq2.Add(b.C0, b.C1, out t);
        Fq2.Mul(s, t, out var c1);
        Fq2.Sub(c1, v0, out c1);
        Fq2.Sub(c1, v1, out c1);
        Fq2.MulByXi(v2, out var xv2);
        Fq2.Add(c1, xv2, out c1);
        Fq2.Add(a.C0, a.C2, out s);
        Fq2.Add(b.C0, b.C2, out t);
        Fq2.Mul(s, t, out var c2);
        Fq2.Sub(c2, v0, out c2);
        Fq2.Sub(c2, v2, out c2);
        Fq2.Add(c2, v1, out c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = a² (CH-SQR2: 2 multiplications and 3 squarings in F_p²).</summary>
    public static void Square(in Fq6 a, out Fq6 r)
    {
        Fq2.Square(a.C0, out var s0);
        Fq2.Mul(a.C0, a.C1, out var s1);
        Fq2.Double(s1, out s1);
        Fq2.Sub(a.C0, a.C1, out var t);
        Fq2.Add(t, a.C2, out t);
        Fq2.Square(t, out var s2);
        Fq2.Mul(a.C1, a.C2, out var s3);
        Fq2.Double(s3, out s3);
        Fq2.Square(a.C2, out var s4);
        Fq2.MulByXi(s3, out var c0);
        Fq2.Add(c0, s0, out c0);
        Fq2.MulByXi(s4, out var c1);
        Fq2.Add(c1, s1, out c1);
        Fq2.Add(s1, s2, out var c2);
        Fq2.Add(c2, s3, out c2);
        Fq2.Sub(c2, s0, out c2);
        Fq2.Sub(c2, s4, out c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = a·(b0 + b1·v) (5 F_p² multiplications).</summary>
    public static void MulBy01(in Fq6 a, in Fq2 b0, in Fq2 b1, out Fq6 r)
    {
        Fq2.Mul(a.C0, b0, out var t0);
        Fq2.Mul(a.C1, b1, out var t1);
        Fq2.Add(a.C1, a.C2, out var s);
        Fq2.Mul(s, b1, out var c0);
        Fq2.Sub(c0, t1, out c0);
        Fq2.MulByXi(c0, out c0);
        Fq2.Add(c0, t0, out c0);
        Fq2.Add(a.C0, a.C1, out s);
        Fq2.Add(b0, b1, out var t);
        Fq2.Mul(s, t, out var c1);
        Fq2.Sub(c1, t0, out c1);
        Fq2.Sub(c1, t1, out c1);
        Fq2.Add(a.C0, a.C2, out s);
        Fq2.Mul(s, b0, out var c2);
        Fq2.Sub(c2, t0, out c2);
        Fq2.Add(c2, t1, out c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = a·b0 for b0 in F_p².</summary>
    public static void MulByFq2(in Fq6 a, in Fq2 b0, out Fq6 r)
    {
        Fq2.Mul(a.C0, b0, out var c0);
        Fq2.Mul(a.C1, b0, out var c1);
        Fq2.Mul(a.C2, b0, out var c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>r = a⁻¹ (zero maps to zero).</summary>
    public static void Inverse(in Fq6 a, out Fq6 r)
    {
        // A = c0² − ξc1c2, B = ξc2² − c0c1, C = c1² − c0c2, F = c0A + ξ(c2B + c1C)
        Fq2.Square(a.C0, out var A);
        Fq2.Mul(a.C1, a.C2, out var t);
        Fq2.MulByXi(t, out t);
        Fq2.Sub(A, t, out A);
        Fq2.Square(a.C2, out var B);
        Fq2.MulByXi(B, out B);
        Fq2.Mul(a.C0, a.C1, out t);
        Fq2.Sub(B, t, out B);
        Fq2.Square(a.C1, out var C);
        Fq2.Mul(a.C0, a.C2, out t);
        Fq2.Sub(C, t, out C);
        Fq2.Mul(a.C2, B, out var f);
        Fq2.Mul(a.C1, C, out t);
        Fq2.Add(f, t, out f);
        Fq2.MulByXi(f, out f);
        Fq2.Mul(a.C0, A, out t);
        Fq2.Add(f, t, out f);
        Fq2.Inverse(f, out f);
        Fq2.Mul(A, f, out var c0);
        Fq2.Mul(B, f, out var c1);
        Fq2.Mul(C, f, out var c2);
        r = new Fq6(c0, c1, c2);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(in Fq6 a, in Fq6 b) => a.C0 == b.C0 && a.C1 == b.C1 && a.C2 == b.C2;

    /// <summary>Inequality.</summary>
    public static bool operator !=(in Fq6 a, in Fq6 b) => !(a == b);

    /// <summary>a + b.</summary>
    public static Fq6 operator +(in Fq6 a, in Fq6 b) { Add(a, b, out var r); return r; }

    /// <summary>a − b.</summary>
    public static Fq6 operator -(in Fq6 a, in Fq6 b) { Sub(a, b, out var r); return r; }

    /// <summary>a·b.</summary>
    public static Fq6 operator *(in Fq6 a, in Fq6 b) { Mul(a, b, out var r); return r; }

    /// <summary>A uniformly random element.</summary>
    public static Fq6 Random(Random rng) => new(Fq2.Random(rng), Fq2.Random(rng), Fq2.Random(rng));

    /// <inheritdoc/>
    public bool Equals(Fq6 other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Fq6 o && this == o;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(C0, C1, C2);

    /// <summary>Coefficients as text.</summary>
    public override string ToString() => $"({C0}) + ({C1})*v + ({C2})*v^2";
}
