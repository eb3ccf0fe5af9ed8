using System.Numerics;
using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Tests;

public class MleTests
{
    // Bit j (variable j+1) of index i in the project's order: variable 1 = most significant bit.
    private static Fr[] Bits(int i, int n)
    {
        var x = new Fr[n];
        for (int j = 0; j < n; j++) x[j] = ((i >> (n - 1 - j)) & 1) == 1 ? Fr.One : Fr.Zero;
        return x;
    }

    private static Fr[] RandomVector(Random rng, int len)
    {
        var v = new Fr[len];
        for (int i = 0; i < len; i++) v[i] = Fr.Random(rng);
        return v;
    }

    // Definition: f(r) = Σ_i v_i · Π_j (r_j b_j + (1 − r_j)(1 − b_j)), each factor written out directly.
    private static Fr NaiveEvaluate(Fr[] v, Fr[] r)
    {
        int n = r.Length;
        var acc = Fr.Zero;
        for (int i = 0; i < v.Length; i++)
        {
            var w = Fr.One;
            for (int j = 0; j < n; j++) w *= ((i >> (n - 1 - j)) & 1) == 1 ? r[j] : Fr.One - r[j];
            acc += v[i] * w;
        }
        return acc;
    }

    public static TheoryData<int> Sizes()
    {
        var d = new TheoryData<int>();
        for (int n = 0; n <= 14; n++) d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EvaluateBindAndEqTableMatchDefinition(int n)
    {
        var rng = new Random(1000 + n);
        var v = RandomVector(rng, 1 << n);
        var r = RandomVector(rng, n);
        var expected = NaiveEvaluate(v, r);
        var mle = new DenseMle((Fr[])v.Clone());
        Assert.Equal(n, mle.NumVars);
        Assert.Equal(expected, mle.Evaluate(r));
        Assert.Equal(v, mle.Values.ToArray()); // Evaluate does not modify

        var table = Eq.Table(r);
        var dot = Fr.Zero;
        for (int i = 0; i < v.Length; i++) dot += table[i] * v[i];
        Assert.Equal(expected, dot);
        if (n <= 10)
            for (int i = 0; i < table.Length; i++) Assert.Equal(Eq.Evaluate(r, Bits(i, n)), table[i]);

        for (int j = 0; j < n; j++) mle.BindFirst(r[j]);
        Assert.Equal(0, mle.NumVars);
        Assert.Equal(expected, mle[0]);

        Assert.Equal(v.Aggregate(Fr.Zero, (a, b) => a + b), new DenseMle(v).SumOverHypercube());
    }

    [Fact]
    public void BitOrderIsMostSignificantFirst()
    {
        // A 2×4 row-major tensor: row bit is variable 1.
        var t = new DenseMle([.. new long[] { 10, 11, 12, 13, 20, 21, 22, 23 }.Select(x => (Fr)x)]);
        Assert.Equal((Fr)22, t.Evaluate([Fr.One, Fr.One, Fr.Zero]));
        Assert.Equal((Fr)11, t.Evaluate([Fr.Zero, Fr.Zero, Fr.One]));
        t.BindFirst(Fr.One); // select row 1
        Assert.Equal([(Fr)20, 21, 22, 23], t.Values.ToArray());
        for (int i = 0; i < 8; i++) Assert.Equal(i == 5 ? Fr.One : Fr.Zero, Eq.Evaluate(Bits(5, 3), Bits(i, 3)));
        Assert.Equal(Fr.One, Eq.Table(Bits(5, 3))[5]);
    }

    [Fact]
    public void PartialBindMatchesEvaluateOfSuffix()
    {
        var rng = new Random(5);
        var v = RandomVector(rng, 1 << 6);
        var r = RandomVector(rng, 6);
        var m = new DenseMle((Fr[])v.Clone());
        m.BindFirst(r[0]);
        m.BindFirst(r[1]);
        Assert.Equal(NaiveEvaluate(v, r), m.Evaluate(r.AsSpan(2)));
    }

    [Fact]
    public void SmallMleMatchesDenseIncludingExtremes()
    {
        var rng = new Random(9);
        foreach (int n in new[] { 0, 1, 3, 8, 14 })
        {
            var vals = new long[1 << n];
            for (int i = 0; i < vals.Length; i++)
                vals[i] = (i % 7) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => -1, _ => rng.Next(-128, 128) };
            var small = new SmallMle(vals);
            var dense = small.ToDense();
            for (int i = 0; i < vals.Length; i++) Assert.Equal(Fr.FromBigInteger(vals[i]), dense[i]);
            var r = RandomVector(rng, n);
            Assert.Equal(dense.Evaluate(r), small.Evaluate(r));
            Assert.Equal(Fr.FromBigInteger(vals.Aggregate(BigInteger.Zero, (a, b) => a + b)), small.SumOverHypercube());
            if (n > 0)
            {
                var bound = small.BindFirst(r[0]);
                var d2 = dense.Clone();
                d2.BindFirst(r[0]);
                Assert.Equal(d2.Values.ToArray(), bound.Values.ToArray());
            }
        }
    }

    [Fact]
    public void BadInputsThrow()
    {
        Assert.Throws<ArgumentException>(() => new DenseMle(new Fr[3]));
        Assert.Throws<ArgumentException>(() => new DenseMle(new Fr[0]));
        Assert.Throws<ArgumentException>(() => new SmallMle(new long[6]));
        Assert.Throws<ArgumentException>(() => new DenseMle(new Fr[4]).Evaluate([Fr.One]));
        Assert.Throws<InvalidOperationException>(() => new DenseMle(new Fr[1]).BindFirst(Fr.One));
        Assert.Throws<ArgumentException>(() => Eq.Evaluate([Fr.One], []));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(17)]
    public void EqTableOfManyVariablesMatchesEqEvaluate(int n)
    {
        // From 14 variables the table is built as T_hi ⊗ T_lo in parallel.
        var rng = new Random(n);
        var r = RandomVector(rng, n);
        var scale = Fr.Random(rng);
        var t = new Fr[1 << n];
        Eq.Fill(r, t, scale);
        foreach (int i in new[] { 0, 1, (1 << n) - 1, 1 << (n - 1), (1 << (n / 2)) - 1, 1 << (n / 2), rng.Next(1 << n), rng.Next(1 << n) })
            Assert.Equal(scale * Eq.Evaluate(r, Bits(i, n)), t[i]);
        var sum = Fr.Zero;
        foreach (var x in t) sum += x;
        Assert.Equal(scale, sum); // Σ_x eq(r, x) = 1
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(3, 3)]
    [InlineData(3, 9)]
    [InlineData(14, 15)]
    public void TiledMleBindsLikeItsCopy(int k, int n)
    {
        // A tiled table is constant in its first n − k variables: binding them is a no-op (only the length halves).
        var rng = new Random(k * 100 + n);
        var v = RandomVector(rng, 1 << k);
        var point = RandomVector(rng, n);
        var tiled = DenseMle.Tiled(v, n);
        var copy = new DenseMle(tiled.Values.ToArray());
        Assert.Equal(copy.Evaluate(point), tiled.Evaluate(point));
        for (int i = 0; i < n; i++)
        {
            tiled.BindFirst(point[i]);
            copy.BindFirst(point[i]);
            Assert.Equal(copy.Values.ToArray(), tiled.Values.ToArray());
        }
        Assert.Equal(new DenseMle((Fr[])v.Clone()).Evaluate(point.AsSpan(n - k)), tiled[0]);
    }

    /// <summary>
    /// A borrowed MLE binds like an owned one (every bind, to the last value, equals the MLE at the point) and never writes the
    /// caller's array: the first bind goes to a new half-size array.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public void A_borrowed_mle_binds_like_a_copy_and_leaves_its_source(int n)
    {
        var rng = new Random(300 + n);
        var v = RandomVector(rng, 1 << n);
        var before = (Fr[])v.Clone();
        var borrowed = DenseMle.Borrowed(v);
        var owned = new DenseMle((Fr[])v.Clone());
        var r = RandomVector(rng, n);
        for (int j = 0; j < n; j++)
        {
            borrowed.BindFirst(r[j]);
            owned.BindFirst(r[j]);
            Assert.Equal(owned.Values.ToArray(), borrowed.Values.ToArray());
            Assert.Equal(before, v);
        }
        Assert.Equal(NaiveEvaluate(before, r), borrowed[0]);
    }

    [Fact]
    public void ClearOwnCopy_zeroes_only_the_array_a_borrowed_bind_allocated()
    {
        var rng = new Random(310);
        var v = RandomVector(rng, 16);
        var before = (Fr[])v.Clone();
        var borrowed = DenseMle.Borrowed(v);
        borrowed.ClearOwnCopy(); // nothing allocated yet: the caller's array stays
        Assert.Equal(before, v);
        borrowed.BindFirst(Fr.Random(rng));
        borrowed.BindFirst(Fr.Random(rng));
        Assert.Contains(borrowed.Values.ToArray(), x => !x.IsZero);
        borrowed.ClearOwnCopy();
        Assert.All(borrowed.Values.ToArray(), x => Assert.True(x.IsZero));
        Assert.Equal(before, v);
        var ownedValues = RandomVector(rng, 16);
        var owned = new DenseMle(ownedValues);
        owned.BindFirst(Fr.Random(rng));
        var bound = owned.Values.ToArray();
        owned.ClearOwnCopy(); // not borrowed: the caller's (bound) array is the caller's to clear
        Assert.Equal(bound, owned.Values.ToArray());
    }
}
