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
}
