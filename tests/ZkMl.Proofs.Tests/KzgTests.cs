using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Proofs.Tests;

public class KzgTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(33)]
    [InlineData(1000)]
    public void OpenVerify(int n)
    {
        var rng = new Random(n);
        var srs = TestSrs.Value;
        var f = TestSrs.RandomVector(rng, n);
        var c = Kzg.Commit(srs, f);
        var u = Fr.Random(rng);
        var (v, w) = Kzg.Open(srs, f, u);
        // Horner agrees with the naive sum.
        var naive = Fr.Zero;
        for (int i = 0; i < n; i++) naive += f[i] * u.Pow(i);
        Assert.Equal(naive, v);
        Assert.True(Kzg.Verify(TestSrs.Vk, c, u, v, w));
        Assert.False(Kzg.Verify(TestSrs.Vk, c, u, v + Fr.One, w));
        if (n > 1) Assert.False(Kzg.Verify(TestSrs.Vk, c, u + Fr.One, v, w)); // a constant has the same value everywhere
        Assert.False(Kzg.Verify(TestSrs.Vk, TestSrs.Shift(c), u, v, w));
        Assert.False(Kzg.Verify(TestSrs.Vk, c, u, v, TestSrs.Shift(w)));
    }

    [Fact]
    public void QuotientIsExact()
    {
        var rng = new Random(4);
        var f = TestSrs.RandomVector(rng, 17);
        var u = Fr.Random(rng);
        var h = new Fr[16];
        Kzg.Quotient(f, u, h);
        // f(X) − f(u) = (X − u)·h(X) at a random X.
        var z = Fr.Random(rng);
        Assert.Equal(Kzg.Evaluate(f, z) - Kzg.Evaluate(f, u), (z - u) * Kzg.Evaluate(h, z));
    }

    [Fact]
    public void BatchOpeningChecksEveryValue()
    {
        var rng = new Random(8);
        var srs = TestSrs.Value;
        var f = new[] { TestSrs.RandomVector(rng, 64), TestSrs.RandomVector(rng, 32), TestSrs.RandomVector(rng, 5) };
        var coms = f.Select(p => Kzg.Commit(srs, p)).ToArray();
        Fr[] u = [Fr.Random(rng), Fr.Random(rng)];
        var values = new Fr[u.Length * f.Length];
        for (int s = 0; s < u.Length; s++) for (int j = 0; j < f.Length; j++) values[s * f.Length + j] = Kzg.Evaluate(f[j], u[s]);
        var q = Fr.Random(rng); var d = Fr.Random(rng);
        var w = Kzg.OpenBatchWitnesses(srs, f, u, q);
        Assert.True(Kzg.VerifyBatch(TestSrs.Vk, coms, u, values, w, q, d));
        for (int i = 0; i < values.Length; i++)
        {
            var bad = (Fr[])values.Clone(); bad[i] += Fr.One;
            Assert.False(Kzg.VerifyBatch(TestSrs.Vk, coms, u, bad, w, q, d), $"value {i}");
        }
        Assert.False(Kzg.VerifyBatch(TestSrs.Vk, coms, u, values[1..], w, q, d));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 3)]
    [InlineData(40, 3)]
    [InlineData(300, 9)]
    public void MultiPointQuotientLeavesARemainderBelowDegreeT(int n, int t)
    {
        var rng = new Random(100 + n);
        var b = TestSrs.RandomVector(rng, n);
        var u = TestSrs.RandomVector(rng, t);
        var (h, w) = Kzg.OpenMultiQuotient(TestSrs.Value, b, u);
        // B − h·Z has degree < t (Z monic of degree t, z[t] = 1 implied).
        var z = Kzg.VanishingCoefficients(u).Append(Fr.One).ToArray();
        var rem = (Fr[])b.Clone();
        for (int i = 0; i < h.Length; i++)
            for (int k = 0; k < z.Length; k++) rem[i + k] -= h[i] * z[k];
        for (int k = t; k < n; k++) Assert.True(rem[k].IsZero, $"coefficient {k} of B − h·Z");
        Assert.Equal(n <= t ? 0 : n - t, h.Length);
        Assert.Equal(Kzg.Commit(TestSrs.Value, h), w);
        // A wrong B gives another quotient.
        if (n > t)
        {
            b[n - 1] += Fr.One;
            Assert.NotEqual(h[^1], Kzg.OpenMultiQuotient(TestSrs.Value, b, u).H[^1]);
        }
    }

    /// <summary>
    /// Kzg.Evaluate against a plain Horner loop (below and from its eight-lane threshold of 256, with partial last blocks) and
    /// Horner8's eight strided parts against their own Horner loops, including lengths below one block.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(263)]
    [InlineData(512)]
    [InlineData(2049)]
    public void EvaluateOnEightStridedPartsIsHorners(int n)
    {
        var rng = new Random(700 + n);
        var f = TestSrs.RandomVector(rng, n);
        var u = Fr.Random(rng);
        var horner = Fr.Zero;
        for (int i = n - 1; i >= 0; i--) horner = horner * u + f[i];
        Assert.Equal(horner, Kzg.Evaluate(f, u));
        Assert.Equal(n == 0 ? Fr.Zero : f[0], Kzg.Evaluate(f, Fr.Zero));
        var parts = new Fr[8];
        Kzg.Horner8(f, u, parts);
        for (int b = 0; b < 8; b++)
        {
            var expected = Fr.Zero;
            for (int k = (n - 1 - b) / 8 * 8 + b; k >= 0; k -= 8) if (k < n) expected = expected * u + f[k];
            Assert.Equal(expected, parts[b]);
        }
    }

    /// <summary>
    /// HyperKZG's nine points (the coset ω^j·r and r^8) have Z = (X^8 − r^8)(X − r^8): the coset division is taken and gives the
    /// long division's quotient, at lengths around its edges (n ≤ 9: none; 10: one coefficient; the eight chains' ends).
    /// </summary>
    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(25)]
    [InlineData(26)]
    [InlineData(33)]
    [InlineData(301)]
    [InlineData(4099)]
    public void CosetQuotientIsTheLongDivisionsQuotient(int n)
    {
        var rng = new Random(400 + n);
        var b = TestSrs.RandomVector(rng, n);
        var r = Fr.Random(rng);
        var r8 = r * r; r8 *= r8; r8 *= r8;
        var u = HyperKzg.Points(r, r8);
        var z = Kzg.VanishingCoefficients(u);
        Assert.Equal(r8, Kzg.CosetVanishing(z));
        var expected = n <= 9 ? [] : Kzg.LongQuotient(b, z);
        Assert.Equal(expected, Kzg.MultiQuotient(b, u));
        Assert.Equal(expected, Kzg.CosetQuotient(b, r8));
        if (n > 9)
        {
            // B − h·Z has degree < 9
            var zFull = z.Append(Fr.One).ToArray();
            var rem = (Fr[])b.Clone();
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < zFull.Length; k++) rem[i + k] -= expected[i] * zFull[k];
            for (int k = 9; k < n; k++) Assert.True(rem[k].IsZero, $"coefficient {k} of B − h·Z");
            // another s gives another quotient (beyond one coefficient, which is B's leading one for every s)
            if (n > 10) Assert.NotEqual(expected, Kzg.CosetQuotient(b, r8 + Fr.One));
        }
    }

    /// <summary>Nine points that are not a coset and its eighth power (or fewer points) take the long division.</summary>
    [Fact]
    public void OtherPointsAreNotTakenForACoset()
    {
        var rng = new Random(77);
        Assert.Null(Kzg.CosetVanishing(Kzg.VanishingCoefficients(TestSrs.RandomVector(rng, 9))));
        Assert.Null(Kzg.CosetVanishing(Kzg.VanishingCoefficients(TestSrs.RandomVector(rng, 3))));
        var r = Fr.Random(rng);
        var r8 = r * r; r8 *= r8; r8 *= r8;
        var u = HyperKzg.Points(r, r8);
        u[8] += Fr.One; // the ninth point is not r^8
        Assert.Null(Kzg.CosetVanishing(Kzg.VanishingCoefficients(u)));
        var b = TestSrs.RandomVector(rng, 50);
        var h = Kzg.MultiQuotient(b, u);
        var zFull = Kzg.VanishingCoefficients(u).Append(Fr.One).ToArray();
        var rem = (Fr[])b.Clone();
        for (int i = 0; i < h.Length; i++)
            for (int k = 0; k < zFull.Length; k++) rem[i + k] -= h[i] * zFull[k];
        for (int k = 9; k < 50; k++) Assert.True(rem[k].IsZero, $"coefficient {k} of B − h·Z");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(41)]
    [InlineData(300)]
    public void LinearizedWitnessCommitsToTheQuotientOfM(int n)
    {
        var rng = new Random(200 + n);
        var b = TestSrs.RandomVector(rng, n);
        var u = TestSrs.RandomVector(rng, 3);
        var (h, _) = Kzg.OpenMultiQuotient(TestSrs.Value, b, u);
        var zeta = Fr.Random(rng);
        // Reference: M = B − Z(ζ)·h materialised, then (M − M(ζ))/(X − ζ).
        var zz = Fr.One;
        foreach (var us in u) zz *= zeta - us;
        var m = (Fr[])b.Clone();
        for (int i = 0; i < h.Length; i++) m[i] -= zz * h[i];
        var q = new Fr[n - 1];
        Kzg.Quotient(m, zeta, q);
        Assert.Equal(Kzg.Commit(TestSrs.Value, q), Kzg.OpenMultiLinearized(TestSrs.Value, b, h, u, zeta));
        // Another ζ gives another witness once M has degree ≥ 2 (a linear M's quotient is its constant slope).
        if (n > 2) Assert.NotEqual(Kzg.Commit(TestSrs.Value, q), Kzg.OpenMultiLinearized(TestSrs.Value, b, h, u, zeta + Fr.One));
    }
}
