using System.Numerics;

namespace ZkMl.Algebra;

/// <summary>
/// The GLV endomorphism of G1 (Gallant–Lambert–Vanstone, CRYPTO 2001): φ(x, y) = (β·x, y) = [λ]P with
/// β a cube root of unity in F_p and λ² + λ + 1 ≡ 0 (mod r). A scalar k is split as k ≡ k1 + k2·λ
/// with |k1|, |k2| ≈ √r, halving the doublings of a scalar multiplication.
/// </summary>
internal static class G1Glv
{
    internal static readonly Fq Beta;
    internal static readonly BigInteger Lambda;
    private static readonly BigInteger A1, B1, A2, B2;

    static G1Glv()
    {
        var p = Fq.Modulus;
        var r = Fr.Modulus;
        Fq beta = Fq.One;
        for (long g = 2; beta.IsOne; g++) beta = Fq.FromInt64(g).Pow((p - 1) / 3);
        BigInteger lambda = BigInteger.One;
        for (long g = 2; lambda.IsOne; g++) lambda = BigInteger.ModPow(g, (r - 1) / 3, r);
        // pick the root λ that matches this β on the generator
        var gen = G1Jacobian.Generator;
        var phiG = new G1Jacobian(gen.X * beta, gen.Y, gen.Z);
        if (phiG != Plain(gen, lambda)) lambda = lambda * lambda % r;
        if (phiG != Plain(gen, lambda)) throw new InvalidOperationException("GLV: no λ matches β");
        Beta = beta;
        Lambda = lambda;
        // short lattice basis of {(a, b) : a + b·λ ≡ 0 mod r} by the extended Euclidean algorithm
        var sqrtR = Sqrt(r);
        BigInteger r0 = r, r1 = lambda, t0 = 0, t1 = 1;
        while (r1 >= sqrtR)
        {
            var q = r0 / r1;
            (r0, r1) = (r1, r0 - q * r1);
            (t0, t1) = (t1, t0 - q * t1);
        }
        // now r1 < √r ≤ r0: v1 = (r1, −t1); v2 = the shorter of (r0, −t0) and the next remainder
        var q2 = r0 / r1;
        BigInteger r2 = r0 - q2 * r1, t2 = t0 - q2 * t1;
        A1 = r1; B1 = -t1;
        if (r0 * r0 + t0 * t0 <= r2 * r2 + t2 * t2) { A2 = r0; B2 = -t0; }
        else { A2 = r2; B2 = -t2; }
    }

    private static BigInteger Sqrt(BigInteger n)
    {
        // Newton's iteration from above converges to ⌊√n⌋
        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + n / x) >> 1;
            if (y >= x) return x;
            x = y;
        }
    }

    private static G1Jacobian Plain(in G1Jacobian p, BigInteger k)
    {
        Span<ulong> limbs = stackalloc ulong[4];
        for (int i = 0; i < 4; i++) limbs[i] = (ulong)((k >> (64 * i)) & ulong.MaxValue);
        G1Jacobian.ScalarMul(p, limbs, out var r);
        return r;
    }

    private static BigInteger RoundDiv(BigInteger a, BigInteger b) =>
        a.Sign >= 0 ? (2 * a + b) / (2 * b) : -((-2 * a + b) / (2 * b));

    /// <summary>Splits 0 ≤ k &lt; r as k ≡ k1 + k2·λ (mod r) with short k1, k2.</summary>
    internal static void Decompose(BigInteger k, out BigInteger k1, out BigInteger k2)
    {
        var r = Fr.Modulus;
        var c1 = RoundDiv(B2 * k, r);
        var c2 = RoundDiv(-B1 * k, r);
        k1 = k - c1 * A1 - c2 * A2;
        k2 = -c1 * B1 - c2 * B2;
    }

    /// <summary>r = [k]P via [k1]P + [k2]φ(P) with a joint 4-bit window.</summary>
    internal static void ScalarMul(in G1Jacobian p, in Fr k, out G1Jacobian result)
    {
        Decompose(k.ToBigInteger(), out var k1, out var k2);
        bool flip = (k1.Sign < 0) != (k2.Sign < 0);
        var p1 = k1.Sign < 0 ? p.Negate() : p;
        k1 = BigInteger.Abs(k1);
        k2 = BigInteger.Abs(k2);
        Span<G1Jacobian> t1 = stackalloc G1Jacobian[16];
        Span<G1Jacobian> t2 = stackalloc G1Jacobian[16];
        t1[0] = G1Jacobian.Infinity; t1[1] = p1;
        for (int i = 2; i < 16; i++) G1Jacobian.Add(t1[i - 1], p1, out t1[i]);
        // φ is (X, Y, Z) ↦ (βX, Y, Z) in Jacobian coordinates, so the table of ±φ(P) comes from the table of P
        t2[0] = G1Jacobian.Infinity;
        for (int i = 1; i < 16; i++)
        {
            Fq.Mul(t1[i].X, Beta, out var x);
            var y = t1[i].Y;
            if (flip) Fq.Neg(y, out y);
            t2[i] = new G1Jacobian(x, y, t1[i].Z);
        }
        Span<ulong> l1 = stackalloc ulong[3];
        Span<ulong> l2 = stackalloc ulong[3];
        for (int i = 0; i < 3; i++)
        {
            l1[i] = (ulong)((k1 >> (64 * i)) & ulong.MaxValue);
            l2[i] = (ulong)((k2 >> (64 * i)) & ulong.MaxValue);
        }
        var acc = G1Jacobian.Infinity;
        bool started = false;
        for (int w = 3 * 16 - 1; w >= 0; w--)
        {
            int d1 = (int)((l1[w >> 4] >> ((w & 15) * 4)) & 15);
            int d2 = (int)((l2[w >> 4] >> ((w & 15) * 4)) & 15);
            if (started)
            {
                G1Jacobian.Double(acc, out acc); G1Jacobian.Double(acc, out acc);
                G1Jacobian.Double(acc, out acc); G1Jacobian.Double(acc, out acc);
            }
            if (d1 != 0) { G1Jacobian.Add(acc, t1[d1], out acc); started = true; }
            if (d2 != 0) { G1Jacobian.Add(acc, t2[d2], out acc); started = true; }
        }
        result = acc;
    }
}
