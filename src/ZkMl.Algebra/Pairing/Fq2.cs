using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>
/// An element c0 + c1·u of F_p² = F_p[u]/(u² + 1), the field of G2 coordinates (BN254).
/// </summary>
/// <remarks>Static operations take <c>in</c> arguments and an <c>out</c> result and are alias-safe.</remarks>
[SkipLocalsInit]
public readonly struct Fq2 : IEquatable<Fq2>
{
    /// <summary>The real part.</summary>
    public readonly Fq C0;

    /// <summary>The coefficient of u.</summary>
    public readonly Fq C1;

    /// <summary>Creates c0 + c1·u.</summary>
    public Fq2(in Fq c0, in Fq c1) { C0 = c0; C1 = c1; }

    /// <summary>0.</summary>
    public static Fq2 Zero => default;

    /// <summary>1.</summary>
    public static Fq2 One => new(Fq.One, Fq.Zero);

    /// <summary>The sextic non-residue ξ = 9 + u defining F_p⁶ and the twist.</summary>
    public static Fq2 Xi => new(Fq.FromUInt64(9), Fq.One);

    /// <summary>True for 0.</summary>
    public bool IsZero => C0.IsZero && C1.IsZero;

    /// <summary>True for 1.</summary>
    public bool IsOne => C0.IsOne && C1.IsZero;

    /// <summary>r = a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(in Fq2 a, in Fq2 b, out Fq2 r)
    {
        Fq.Add(a.C0, b.C0, out var c0);
        Fq.Add(a.C1, b.C1, out var c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = a − b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sub(in Fq2 a, in Fq2 b, out Fq2 r)
    {
        Fq.Sub(a.C0, b.C0, out var c0);
        Fq.Sub(a.C1, b.C1, out var c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = 2a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Double(in Fq2 a, out Fq2 r)
    {
        Fq.Double(a.C0, out var c0);
        Fq.Double(a.C1, out var c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = −a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Neg(in Fq2 a, out Fq2 r)
    {
        Fq.Neg(a.C0, out var c0);
        Fq.Neg(a.C1, out var c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = conjugate of a = c0 − c1·u (also the p-power Frobenius).</summary>
    public static void Conjugate(in Fq2 a, out Fq2 r)
    {
        Fq.Neg(a.C1, out var c1);
        r = new Fq2(a.C0, c1);
    }

    /// <summary>r = a·b (Karatsuba: 3 base-field multiplications).</summary>
    public static void Mul(in Fq2 a, in Fq2 b, out Fq2 r)
    {
        Fq.Mul(a.C0, b.C0, out var v0);
        Fq.Mul(a.C1, b.C1, out var v1);
        Fq.Add(a.C0, a.C1, out var s);
        Fq.Add(b.C0, b.C1, out var t);
        Fq.Mul(s, t, out var c1);
        Fq.Sub(c1, v0, out c1);
        Fq.Sub(c1, v1, out c1);
        Fq.Sub(v0, v1, out var c0);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = a² (complex squaring: 2 base-field multiplications).</summary>
    public static void Square(in Fq2 a, out Fq2 r)
    {
        Fq.Add(a.C0, a.C1, out var s);
        Fq.Sub(a.C0, a.C1, out var d);
        Fq.Mul(a.C0, a.C1, out var c1);
        Fq.Double(c1, out c1);
        Fq.Mul(s, d, out var c0);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = a·k for k in F_p.</summary>
    public static void MulByFq(in Fq2 a, in Fq k, out Fq2 r)
    {
        Fq.Mul(a.C0, k, out var c0);
        Fq.Mul(a.C1, k, out var c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = a·ξ with ξ = 9 + u: (9c0 − c1) + (c0 + 9c1)·u.</summary>
    public static void MulByXi(in Fq2 a, out Fq2 r)
    {
        Fq.Double(a.C0, out var t0);
        Fq.Double(t0, out t0);
        Fq.Double(t0, out t0);
        Fq.Add(t0, a.C0, out t0);
        Fq.Double(a.C1, out var t1);
        Fq.Double(t1, out t1);
        Fq.Double(t1, out t1);
        Fq.Add(t1, a.C1, out t1);
        Fq.Sub(t0, a.C1, out var c0);
        Fq.Add(t1, a.C0, out var c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>r = a⁻¹ (zero maps to zero).</summary>
    public static void Inverse(in Fq2 a, out Fq2 r)
    {
        Fq.Square(a.C0, out var n);
        Fq.Square(a.C1, out var t);
        Fq.Add(n, t, out n);
        Fq.Inverse(n, out n);
        Fq.Mul(a.C0, n, out var c0);
        Fq.Mul(a.C1, n, out var c1);
        Fq.Neg(c1, out c1);
        r = new Fq2(c0, c1);
    }

    /// <summary>Inverts every element in place with one base-field inversion (zeros stay zero).</summary>
    public static void BatchInverse(Span<Fq2> values)
    {
        int n = values.Length;
        if (n == 0) return;
        var norms = new Fq[n];
        for (int i = 0; i < n; i++)
        {
            Fq.Square(values[i].C0, out var a);
            Fq.Square(values[i].C1, out var b);
            Fq.Add(a, b, out norms[i]);
        }
        Fq.BatchInverse(norms);
        for (int i = 0; i < n; i++)
        {
            Fq.Mul(values[i].C0, norms[i], out var c0);
            Fq.Mul(values[i].C1, norms[i], out var c1);
            Fq.Neg(c1, out c1);
            values[i] = new Fq2(c0, c1);
        }
    }

    /// <summary>a^e for a non-negative exponent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">e is negative.</exception>
    public Fq2 Pow(BigInteger e)
    {
        if (e.Sign < 0) throw new ArgumentOutOfRangeException(nameof(e), "exponent must be non-negative");
        Fq2 acc = One;
        for (long i = (long)e.GetBitLength() - 1; i >= 0; i--)
        {
            Square(acc, out acc);
            if (!(e >> (int)i).IsEven) Mul(acc, this, out acc);
        }
        return acc;
    }

    /// <summary>a⁻¹ (zero maps to zero).</summary>
    public Fq2 Inverse() { Inverse(this, out var r); return r; }

    /// <summary>a + b.</summary>
    public static Fq2 operator +(in Fq2 a, in Fq2 b) { Add(a, b, out var r); return r; }

    /// <summary>a − b.</summary>
    public static Fq2 operator -(in Fq2 a, in Fq2 b) { Sub(a, b, out var r); return r; }

    /// <summary>−a.</summary>
    public static Fq2 operator -(in Fq2 a) { Neg(a, out var r); return r; }

    /// <summary>a·b.</summary>
    public static Fq2 operator *(in Fq2 a, in Fq2 b) { Mul(a, b, out var r); return r; }

    /// <summary>Equality.</summary>
    public static bool operator ==(in Fq2 a, in Fq2 b) => a.C0 == b.C0 && a.C1 == b.C1;

    /// <summary>Inequality.</summary>
    public static bool operator !=(in Fq2 a, in Fq2 b) => !(a == b);

    /// <summary>A uniformly random element.</summary>
    public static Fq2 Random(Random rng) => new(Fq.Random(rng), Fq.Random(rng));

    /// <inheritdoc/>
    public bool Equals(Fq2 other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Fq2 o && this == o;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(C0, C1);

    /// <summary>"c0 + c1·u" in decimal.</summary>
    public override string ToString() => $"{C0} + {C1}*u";
}
