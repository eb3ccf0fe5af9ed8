using ZkMl.Algebra;
using static ZkMl.Proofs.Tests.FrKernelTesting;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// <see cref="DenseMle.BindFirst"/> and <see cref="DenseMle.Bind"/> with the vector <see cref="FrBatch"/> kernel give the
/// limbs of the scalar formula v[i] + r·(v[i + half] − v[i]) and of the same code with the kernel switched to Scalar: every
/// length 0…70 (tails), aliasing, and tables below and above the parallel threshold. The switch is process-wide; both
/// kernels give the same limbs, so other tests running meanwhile are unaffected.
/// </summary>
[Collection(FrBatchKernelCollection.Name)]
public class MleBindKernelTests
{
    private static Fr[] Reference(Fr[] lo, Fr[] hi, Fr r) => lo.Zip(hi, (a, b) => a + r * (b - a)).ToArray();

    [Fact]
    public void Bind_matches_the_scalar_formula_for_every_length_and_in_place()
    {
        var rng = new Random(251);
        for (int n = 0; n <= 70; n++)
        {
            var lo = RandomVector(rng, n);
            var hi = RandomVector(rng, n);
            var r = n % 5 == 0 ? Fr.Zero - Fr.One : Fr.Random(rng);
            var want = Reference(lo, hi, r);
            var o = new Fr[n];
            DenseMle.Bind(lo, hi, r, o);
            Assert.Equal(want, o);
            var scalar = WithKernel(FrBatch.Mul8Kernel.Scalar, () => { var s = new Fr[n]; DenseMle.Bind(lo, hi, r, s); return s; });
            Assert.Equal(want, scalar);
            DenseMle.Bind(lo, hi, r, lo); // o = lo
            Assert.Equal(want, lo);
        }
        Assert.Throws<ArgumentException>(() => DenseMle.Bind(new Fr[8], new Fr[8], Fr.One, new Fr[9]));
    }

    [Fact]
    public void BindPairs_matches_the_scalar_formula_for_every_length_and_in_place()
    {
        var rng = new Random(253);
        for (int n = 0; n <= 70; n++)
        {
            var t = RandomVector(rng, 2 * n + (n % 3)); // longer than 2n: the entries after the pairs are not read
            var r = n % 5 == 0 ? Fr.Zero - Fr.One : Fr.Random(rng);
            var want = Enumerable.Range(0, n).Select(j => t[2 * j] + r * (t[2 * j + 1] - t[2 * j])).ToArray();
            var o = new Fr[n];
            DenseMle.BindPairs(t, r, o);
            Assert.Equal(want, o);
            var scalar = WithKernel(FrBatch.Mul8Kernel.Scalar, () => { var s = new Fr[n]; DenseMle.BindPairs(t, r, s); return s; });
            Assert.Equal(want, scalar);
            DenseMle.BindPairs(t, r, t.AsSpan(0, n)); // in place, as the batched opening binds a small owned table
            Assert.Equal(want, t[..n]);
        }
        Assert.Throws<ArgumentException>(() => DenseMle.BindPairs(new Fr[15], Fr.One, new Fr[8]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(14)]
    [InlineData(16)]
    public void BindFirst_to_the_end_gives_the_scalar_kernel_limbs(int numVars)
    {
        var rng = new Random(252 + numVars);
        var v = RandomVector(rng, 1 << numVars);
        var point = Enumerable.Range(0, numVars).Select(_ => Fr.Random(rng)).ToArray();
        Fr[] Run(bool borrowed)
        {
            var m = borrowed ? DenseMle.Borrowed(v) : new DenseMle((Fr[])v.Clone());
            var trace = new List<Fr>();
            foreach (var x in point) { m.BindFirst(x); trace.AddRange(m.Values.Length <= 64 ? m.Values.ToArray() : [m[0], m[m.Length - 1], m[m.Length / 3]]); }
            return trace.ToArray();
        }
        var scalar = WithKernel(FrBatch.Mul8Kernel.Scalar, () => Run(false));
        Assert.Equal(scalar, Run(false));
        Assert.Equal(scalar, Run(true));
        // and the first bind against the formula itself
        int half = v.Length / 2;
        var first = new DenseMle((Fr[])v.Clone());
        first.BindFirst(point[0]);
        Assert.Equal(Reference(v[..half], v[half..], point[0]), first.Values.ToArray());
    }
}
