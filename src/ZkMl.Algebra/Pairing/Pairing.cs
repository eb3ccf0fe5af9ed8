using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkMl.Algebra;

/// <summary>
/// The optimal ate pairing e: G1 × G2 → μ_r ⊂ F_p¹² on BN254 (the pairing of the EVM precompile
/// 0x08, EIP-197), and the multi-pairing check Π e(P_i, Q_i) = 1.
/// </summary>
/// <remarks>
/// Miller loop over the NAF of 6x + 2 (x = 4965661367192848881) with the two final lines through
/// π(Q) and −π²(Q) (Vercauteren, "Optimal pairings", 2010). G2 points are kept in homogeneous
/// projective coordinates; doubling and mixed-addition steps with their line values follow
/// Costello–Lange–Naehrig (eprint 2009/615) as written in Aranha et al. / eprint 2013/722. The final
/// exponentiation (p¹²−1)/r is split into the easy part (p⁶−1)(p²+1) and the hard part
/// (p⁴−p²+1)/r computed with three exponentiations by x (Scott et al., "On the final
/// exponentiation for calculating pairings on ordinary elliptic curves", 2009).
/// </remarks>
[SkipLocalsInit]
public static class Pairing
{
    /// <summary>The BN parameter x = 4965661367192848881.</summary>
    public const ulong X = 4965661367192848881UL;

    private static readonly sbyte[] LoopNaf = Naf(6 * new BigInteger(X) + 2);
    private static readonly Fq Inv2 = Fq.FromUInt64(2).Inverse();
    private static readonly Fq2 ThreeB = G2Affine.B + G2Affine.B + G2Affine.B;
    internal static readonly Fq2 FrobX = Fq2.Xi.Pow((Fq.Modulus - 1) / 3);
    internal static readonly Fq2 FrobY = Fq2.Xi.Pow((Fq.Modulus - 1) / 2);

    private static sbyte[] Naf(BigInteger k)
    {
        var digits = new List<sbyte>();
        while (k > 0)
        {
            if (!k.IsEven)
            {
                int d = 2 - (int)(k % 4);
                digits.Add((sbyte)d);
                k -= d;
            }
            else digits.Add(0);
            k >>= 1;
        }
        return digits.ToArray();
    }

    /// <summary>A G2 point in homogeneous projective coordinates (x = X/Z, y = Y/Z) during the Miller loop.</summary>
    private struct G2Proj
    {
        public Fq2 X, Y, Z;
    }

    /// <summary>e(P, Q) after final exponentiation; 1 if either point is infinity.</summary>
    /// <remarks>The inputs are assumed valid (on curve, Q in G2); callers decoding untrusted data must check.</remarks>
    public static Fq12 Compute(in G1Affine p, in G2Affine q)
    {
        ReadOnlySpan<G1Affine> ps = [p];
        ReadOnlySpan<G2Affine> qs = [q];
        var f = MillerLoop(ps, qs);
        FinalExponentiation(f, out var r);
        return r;
    }

    /// <summary>
    /// True iff Π e(P_i, Q_i) = 1, computed with one shared Miller loop and one final exponentiation.
    /// Pairs with a point at infinity contribute 1; an empty product is 1 (true).
    /// </summary>
    /// <exception cref="ArgumentException">The spans have different lengths.</exception>
    public static bool CheckProduct(ReadOnlySpan<G1Affine> ps, ReadOnlySpan<G2Affine> qs)
    {
        if (ps.Length != qs.Length) throw new ArgumentException($"got {ps.Length} G1 points but {qs.Length} G2 points", nameof(qs));
        var f = MillerLoop(ps, qs);
        FinalExponentiation(f, out var r);
        return r.IsOne;
    }

    /// <summary>The product of the Miller loop values f_{6x+2,Q_i}(P_i)·(final lines), before final exponentiation.</summary>
    /// <exception cref="ArgumentException">The spans have different lengths.</exception>
    public static Fq12 MillerLoop(ReadOnlySpan<G1Affine> ps, ReadOnlySpan<G2Affine> qs)
    {
        if (ps.Length != qs.Length) throw new ArgumentException($"got {ps.Length} G1 points but {qs.Length} G2 points", nameof(qs));
        int n = 0;
        for (int i = 0; i < ps.Length; i++) if (!ps[i].IsInfinity && !qs[i].IsInfinity) n++;
        if (n == 0) return Fq12.One;
        var P = new G1Affine[n];
        var Q = new G2Affine[n];
        var NQ = new G2Affine[n];
        var T = new G2Proj[n];
        for (int i = 0, j = 0; i < ps.Length; i++)
        {
            if (ps[i].IsInfinity || qs[i].IsInfinity) continue;
            P[j] = ps[i]; Q[j] = qs[i]; NQ[j] = qs[i].Negate();
            T[j] = new G2Proj { X = qs[i].X, Y = qs[i].Y, Z = Fq2.One };
            j++;
        }
        var f = Fq12.One;
        var naf = LoopNaf;
        for (int i = naf.Length - 2; i >= 0; i--)
        {
            if (i != naf.Length - 2) Fq12.Square(f, out f);
            for (int k = 0; k < n; k++)
            {
                DoubleStep(ref T[k], out var l0, out var l1, out var l2);
                Evaluate(ref f, P[k], l0, l1, l2);
                if (naf[i] == 1)
                {
                    AddStep(ref T[k], Q[k], out l0, out l1, out l2);
                    Evaluate(ref f, P[k], l0, l1, l2);
                }
                else if (naf[i] == -1)
                {
                    AddStep(ref T[k], NQ[k], out l0, out l1, out l2);
                    Evaluate(ref f, P[k], l0, l1, l2);
                }
            }
        }
        for (int k = 0; k < n; k++)
        {
            var q1 = FrobeniusTwist(Q[k]);
            var q2 = FrobeniusTwist(q1).Negate();
            AddStep(ref T[k], q1, out var l0, out var l1, out var l2);
            Evaluate(ref f, P[k], l0, l1, l2);
            AddStep(ref T[k], q2, out l0, out l1, out l2);
            Evaluate(ref f, P[k], l0, l1, l2);
        }
        return f;
    }

    /// <summary>The p-power Frobenius endomorphism on the twist: (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)).</summary>
    internal static G2Affine FrobeniusTwist(in G2Affine q)
    {
        Fq2.Conjugate(q.X, out var x);
        Fq2.Conjugate(q.Y, out var y);
        Fq2.Mul(x, FrobX, out x);
        Fq2.Mul(y, FrobY, out y);
        return new G2Affine(x, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Evaluate(ref Fq12 f, in G1Affine p, in Fq2 l0, in Fq2 l1, in Fq2 l2)
    {
        Fq2.MulByFq(l0, p.Y, out var a);
        Fq2.MulByFq(l1, p.X, out var b);
        Fq12.MulBy034(f, a, b, l2, out f);
    }

    /// <summary>
    /// T ← 2T; the tangent line at T is l0·y_P + l1·x_P·w + l2·w³ with l0 = −2YZ, l1 = 3X²,
    /// l2 = 3b'Z² − Y² (up to an F_p² factor, killed by the final exponentiation).
    /// </summary>
    private static void DoubleStep(ref G2Proj t, out Fq2 l0, out Fq2 l1, out Fq2 l2)
    {
        Fq2.Mul(t.X, t.Y, out var a);
        Fq2.MulByFq(a, Inv2, out a);
        Fq2.Square(t.Y, out var b);
        Fq2.Square(t.Z, out var c);
        Fq2.Mul(c, ThreeB, out var e);
        Fq2.Double(e, out var f);
        Fq2.Add(f, e, out f);
        Fq2.Add(b, f, out var g);
        Fq2.MulByFq(g, Inv2, out g);
        Fq2.Add(t.Y, t.Z, out var h);
        Fq2.Square(h, out h);
        Fq2.Add(b, c, out var t1);
        Fq2.Sub(h, t1, out h);
        Fq2.Sub(e, b, out l2);
        Fq2.Square(t.X, out var j);
        Fq2.Square(e, out var ee);
        Fq2.Double(ee, out var k);
        Fq2.Add(k, ee, out k);
        Fq2.Sub(b, f, out var x3);
        Fq2.Mul(x3, a, out x3);
        Fq2.Square(g, out var y3);
        Fq2.Sub(y3, k, out y3);
        Fq2.Mul(b, h, out var z3);
        t.X = x3; t.Y = y3; t.Z = z3;
        Fq2.Neg(h, out l0);
        Fq2.Double(j, out l1);
        Fq2.Add(l1, j, out l1);
    }

    /// <summary>
    /// T ← T + Q for affine Q; the line through T and Q is l0·y_P + l1·x_P·w + l2·w³ with
    /// l0 = X − x_Q·Z, l1 = −(Y − y_Q·Z), l2 = x_Q·(Y − y_Q·Z) − y_Q·(X − x_Q·Z).
    /// </summary>
    private static void AddStep(ref G2Proj t, in G2Affine q, out Fq2 l0, out Fq2 l1, out Fq2 l2)
    {
        Fq2.Mul(q.Y, t.Z, out var y2z1);
        Fq2.Sub(t.Y, y2z1, out var o);
        Fq2.Mul(q.X, t.Z, out var x2z1);
        Fq2.Sub(t.X, x2z1, out var l);
        Fq2.Square(o, out var c);
        Fq2.Square(l, out var d);
        Fq2.Mul(l, d, out var e);
        Fq2.Mul(t.Z, c, out var f);
        Fq2.Mul(t.X, d, out var g);
        Fq2.Double(g, out var t0);
        Fq2.Add(e, f, out var h);
        Fq2.Sub(h, t0, out h);
        Fq2.Mul(t.Y, e, out var t1);
        Fq2.Mul(l, h, out var x3);
        Fq2.Sub(g, h, out var y3);
        Fq2.Mul(y3, o, out y3);
        Fq2.Sub(y3, t1, out y3);
        Fq2.Mul(e, t.Z, out var z3);
        t.X = x3; t.Y = y3; t.Z = z3;
        Fq2.Mul(l, q.Y, out var t2);
        Fq2.Mul(q.X, o, out l2);
        Fq2.Sub(l2, t2, out l2);
        l0 = l;
        Fq2.Neg(o, out l1);
    }

    /// <summary>r = f^((p¹²−1)/r).</summary>
    public static void FinalExponentiation(in Fq12 f, out Fq12 r)
    {
        // easy part: f^((p^6 - 1)(p^2 + 1))
        Fq12.Conjugate(f, out var t1);
        Fq12.Inverse(f, out var inv);
        Fq12.Mul(t1, inv, out t1);
        Fq12.Frobenius(t1, out var t2);
        Fq12.Frobenius(t2, out t2);
        Fq12.Mul(t1, t2, out t1);

        // hard part: (p^4 - p^2 + 1)/r
        Fq12.Frobenius(t1, out var fp);
        Fq12.Frobenius(fp, out var fp2);
        Fq12.Frobenius(fp2, out var fp3);
        Fq12.CyclotomicPowU64(t1, X, out var fu);
        Fq12.CyclotomicPowU64(fu, X, out var fu2);
        Fq12.CyclotomicPowU64(fu2, X, out var fu3);
        Fq12.Frobenius(fu, out var y3);
        Fq12.Frobenius(fu2, out var fu2p);
        Fq12.Frobenius(fu3, out var fu3p);
        Fq12.Frobenius(fu2p, out var y2);

        Fq12.Mul(fp, fp2, out var y0);
        Fq12.Mul(y0, fp3, out y0);
        Fq12.Conjugate(t1, out var y1);
        Fq12.Conjugate(fu2, out var y5);
        Fq12.Conjugate(y3, out y3);
        Fq12.Mul(fu, fu2p, out var y4);
        Fq12.Conjugate(y4, out y4);
        Fq12.Mul(fu3, fu3p, out var y6);
        Fq12.Conjugate(y6, out y6);

        Fq12.CyclotomicSquare(y6, out var t0);
        Fq12.Mul(t0, y4, out t0);
        Fq12.Mul(t0, y5, out t0);
        Fq12.Mul(y3, y5, out t1);
        Fq12.Mul(t1, t0, out t1);
        Fq12.Mul(t0, y2, out t0);
        Fq12.CyclotomicSquare(t1, out t1);
        Fq12.Mul(t1, t0, out t1);
        Fq12.CyclotomicSquare(t1, out t1);
        Fq12.Mul(t1, y1, out t0);
        Fq12.Mul(t1, y0, out t1);
        Fq12.CyclotomicSquare(t0, out t0);
        Fq12.Mul(t0, t1, out r);
    }
}
