using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>
/// A point of G1 (BN254, y² = x³ + 3 over F_p) in Jacobian coordinates (X : Y : Z), standing for
/// the affine point (X/Z², Y/Z³); Z = 0 is the point at infinity.
/// </summary>
/// <remarks>
/// The hot operations take <c>in</c> arguments and an <c>out</c> result and stay correct when
/// the result aliases an input. Formulas from the Explicit-Formulas Database (a = 0):
/// add-2007-bl, madd-2007-bl and dbl-2009-l.
/// </remarks>
[SkipLocalsInit]
public readonly struct G1Jacobian : IEquatable<G1Jacobian>
{
    /// <summary>Jacobian X.</summary>
    public readonly Fq X;

    /// <summary>Jacobian Y.</summary>
    public readonly Fq Y;

    /// <summary>Jacobian Z (zero for infinity).</summary>
    public readonly Fq Z;

    /// <summary>Creates (X : Y : Z) without validation.</summary>
    public G1Jacobian(in Fq x, in Fq y, in Fq z) { X = x; Y = y; Z = z; }

    /// <summary>The point at infinity, (1 : 1 : 0).</summary>
    public static G1Jacobian Infinity => new(Fq.One, Fq.One, Fq.Zero);

    /// <summary>The generator (1 : 2 : 1).</summary>
    public static G1Jacobian Generator => FromAffine(G1Affine.Generator);

    /// <summary>True for the point at infinity (Z = 0).</summary>
    public bool IsInfinity => Z.IsZero;

    /// <summary>Lifts an affine point (Z = 1; infinity maps to <see cref="Infinity"/>).</summary>
    public static G1Jacobian FromAffine(in G1Affine p) => p.IsInfinity ? Infinity : new G1Jacobian(p.X, p.Y, Fq.One);

    /// <summary>True if Y² = X³ + 3·Z⁶ (or the point is infinity).</summary>
    public bool IsOnCurve
    {
        get
        {
            if (IsInfinity) return true;
            Fq.Square(Y, out var y2);
            Fq.Square(X, out var t);
            Fq.Mul(t, X, out var x3);
            Fq.Square(Z, out var z2);
            Fq.Mul(z2, Z, out t);
            Fq.Square(t, out var z6);
            Fq.Mul(z6, G1Affine.B, out z6);
            Fq.Add(x3, z6, out x3);
            return y2 == x3;
        }
    }

    /// <summary>Converts to affine coordinates (one field inversion).</summary>
    public G1Affine ToAffine()
    {
        if (IsInfinity) return G1Affine.Infinity;
        Fq.Inverse(Z, out var zi);
        Fq.Square(zi, out var zi2);
        Fq.Mul(zi2, zi, out var zi3);
        Fq.Mul(X, zi2, out var x);
        Fq.Mul(Y, zi3, out var y);
        return new G1Affine(x, y);
    }

    /// <summary>
    /// Converts many points to affine with one shared inversion (Montgomery's trick via
    /// <see cref="Fq.BatchInverse"/>). <paramref name="output"/> must be at least as long as
    /// <paramref name="input"/>.
    /// </summary>
    /// <exception cref="ArgumentException">output is shorter than input.</exception>
    public static void BatchToAffine(ReadOnlySpan<G1Jacobian> input, Span<G1Affine> output)
    {
        int n = input.Length;
        if (output.Length < n) throw new ArgumentException($"output has {output.Length} slots, need {n}", nameof(output));
        if (n == 0) return;
        Fq[]? rented = null;
        Span<Fq> zs = n <= 128 ? stackalloc Fq[n] : (rented = System.Buffers.ArrayPool<Fq>.Shared.Rent(n)).AsSpan(0, n);
        for (int i = 0; i < n; i++) zs[i] = input[i].Z;
        Fq.BatchInverse(zs);
        for (int i = 0; i < n; i++)
        {
            if (zs[i].IsZero) { output[i] = G1Affine.Infinity; continue; }
            Fq.Square(zs[i], out var zi2);
            Fq.Mul(zi2, zs[i], out var zi3);
            Fq.Mul(input[i].X, zi2, out var x);
            Fq.Mul(input[i].Y, zi3, out var y);
            output[i] = new G1Affine(x, y);
        }
        if (rented != null) System.Buffers.ArrayPool<Fq>.Shared.Return(rented);
    }

    /// <summary>r = −a.</summary>
    public static void Negate(in G1Jacobian a, out G1Jacobian r)
    {
        Fq.Neg(a.Y, out var ny);
        r = new G1Jacobian(a.X, ny, a.Z);
    }

    /// <summary>−P.</summary>
    public G1Jacobian Negate() { Negate(this, out var r); return r; }

    /// <summary>r = 2a (dbl-2009-l: 2M + 5S).</summary>
    public static void Double(in G1Jacobian a, out G1Jacobian r)
    {
        if (a.Z.IsZero) { r = a; return; }
        Fq.Square(a.X, out var A);
        Fq.Square(a.Y, out var B);
        Fq.Square(B, out var C);
        Fq.Add(a.X, B, out var D);
        Fq.Square(D, out D);
        Fq.Sub(D, A, out D);
        Fq.Sub(D, C, out D);
        Fq.Double(D, out D);
        Fq.Double(A, out var E);
        Fq.Add(E, A, out E);
        Fq.Square(E, out var F);
        Fq.Mul(a.Y, a.Z, out var z3);
        Fq.Double(z3, out z3);
        Fq.Double(D, out var x3);
        Fq.Sub(F, x3, out x3);
        Fq.Sub(D, x3, out var y3);
        Fq.Mul(E, y3, out y3);
        Fq.Double(C, out C);
        Fq.Double(C, out C);
        Fq.Double(C, out C);
        Fq.Sub(y3, C, out y3);
        r = new G1Jacobian(x3, y3, z3);
    }

    /// <summary>2P.</summary>
    public G1Jacobian Double() { Double(this, out var r); return r; }

    /// <summary>r = a + b for an affine b (madd-2007-bl: 7M + 4S), handling infinity and doubling.</summary>
    public static void AddMixed(in G1Jacobian a, in G1Affine b, out G1Jacobian r)
    {
        if (b.IsInfinity) { r = a; return; }
        if (a.Z.IsZero) { r = new G1Jacobian(b.X, b.Y, Fq.One); return; }
        Fq.Square(a.Z, out var z1z1);
        Fq.Mul(b.X, z1z1, out var u2);
        Fq.Mul(a.Z, z1z1, out var s2);
        Fq.Mul(b.Y, s2, out s2);
        Fq.Sub(u2, a.X, out var h);
        Fq.Sub(s2, a.Y, out var rr);
        if (h.IsZero)
        {
            if (rr.IsZero) { Double(FromAffine(b), out r); return; }
            r = Infinity;
            return;
        }
        Fq.Double(rr, out rr);
        Fq.Square(h, out var hh);
        Fq.Double(hh, out var i);
        Fq.Double(i, out i);
        Fq.Mul(h, i, out var j);
        Fq.Mul(a.X, i, out var v);
        Fq.Square(rr, out var x3);
        Fq.Sub(x3, j, out x3);
        Fq.Sub(x3, v, out x3);
        Fq.Sub(x3, v, out x3);
        Fq.Mul(a.Y, j, out var yj);
        Fq.Double(yj, out yj);
        Fq.Sub(v, x3, out var y3);
        Fq.Mul(rr, y3, out y3);
        Fq.Sub(y3, yj, out y3);
        Fq.Add(a.Z, h, out var z3);
        Fq.Square(z3, out z3);
        Fq.Sub(z3, z1z1, out z3);
        Fq.Sub(z3, hh, out z3);
        r = new G1Jacobian(x3, y3, z3);
    }

    /// <summary>r = a + b (add-2007-bl: 11M + 5S), handling infinity and doubling.</summary>
    public static void Add(in G1Jacobian a, in G1Jacobian b, out G1Jacobian r)
    {
        if (a.Z.IsZero) { r = b; return; }
        if (b.Z.IsZero) { r = a; return; }
        Fq.Square(a.Z, out var z1z1);
        Fq.Square(b.Z, out var z2z2);
        Fq.Mul(a.X, z2z2, out var u1);
        Fq.Mul(b.X, z1z1, out var u2);
        Fq.Mul(b.Z, z2z2, out var s1);
        Fq.Mul(a.Y, s1, out s1);
        Fq.Mul(a.Z, z1z1, out var s2);
        Fq.Mul(b.Y, s2, out s2);
        Fq.Sub(u2, u1, out var h);
        Fq.Sub(s2, s1, out var rr);
        if (h.IsZero)
        {
            if (rr.IsZero) { Double(a, out r); return; }
            r = Infinity;
            return;
        }
        Fq.Double(rr, out rr);
        Fq.Double(h, out var i);
        Fq.Square(i, out i);
        Fq.Mul(h, i, out var j);
        Fq.Mul(u1, i, out var v);
        Fq.Square(rr, out var x3);
        Fq.Sub(x3, j, out x3);
        Fq.Sub(x3, v, out x3);
        Fq.Sub(x3, v, out x3);
        Fq.Mul(s1, j, out var sj);
        Fq.Double(sj, out sj);
        Fq.Sub(v, x3, out var y3);
        Fq.Mul(rr, y3, out y3);
        Fq.Sub(y3, sj, out y3);
        Fq.Add(a.Z, b.Z, out var z3);
        Fq.Square(z3, out z3);
        Fq.Sub(z3, z1z1, out z3);
        Fq.Sub(z3, z2z2, out z3);
        Fq.Mul(z3, h, out z3);
        r = new G1Jacobian(x3, y3, z3);
    }

    /// <summary>P + Q.</summary>
    public static G1Jacobian operator +(in G1Jacobian a, in G1Jacobian b) { Add(a, b, out var r); return r; }

    /// <summary>P + Q for an affine Q.</summary>
    public static G1Jacobian operator +(in G1Jacobian a, in G1Affine b) { AddMixed(a, b, out var r); return r; }

    /// <summary>P − Q.</summary>
    public static G1Jacobian operator -(in G1Jacobian a, in G1Jacobian b) { Negate(b, out var nb); Add(a, nb, out var r); return r; }

    /// <summary>−P.</summary>
    public static G1Jacobian operator -(in G1Jacobian a) { Negate(a, out var r); return r; }

    /// <summary>[k]P for a scalar in F_r.</summary>
    public static G1Jacobian operator *(in Fr k, in G1Jacobian p) => p.ScalarMul(k);

    /// <summary>[k]P for k in F_r (GLV split k ≡ k1 + k2·λ, then a joint 4-bit window over the two ≈128-bit halves).</summary>
    public G1Jacobian ScalarMul(in Fr k)
    {
        G1Glv.ScalarMul(this, k, out var r);
        return r;
    }

    /// <summary>
    /// [k]P for any integer k. Since every point of G1 has order dividing r, k is first reduced
    /// modulo r (negative k gives [−|k|]P); this equals the plain double-and-add result on the
    /// full 256-bit scalar, as the EVM ecMul precompile (EIP-196) computes it.
    /// </summary>
    public G1Jacobian ScalarMul(BigInteger k) => ScalarMul(Fr.FromBigInteger(k));

    /// <summary>r = [k]P for a non-negative scalar given as little-endian 64-bit limbs (any length).</summary>
    internal static void ScalarMul(in G1Jacobian p, ReadOnlySpan<ulong> k, out G1Jacobian r)
    {
        Span<G1Jacobian> table = stackalloc G1Jacobian[16];
        table[0] = Infinity;
        table[1] = p;
        for (int i = 2; i < 16; i++) Add(table[i - 1], p, out table[i]);
        G1Jacobian acc = Infinity;
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
    public static bool operator ==(in G1Jacobian a, in G1Jacobian b)
    {
        bool ai = a.Z.IsZero, bi = b.Z.IsZero;
        if (ai || bi) return ai && bi;
        Fq.Square(a.Z, out var z1z1);
        Fq.Square(b.Z, out var z2z2);
        Fq.Mul(a.X, z2z2, out var u1);
        Fq.Mul(b.X, z1z1, out var u2);
        if (u1 != u2) return false;
        Fq.Mul(z2z2, b.Z, out var z2c);
        Fq.Mul(z1z1, a.Z, out var z1c);
        Fq.Mul(a.Y, z2c, out var s1);
        Fq.Mul(b.Y, z1c, out var s2);
        return s1 == s2;
    }

    /// <summary>Negation of projective equality.</summary>
    public static bool operator !=(in G1Jacobian a, in G1Jacobian b) => !(a == b);

    /// <inheritdoc/>
    public bool Equals(G1Jacobian other) => this == other;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is G1Jacobian o && this == o;

    /// <summary>Hash of the affine form (consistent with projective equality).</summary>
    public override int GetHashCode() => ToAffine().GetHashCode();

    /// <summary>The affine point as a string.</summary>
    public override string ToString() => ToAffine().ToString();
}
