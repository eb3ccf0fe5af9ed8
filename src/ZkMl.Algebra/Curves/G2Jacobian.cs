using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>
/// A point of G2 (BN254, twist y² = x³ + 3/ξ over F_p²) in Jacobian coordinates (X : Y : Z), standing for
/// the affine point (X/Z², Y/Z³); Z = 0 is the point at infinity.
/// </summary>
/// <remarks>
/// The hot operations take <c>in</c> arguments and an <c>out</c> result and stay correct when
/// the result aliases an input. Formulas from the Explicit-Formulas Database (a = 0):
/// add-2007-bl, madd-2007-bl and dbl-2009-l.
/// </remarks>
[SkipLocalsInit]
public readonly struct G2Jacobian : IEquatable<G2Jacobian>
{
    /// <summary>Jacobian X.</summary>
    public readonly Fq2 X;

    /// <summary>Jacobian Y.</summary>
    public readonly Fq2 Y;

    /// <summary>Jacobian Z (zero for infinity).</summary>
    public readonly Fq2 Z;

    /// <summary>Creates (X : Y : Z) without validation.</summary>
    public G2Jacobian(in Fq2 x, in Fq2 y, in Fq2 z) { X = x; Y = y; Z = z; }

    /// <summary>The point at infinity, (1 : 1 : 0).</summary>
    public static G2Jacobian Infinity => new(Fq2.One, Fq2.One, Fq2.Zero);

    /// <summary>The generator (1 : 2 : 1).</summary>
    public static G2Jacobian Generator => FromAffine(G2Affine.Generator);

    /// <summary>True for the point at infinity (Z = 0).</summary>
    public bool IsInfinity => Z.IsZero;

    /// <summary>Lifts an affine point (Z = 1; infinity maps to <see cref="Infinity"/>).</summary>
    public static G2Jacobian FromAffine(in G2Affine p) => p.IsInfinity ? Infinity : new G2Jacobian(p.X, p.Y, Fq2.One);

    /// <summary>True if Y² = X³ + b′·Z⁶ (or the point is infinity).</summary>
    public bool IsOnCurve
    {
        get
        {
            if (IsInfinity) return true;
            Fq2.Square(Y, out var y2);
            Fq2.Square(X, out var t);
            Fq2.Mul(t, X, out var x3);
            Fq2.Square(Z, out var z2);
            Fq2.Mul(z2, Z, out t);
            Fq2.Square(t, out var z6);
            Fq2.Mul(z6, G2Affine.B, out z6);
            Fq2.Add(x3, z6, out x3);
            return y2 == x3;
        }
    }

    /// <summary>Converts to affine coordinates (one field inversion).</summary>
    public G2Affine ToAffine()
    {
        if (IsInfinity) return G2Affine.Infinity;
        Fq2.Inverse(Z, out var zi);
        Fq2.Square(zi, out var zi2);
        Fq2.Mul(zi2, zi, out var zi3);
        Fq2.Mul(X, zi2, out var x);
        Fq2.Mul(Y, zi3, out var y);
        return new G2Affine(x, y);
    }

    /// <summary>
    /// Converts many points to affine with one shared inversion (Montgomery's trick via
    /// <see cref="Fq2.BatchInverse"/>). <paramref name="output"/> must be at least as long as
    /// <paramref name="input"/>.
    /// </summary>
    /// <exception cref="ArgumentException">output is shorter than input.</exception>
    public static void BatchToAffine(ReadOnlySpan<G2Jacobian> input, Span<G2Affine> output)
    {
        int n = input.Length;
        if (output.Length < n) throw new ArgumentException($"output has {output.Length} slots, need {n}", nameof(output));
        if (n == 0) return;
        Fq2[]? rented = null;
        Span<Fq2> zs = n <= 128 ? stackalloc Fq2[n] : (rented = System.Buffers.ArrayPool<Fq2>.Shared.Rent(n)).AsSpan(0, n);
        for (int i = 0; i < n; i++) zs[i] = input[i].Z;
        Fq2.BatchInverse(zs);
        for (int i = 0; i < n; i++)
        {
            if (zs[i].IsZero) { output[i] = G2Affine.Infinity; continue; }
            Fq2.Square(zs[i], out var zi2);
            Fq2.Mul(zi2, zs[i], out var zi3);
            Fq2.Mul(input[i].X, zi2, out var x);
            Fq2.Mul(input[i].Y, zi3, out var y);
            output[i] = new G2Affine(x, y);
        }
        if (rented != null) System.Buffers.ArrayPool<Fq2>.Shared.Return(rented);
    }

    /// <summary>r = −a.</summary>
    public static void Negate(in G2Jacobian a, out G2Jacobian r)
    {
        Fq2.Neg(a.Y, out var ny);
        r = new G2Jacobian(a.X, ny, a.Z);
    }

    /// <summary>−P.</summary>
    public G2Jacobian Negate() { Negate(this, out var r); return r; }

    /// <summary>r = 2a (dbl-2009-l: 2M + 5S).</summary>
    public static void Double(in G2Jacobian a, out G2Jacobian r)
    {
        if (a.Z.IsZero) { r = a; return; }
        Fq2.Square(a.X, out var A);
        Fq2.Square(a.Y, out var B);
        Fq2.Square(B, out var C);
        Fq2.Add(a.X, B, out var D);
        Fq2.Square(D, out D);
        Fq2.Sub(D, A, out D);
        Fq2.Sub(D, C, out D);
        Fq2.Double(D, out D);
        Fq2.Double(A, out var E);
        Fq2.Add(E, A, out E);
        Fq2.Square(E, out var F);
        Fq2.Mul(a.Y, a.Z, out var z3);
        Fq2.Double(z3, out z3);
        Fq2.Double(D, out var x3);
        Fq2.Sub(F, x3, out x3);
        Fq2.Sub(D, x3, out var y3);
        Fq2.Mul(E, y3, out y3);
        Fq2.Double(C, out C);
        Fq2.Double(C, out C);
        Fq2.Double(C, out C);
        Fq2.Sub(y3, C, out y3);
        r = new G2Jacobian(x3, y3, z3);
    }

    /// <summary>2P.</summary>
    public G2Jacobian Double() { Double(this, out var r); return r; }

    /// <summary>r = a + b for an affine b (madd-2007-bl: 7M + 4S), handling infinity and doubling.</summary>
    public static void AddMixed(in G2Jacobian a, in G2Affine b, out G2Jacobian r)
    {
        if (b.IsInfinity) { r = a; return; }
        if (a.Z.IsZero) { r = new G2Jacobian(b.X, b.Y, Fq2.One); return; }
        Fq2.Square(a.Z, out var z1z1);
        Fq2.Mul(b.X, z1z1, out var u2);
        Fq2.Mul(a.Z, z1z1, out var s2);
        Fq2.Mul(b.Y, s2, out s2);
        Fq2.Sub(u2, a.X, out var h);
        Fq2.Sub(s2, a.Y, out var rr);
        if (h.IsZero)
        {
            if (rr.IsZero) { Double(FromAffine(b), out r); return; }
            r = Infinity;
            return;
        }
        Fq2.Double(rr, out rr);
        Fq2.Square(h, out var hh);
        Fq2.Double(hh, out var i);
        Fq2.Double(i, out i);
        Fq2.Mul(h, i, out var j);
        Fq2.Mul(a.X, i, out var v);
        Fq2.Square(rr, out var x3);
        Fq2.Sub(x3, j, out x3);
        Fq2.Sub(x3, v, out x3);
        Fq2.Sub(x3, v, out x3);
        Fq2.Mul(a.Y, j, out var yj);
        Fq2.Double(yj, out yj);
        Fq2.Sub(v, x3, out var y3);
        Fq2.Mul(rr, y3, out y3);
        Fq2.Sub(y3, yj, out y3);
        Fq2.Add(a.Z, h, out var z3);
        Fq2.Square(z3, out z3);
        Fq2.Sub(z3, z1z1, out z3);
        Fq2.Sub(z3, hh, out z3);
        r = new G2Jacobian(x3, y3, z3);
    }

    /// <summary>r = a + b (add-2007-bl: 11M + 5S), handling infinity and doubling.</summary>
    public static void Add(in G2Jacobian a, in G2Jacobian b, out G2Jacobian r)
    {
        if (a.Z.IsZero) { r = b; return; }
        if (b.Z.IsZero) { r = a; return; }
        Fq2.Square(a.Z, out var z1z1);
        Fq2.Square(b.Z, out var z2z2);
        Fq2.Mul(a.X, z2z2, out var u1);
        Fq2.Mul(b.X, z1z1, out var u2);
        Fq2.Mul(b.Z, z2z2, out var s1);
        Fq2.Mul(a.Y, s1, out s1);
        Fq2.Mul(a.Z, z1z1, out var s2);
        Fq2.Mul(b.Y, s2, out s2);
        Fq2.Sub(u2, u1, out var h);
        Fq2.Sub(s2, s1, out var rr);
        if (h.IsZero)
        {
            if (rr.IsZero) { Double(a, out r); return; }
            r = Infinity;
            return;
        }
        Fq2.Double(rr, out rr);
        Fq2.Double(h, out var i);
        Fq2.Square(i, out i);
        Fq2.Mul(h, i, out var j);
        Fq2.Mul(u1, i, out var v);
        Fq2.Square(rr, out var x3);
        Fq2.Sub(x3, j, out x3);
        Fq2.Sub(x3, v, out x3);
        Fq2.Sub(x3, v, out x3);
        Fq2.Mul(s1, j, out var sj);
        Fq2.Double(sj, out sj);
        Fq2.Sub(v, x3, out var y3);
        Fq2.Mul(rr, y3, out y3);
        Fq2.Sub(y3, sj, out y3);
        Fq2.Add(a.Z, b.Z, out var z3);
        Fq2.Square(z3, out z3);
        Fq2.Sub(z3, z1z1, out z3);
        Fq2.Sub(z3, z2z2, out z3);
        Fq2.Mul(z3, h, out z3);
        r = new G2Jacobian(x3, y3, z3);
    }

    /// <summary>P + Q.</summary>
    public static G2Jacobian operator +(in G2Jacobian a, in G2Jacobian b) { Add(a, b, out var r); return r; }

    /// <summary>P + Q for an affine Q.</summary>
    public static G2Jacobian operator +(in G2Jacobian a, in G2Affine b) { AddMixed(a, b, out var r); return r; }

    /// <summary>P − Q.</summary>
    public static G2Jacobian operator -(in G2Jacobian a, in G2Jacobian b) { Negate(b, out var nb); Add(a, nb, out var r); return r; }

    /// <summary>−P.</summary>
    public static G2Jacobian operator -(in G2Jacobian a) { Negate(a, out var r); return r; }

    /// <summary>[k]P for a scalar in F_r.</summary>
    public static G2Jacobian operator *(in Fr k, in G2Jacobian p) => p.ScalarMul(k);

    /// <summary>[k]P for k in F_r (fixed 4-bit windows over the canonical scalar).</summary>
    public G2Jacobian ScalarMul(in Fr k)
    {
        k.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        ReadOnlySpan<ulong> limbs = [c0, c1, c2, c3];
        ScalarMul(this, limbs, out var r);
        return r;
    }

    /// <summary>
    /// [k]P for any integer k, reduced modulo r first (negative k gives [−|k|]P). Only meaningful
    /// for points of G2 (order r); for other twist points use the internal limb overload.
    /// </summary>
    public G2Jacobian ScalarMul(BigInteger k) => ScalarMul(Fr.FromBigInteger(k));

    /// <summary>r = [k]P for a non-negative scalar given as little-endian 64-bit limbs (any length).</summary>
    internal static void ScalarMul(in G2Jacobian p, ReadOnlySpan<ulong> k, out G2Jacobian r)
    {
        Span<G2Jacobian> table = stackalloc G2Jacobian[16];
        table[0] = Infinity;
        table[1] = p;
        for (int i = 2; i < 16; i++) Add(table[i - 1], p, out table[i]);
        G2Jacobian acc = Infinity;
        bool started = false;
        for (int w = k.Length * 16 - 1; w >= 0; w--)
        {
            int d = (int)((k[w >> 4] >> ((w & 15) * 4)) & 15);
            if (started)
            {
                Double(acc, out acc); Double(acc, out acc); Double(acc, out acc); Double(acc, out acc);
            }
            if (d != 0) { Add(acc, table[d], out acc); started = true; }
        }
        r = acc;
    }

    /// <summary>Projective equality: X1·Z2² = X2·Z1² and Y1·Z2³ = Y2·Z1³ (all infinities are equal).</summary>
    public static bool operator ==(in G2Jacobian a, in G2Jacobian b)
    {
        bool ai = a.Z.IsZero, bi = b.Z.IsZero;
        if (ai || bi) return ai && bi;
        Fq2.Square(a.Z, out var z1z1);
        Fq2.Square(b.Z, out var z2z2);
        Fq2.Mul(a.X, z2z2, out var u1);
        Fq2.Mul(b.X, z1z1, out var u2);
        if (u1 != u2) return false;
        Fq2.Mul(z2z2, b.Z, out var z2c);
        Fq2.Mul(z1z1, a.Z, out var z1c);
        Fq2.Mul(a.Y, z2c, out var s1);
        Fq2.Mul(b.Y, z1c, out var s2);
        return s1 == s2;
    }

    /// <summary>Negation of projective equality.</summary>
    public static bool operator !=(in G2Jacobian a, in G2Jacobian b) => !(a == b);

    /// <inheritdoc/>
    public bool Equals(G2Jacobian other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is G2Jacobian o && this == o;

    /// <summary>Hash of the affine form (consistent with projective equality).</summary>
    public override int GetHashCode() => ToAffine().GetHashCode();

    /// <summary>The affine point as a string.</summary>
    public override string ToString() => ToAffine().ToString();
}
