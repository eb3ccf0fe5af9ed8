using System.Numerics;
using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

public class PairingTests
{
    private static readonly BigInteger P = Fq.Modulus;
    private static readonly BigInteger R = Fr.Modulus;

    [Fact]
    public void TowerFieldAxioms()
    {
        var rng = new Random(21);
        for (int i = 0; i < 5; i++)
        {
            var a2 = Fq2.Random(rng); var b2 = Fq2.Random(rng);
            Assert.Equal(Fq2.One, a2 * a2.Inverse());
            Fq2.Square(a2, out var sq2); Assert.Equal(a2 * a2, sq2);
            Fq2.MulByXi(a2, out var xi); Assert.Equal(a2 * Fq2.Xi, xi);
            // u² = −1
            var u = new Fq2(Fq.Zero, Fq.One);
            Assert.Equal(-Fq2.One, u * u);

            var a6 = Fq6.Random(rng); var b6 = Fq6.Random(rng); var c6 = Fq6.Random(rng);
            Assert.Equal((a6 * b6) * c6, a6 * (b6 * c6));
            Assert.Equal(a6 * (b6 + c6), a6 * b6 + a6 * c6);
            Fq6.Square(a6, out var sq6); Assert.Equal(a6 * a6, sq6);
            Fq6.Inverse(a6, out var inv6); Assert.Equal(Fq6.One, a6 * inv6);
            var v = new Fq6(Fq2.Zero, Fq2.One, Fq2.Zero);
            Fq6.MulByV(a6, out var av); Assert.Equal(a6 * v, av);
            Assert.Equal(new Fq6(Fq2.Xi, Fq2.Zero, Fq2.Zero), v * v * v);
            Fq6.MulBy01(a6, b2, a2, out var m01); Assert.Equal(a6 * new Fq6(b2, a2, Fq2.Zero), m01);

            var a12 = Fq12.Random(rng); var b12 = Fq12.Random(rng); var c12 = Fq12.Random(rng);
            Assert.Equal((a12 * b12) * c12, a12 * (b12 * c12));
            Fq12.Square(a12, out var sq12); Assert.Equal(a12 * a12, sq12);
            Assert.Equal(Fq12.One, a12 * a12.Inverse());
            var w = new Fq12(Fq6.Zero, Fq6.One);
            Assert.Equal(new Fq12(v, Fq6.Zero), w * w);
            Fq12.MulBy034(a12, a2, b2, xi, out var sparse);
            Assert.Equal(a12 * new Fq12(new Fq6(a2, Fq2.Zero, Fq2.Zero), new Fq6(b2, xi, Fq2.Zero)), sparse);
            // aliasing
            var x = a12; Fq12.Mul(x, b12, out x); Assert.Equal(a12 * b12, x);
            x = a12; Fq12.Square(x, out x); Assert.Equal(sq12, x);
            x = a12; Fq12.MulBy034(x, a2, b2, xi, out x); Assert.Equal(sparse, x);
        }
    }

    [Fact]
    public void FrobeniusIsPowerP()
    {
        var rng = new Random(22);
        var a = Fq12.Random(rng);
        Fq12.Frobenius(a, out var f);
        Assert.Equal(a.Pow(P), f);
        Assert.NotEqual(a, f);
    }

    [Fact]
    public void FinalExponentiationMatchesDefinition()
    {
        var rng = new Random(23);
        var a = Fq12.Random(rng);
        var e = (BigInteger.Pow(P, 12) - 1) / R;
        Pairing.FinalExponentiation(a, out var fast);
        Assert.Equal(a.Pow(e), fast);
        Assert.True(fast.Pow(R).IsOne);
        Assert.False(fast.IsOne);
    }

    [Fact]
    public void G2GeneratorAndSubgroup()
    {
        var g = G2Affine.Generator;
        Assert.True(g.IsOnCurve);
        Assert.True(g.IsInSubgroup);
        Assert.True(G2Affine.Infinity.IsOnCurve && G2Affine.Infinity.IsInSubgroup);
        Assert.False(new G2Affine(g.X, g.Y + Fq2.One).IsOnCurve);
        Assert.True(G2Jacobian.Generator.ScalarMul(R).IsInfinity);
        Assert.Equal(G2Jacobian.Generator.Double(), G2Jacobian.Generator.ScalarMul(2));
        var q = Fr.FromInt64(987654321) * g;
        Assert.True(q.IsOnCurve && q.IsInSubgroup);
        // a random point of the twist is on the curve but (the cofactor being ≈ p) not in G2
        var t = RandomTwistPoint(new Random(5));
        Assert.True(t.IsOnCurve);
        Assert.False(t.IsInSubgroup);
    }

    [Fact]
    public void FastSubgroupCheckMatchesOrderCheck()
    {
        var rng = new Random(24);
        var cofactor = 2 * P - R; // #E'(F_p²) = r·(2p − r)
        int inside = 0, outside = 0;
        for (int i = 0; i < 12; i++)
        {
            var t = G2Jacobian.FromAffine(RandomTwistPoint(rng));
            var candidates = new[]
            {
                t.ToAffine(),
                t.ScalarMul(R).ToAffine(), // order divides the cofactor
                Mul(t, cofactor).ToAffine(), // cleared into G2
                (G2Jacobian.FromAffine(Mul(t, cofactor).ToAffine()) + t).ToAffine(),
                (Fr.Random(rng) * G2Affine.Generator),
            };
            foreach (var c in candidates)
            {
                Assert.True(c.IsOnCurve);
                bool slow = c.IsInSubgroupByOrder;
                Assert.Equal(slow, c.IsInSubgroup);
                if (slow) inside++; else outside++;
            }
        }
        Assert.True(inside >= 24 && outside >= 24, $"{inside} inside, {outside} outside");
    }

    private static G2Jacobian Mul(G2Jacobian t, BigInteger k)
    {
        var limbs = new ulong[5];
        for (int i = 0; i < 5; i++) limbs[i] = (ulong)((k >> (64 * i)) & ulong.MaxValue);
        G2Jacobian.ScalarMul(t, limbs, out var r);
        return r;
    }

    [Fact]
    public void CyclotomicSquareMatchesSquare()
    {
        var rng = new Random(25);
        for (int i = 0; i < 5; i++)
        {
            var a = Fq12.Random(rng);
            // map into the cyclotomic subgroup with the easy part (p⁶−1)(p²+1)
            Fq12.Conjugate(a, out var c);
            var m = c * a.Inverse();
            Fq12.Frobenius(m, out var f); Fq12.Frobenius(f, out f);
            m *= f;
            Fq12.Square(m, out var sq);
            Fq12.CyclotomicSquare(m, out var csq);
            Assert.Equal(sq, csq);
            var x = m; Fq12.CyclotomicSquare(x, out x); Assert.Equal(sq, x);
            Fq12.CyclotomicPowU64(m, Pairing.X, out var p1);
            Fq12.PowU64(m, Pairing.X, out var p2);
            Assert.Equal(p2, p1);
            // and it is not a squaring outside the subgroup
            Fq12.Square(a, out sq); Fq12.CyclotomicSquare(a, out csq);
            Assert.NotEqual(sq, csq);
        }
    }

    [Fact]
    public void G2GroupLawsAndAliasing() => Props.Check(Gen.Select(Gens.Fr, Gens.Fr), ab =>
    {
        var (a, b) = ab;
        var g = G2Jacobian.Generator;
        var pa = g.ScalarMul(a); var pb = g.ScalarMul(b);
        var qb = pb.ToAffine();
        G2Jacobian.Add(pa, pb, out var sum);
        G2Jacobian.AddMixed(pa, qb, out var mixed);
        var x = pa; G2Jacobian.Add(x, pb, out x);
        var y = pa; G2Jacobian.AddMixed(y, qb, out y);
        var d = pa; G2Jacobian.Double(d, out d);
        var batch = new G2Affine[2];
        G2Jacobian.BatchToAffine([sum, G2Jacobian.Infinity], batch);
        return sum == g.ScalarMul(a + b) && mixed == sum && x == sum && y == sum
            && d == pa + pa && d == g.ScalarMul(a + a)
            && (pa + pa.Negate()).IsInfinity
            && sum.IsOnCurve && qb.IsOnCurve && qb.IsInSubgroup
            && batch[0] == sum.ToAffine() && batch[1].IsInfinity
            && (pa.IsInfinity || !new G2Jacobian(pa.X, pa.Y + Fq2.One, pa.Z).IsOnCurve);
    }, seed: 0x62, iter: 10);

    /// <summary>A random point on the twist curve (almost surely not in G2: the cofactor is ≈ p).</summary>
    internal static G2Affine RandomTwistPoint(Random rng)
    {
        // F_p² square root for p ≡ 3 (mod 4) (Adj–Rodríguez-Henríquez, Algorithm 9).
        var p = P;
        while (true)
        {
            var x = Fq2.Random(rng);
            var rhs = x * x * x + G2Affine.B;
            var a1 = rhs.Pow((p - 3) / 4);
            var alpha = a1 * a1 * rhs;
            var x0 = a1 * rhs;
            if (alpha == -Fq2.One) continue; // happens with negligible probability for non-trivial inputs
            var b = (Fq2.One + alpha).Pow((p - 1) / 2);
            var y = b * x0;
            if (y * y == rhs) return new G2Affine(x, y);
        }
    }

    [Fact]
    public void BilinearAndNonDegenerate()
    {
        var g1 = G1Affine.Generator; var g2 = G2Affine.Generator;
        var e = Pairing.Compute(g1, g2);
        Assert.False(e.IsOne);
        Assert.True(e.Pow(R).IsOne);
        var a = BigInteger.Parse("123456789012345678901234567890123456789");
        var b = BigInteger.Parse("98765432109876543210987654321");
        var pa = G1Jacobian.Generator.ScalarMul(a).ToAffine();
        var qb = G2Jacobian.Generator.ScalarMul(b).ToAffine();
        Assert.Equal(e.Pow(a * b % R), Pairing.Compute(pa, qb));
        Assert.Equal(e.Pow(a), Pairing.Compute(pa, g2));
        Assert.Equal(e.Pow(b), Pairing.Compute(g1, qb));
        Assert.True(Pairing.Compute(G1Affine.Infinity, g2).IsOne);
        Assert.True(Pairing.Compute(g1, G2Affine.Infinity).IsOne);
    }

    [Fact]
    public void BilinearityProperty() => Props.Check(Gen.Select(Gens.Fr, Gens.Fr), ab =>
    {
        var (a, b) = ab;
        var p = a * G1Affine.Generator;
        var q = b * G2Affine.Generator;
        var lhs = Pairing.Compute(p, q);
        var rhs = Pairing.Compute((a * b) * G1Affine.Generator, G2Affine.Generator);
        return lhs == rhs
            && Pairing.CheckProduct([p, -p], [q, q])
            && Pairing.CheckProduct([p, (a * b) * G1Affine.Generator], [q, -G2Affine.Generator])
            && !Pairing.CheckProduct([p, (a * b + Fr.One) * G1Affine.Generator], [q, -G2Affine.Generator]);
    }, seed: 0xBEEF, iter: 6);

    [Fact]
    public void CheckProductEdgeCases()
    {
        var g1 = G1Affine.Generator; var g2 = G2Affine.Generator;
        Assert.True(Pairing.CheckProduct([], []));
        Assert.True(Pairing.CheckProduct([G1Affine.Infinity], [g2]));
        Assert.False(Pairing.CheckProduct([g1], [g2]));
        Assert.True(Pairing.CheckProduct([g1, g1.Negate()], [g2, g2]));
        Assert.True(Pairing.CheckProduct([g1, g1], [g2, g2.Negate()]));
        Assert.False(Pairing.CheckProduct([g1, g1], [g2, g2]));
        var three = Fr.FromInt64(3) * g1;
        Assert.True(Pairing.CheckProduct([g1, g1, g1, three.Negate(), G1Affine.Infinity], [g2, g2, g2, g2, g2]));
        Assert.Throws<ArgumentException>(() => Pairing.CheckProduct([g1], []));
    }
}
