using System.Numerics;
using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>Affine BigInteger reference for G1 used to cross-check the Jacobian formulas.</summary>
internal static class G1Ref
{
    public static readonly BigInteger P = Fq.Modulus;

    public static (BigInteger X, BigInteger Y)? Add((BigInteger X, BigInteger Y)? a, (BigInteger X, BigInteger Y)? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        var (x1, y1) = a.Value; var (x2, y2) = b.Value;
        BigInteger lambda;
        if (x1 == x2)
        {
            if ((y1 + y2) % P == 0) return null;
            lambda = 3 * x1 * x1 * BigInteger.ModPow(2 * y1, P - 2, P) % P;
        }
        else lambda = Mod(y2 - y1) * BigInteger.ModPow(Mod(x2 - x1), P - 2, P) % P;
        var x3 = Mod(lambda * lambda - x1 - x2);
        var y3 = Mod(lambda * (x1 - x3) - y1);
        return (x3, y3);
    }

    public static (BigInteger X, BigInteger Y)? Mul(BigInteger k, (BigInteger X, BigInteger Y)? p)
    {
        (BigInteger X, BigInteger Y)? acc = null;
        for (int i = (int)k.GetBitLength() - 1; i >= 0; i--)
        {
            acc = Add(acc, acc);
            if (!(k >> i).IsEven) acc = Add(acc, p);
        }
        return acc;
    }

    public static BigInteger Mod(BigInteger v) => Mod2(v, P);

    public static BigInteger Mod2(BigInteger v, BigInteger m) { v %= m; return v.Sign < 0 ? v + m : v; }

    public static (BigInteger X, BigInteger Y)? Of(G1Affine p) => p.IsInfinity ? null : (p.X.ToBigInteger(), p.Y.ToBigInteger());
}

public class CurveG1Tests
{
    private static readonly BigInteger R = Fr.Modulus;

    private static G1Affine RandomPoint(Random rng) => (Fr.Random(rng) * G1Affine.Generator);

    [Fact]
    public void GeneratorAndInfinity()
    {
        Assert.True(G1Affine.Generator.IsOnCurve);
        Assert.True(G1Affine.Infinity.IsOnCurve);
        Assert.True(G1Affine.Infinity.IsInfinity);
        Assert.False(G1Affine.Generator.IsInfinity);
        Assert.False(new G1Affine(Fq.One, Fq.FromUInt64(3)).IsOnCurve);
        Assert.True(G1Jacobian.Generator.IsOnCurve);
        Assert.Equal(G1Affine.Infinity, G1Jacobian.Infinity.ToAffine());
        Assert.Equal(G1Jacobian.Infinity, G1Jacobian.FromAffine(G1Affine.Infinity));
    }

    [Fact]
    public void ScalarEdgeCases()
    {
        var g = G1Jacobian.Generator;
        Assert.True(g.ScalarMul(Fr.Zero).IsInfinity);
        Assert.True(g.ScalarMul(BigInteger.Zero).IsInfinity);
        Assert.True(g.ScalarMul(R).IsInfinity);
        Assert.Equal(g, g.ScalarMul(Fr.One));
        Assert.Equal(g, g.ScalarMul(R + 1));
        Assert.Equal(g.Negate(), g.ScalarMul(R - 1));
        Assert.Equal(g.Negate(), g.ScalarMul(BigInteger.MinusOne));
        Assert.Equal(g.Double(), g.ScalarMul(2));
        // the largest 256-bit scalar, as ecMul accepts
        var max = (BigInteger.One << 256) - 1;
        Assert.Equal(G1Ref.Mul(max % R, G1Ref.Of(G1Affine.Generator)), G1Ref.Of(g.ScalarMul(max).ToAffine()));
        Span<ulong> limbs = [ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue];
        G1Jacobian.ScalarMul(g, limbs, out var viaLimbs);
        Assert.Equal(g.ScalarMul(max), viaLimbs);
        Assert.True(G1Jacobian.Infinity.ScalarMul(Fr.FromInt64(12345)).IsInfinity);
    }

    [Fact]
    public void MatchesBigIntegerReference()
    {
        var rng = new Random(1);
        var gRef = G1Ref.Of(G1Affine.Generator);
        for (int i = 0; i < 8; i++)
        {
            var a = new BigInteger(rng.NextInt64()) * rng.NextInt64() % R;
            var b = new BigInteger(rng.NextInt64());
            var pa = G1Jacobian.Generator.ScalarMul(a).ToAffine();
            var pb = G1Jacobian.Generator.ScalarMul(b).ToAffine();
            Assert.Equal(G1Ref.Mul(a, gRef), G1Ref.Of(pa));
            Assert.Equal(G1Ref.Add(G1Ref.Of(pa), G1Ref.Of(pb)), G1Ref.Of((G1Jacobian.FromAffine(pa) + pb).ToAffine()));
            Assert.Equal(G1Ref.Add(G1Ref.Of(pa), G1Ref.Of(pa)), G1Ref.Of(G1Jacobian.FromAffine(pa).Double().ToAffine()));
        }
    }

    [Fact]
    public void GroupLawsProperty() => Props.Check(Gen.Select(Gens.Fr, Gens.Fr), ab =>
    {
        var (a, b) = ab;
        var g = G1Jacobian.Generator;
        var pa = g.ScalarMul(a); var pb = g.ScalarMul(b);
        var qa = pa.ToAffine(); var qb = pb.ToAffine();
        G1Jacobian.Add(pa, pb, out var sum);
        G1Jacobian.AddMixed(pa, qb, out var sumMixed);
        G1Jacobian.Add(pb, pa, out var sumRev);
        return sum == g.ScalarMul(a + b)
            && sumMixed == sum && sumRev == sum
            && sum.IsOnCurve && qa.IsOnCurve
            && pa.ScalarMul(b) == pb.ScalarMul(a)
            && (pa + pa.Negate()).IsInfinity
            && G1Jacobian.FromAffine(qa) + qa.Negate() == G1Jacobian.Infinity
            && pa.Double() == pa + pa && pa.Double() == pa + qa
            && ((pa + pb) + g) == (pa + (pb + g))
            && (qa + qb) == sum.ToAffine();
    }, seed: 0xC0FFEE, iter: 60);

    [Fact]
    public void OperationsAreAliasSafe()
    {
        var rng = new Random(7);
        var p = G1Jacobian.FromAffine(RandomPoint(rng)).Double();
        var q = G1Jacobian.FromAffine(RandomPoint(rng)).Double();
        var qa = q.ToAffine();
        G1Jacobian.Add(p, q, out var expected);
        var x = p; G1Jacobian.Add(x, q, out x); Assert.Equal(expected, x);
        x = q; G1Jacobian.Add(p, x, out x); Assert.Equal(expected, x);
        x = p; G1Jacobian.AddMixed(x, qa, out x); Assert.Equal(expected, x);
        G1Jacobian.Double(p, out var d);
        x = p; G1Jacobian.Double(x, out x); Assert.Equal(d, x);
        x = p; G1Jacobian.Add(x, x, out x); Assert.Equal(d, x);
        x = p; G1Jacobian.Negate(x, out x); Assert.Equal(p.Negate(), x);
    }

    [Fact]
    public void SpecialCasesOfAddition()
    {
        var g = G1Jacobian.Generator;
        var ga = G1Affine.Generator;
        var inf = G1Jacobian.Infinity;
        Assert.Equal(g, inf + g);
        Assert.Equal(g, g + inf);
        Assert.Equal(g, inf + ga);
        Assert.Equal(g, g + G1Affine.Infinity);
        Assert.True((g + ga.Negate()).IsInfinity);
        Assert.Equal(g.Double(), g + ga);
        Assert.Equal(g.Double(), g + g);
        Assert.True(inf.Double().IsInfinity);
        // a non-normalised representation of the same point still compares equal
        var d = g.Double().Double();
        var d2 = g.ScalarMul(4);
        Assert.NotEqual(d.Z, Fq.One);
        Assert.Equal(d, d2);
        Assert.Equal(d.GetHashCode(), d2.GetHashCode());
        Assert.NotEqual(d, g.ScalarMul(5));
        Assert.NotEqual(d, d.Negate());
        Assert.NotEqual(d, inf);
    }

    [Fact]
    public void OnCurveRejectsPerturbedPoints()
    {
        var rng = new Random(3);
        for (int i = 0; i < 10; i++)
        {
            var p = RandomPoint(rng);
            Assert.True(p.IsOnCurve);
            Assert.False(new G1Affine(p.X, p.Y + Fq.One).IsOnCurve);
            Assert.False(new G1Affine(p.X + Fq.One, p.Y).IsOnCurve);
            var j = G1Jacobian.FromAffine(p).Double();
            Assert.True(j.IsOnCurve);
            Assert.False(new G1Jacobian(j.X, j.Y + Fq.One, j.Z).IsOnCurve);
        }
    }

    [Fact]
    public void BatchToAffineMatchesSingle()
    {
        var rng = new Random(11);
        foreach (int n in new[] { 0, 1, 5, 200 })
        {
            var pts = new G1Jacobian[n];
            for (int i = 0; i < n; i++) pts[i] = (i % 7 == 3) ? G1Jacobian.Infinity : G1Jacobian.Generator.ScalarMul(rng.NextInt64()).Double();
            var outp = new G1Affine[n];
            G1Jacobian.BatchToAffine(pts, outp);
            for (int i = 0; i < n; i++) Assert.Equal(pts[i].ToAffine(), outp[i]);
        }
        Assert.Throws<ArgumentException>(() => G1Jacobian.BatchToAffine(new G1Jacobian[2], new G1Affine[1]));
    }
}

public class CurveGlvTests
{
    [Fact]
    public void EndomorphismAndDecomposition()
    {
        var r = Fr.Modulus;
        Assert.True(G1Glv.Beta * G1Glv.Beta * G1Glv.Beta == Fq.One && !G1Glv.Beta.IsOne);
        Assert.Equal(BigInteger.Zero, (G1Glv.Lambda * G1Glv.Lambda + G1Glv.Lambda + 1) % r);
        var rng = new Random(41);
        var edge = new List<BigInteger> { 0, 1, 2, r - 1, r - 2, G1Glv.Lambda, r - G1Glv.Lambda, (r - 1) / 2 };
        for (int i = 0; i < 200; i++) edge.Add(Fr.Random(rng).ToBigInteger());
        foreach (var k in edge)
        {
            G1Glv.Decompose(k, out var k1, out var k2);
            Assert.Equal(k % r, G1Ref.Mod2(k1 + k2 * G1Glv.Lambda, r));
            Assert.True(BigInteger.Abs(k1).GetBitLength() <= 128 && BigInteger.Abs(k2).GetBitLength() <= 128, $"k={k}: k1={k1}, k2={k2}");
        }
    }

    [Fact]
    public void GlvScalarMulMatchesPlain() => Props.Check(Gen.Select(Gen.Long, Gen.Frequency((1, (IGen<Fr>)Gen.Int[0, 16].Select(v => Fr.FromInt64(v))), (4, Gens.Fr))), t =>
    {
        var p = G1Jacobian.Generator.ScalarMul(t.Item1).Double();
        var k = t.Item2;
        k.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        G1Jacobian.ScalarMul(p, [c0, c1, c2, c3], out var plain);
        return p.ScalarMul(k) == plain && p.ScalarMul(-k) == plain.Negate();
    }, seed: 0x61, iter: 40);
}
