using ZkMl.Algebra;
using static ZkMl.Proofs.Tests.FrKernelTesting;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The openings' product loops (<see cref="ProductKernels"/>) against their scalar twins and the plain formulas, with the
/// <see cref="FrBatch"/> kernel as the CPU gives it and switched to Scalar: every length 0…70 (the tails after blocks of
/// eight), aliasing, and tables below and above the parallel thresholds of their callers; and the weight tables written
/// only up to a prefix (<see cref="Eq.AddTable(ReadOnlySpan{Fr}, in Fr, Fr[], int, int)"/>, <c>OpeningWeight.AddTo(…, end)</c>)
/// against the whole table's prefix, with the entries from the end on untouched.
/// </summary>
[Collection(FrBatchKernelCollection.Name)]
public class ProductKernelTests
{
    [Fact]
    public void AddScaled_matches_the_formula_and_its_scalar_twin_for_every_length_and_in_place()
    {
        var rng = new Random(401);
        for (int n = 0; n <= 70; n++)
        {
            var src = RandomVector(rng, n);
            var dst = RandomVector(rng, n);
            var x = n % 7 == 0 ? Fr.Zero - Fr.One : Fr.Random(rng);
            var want = dst.Zip(src, (d, s) => d + x * s).ToArray();
            var fast = (Fr[])dst.Clone();
            ProductKernels.AddScaled(src, x, fast);
            Assert.Equal(want, fast);
            var twin = (Fr[])dst.Clone();
            ProductKernels.AddScaledScalar(src, x, twin);
            Assert.Equal(want, twin);
            var switched = WithKernel(FrBatch.Mul8Kernel.Scalar, () => { var s = (Fr[])dst.Clone(); ProductKernels.AddScaled(src, x, s); return s; });
            Assert.Equal(want, switched);
            var alias = (Fr[])src.Clone();
            ProductKernels.AddScaled(alias, x, alias); // dst = src: src[i]·(1 + x)
            Assert.Equal(src.Select(s => s + x * s).ToArray(), alias);
        }
        Assert.Throws<ArgumentException>(() => ProductKernels.AddScaled(new Fr[8], Fr.One, new Fr[9]));
    }

    private static (Fr C0, Fr C2) PairFormula(Fr[] e, Fr[] p, int lo, int hi)
    {
        var c0 = Fr.Zero; var c2 = Fr.Zero;
        for (int j = lo; j < hi; j++)
        {
            c0 += e[2 * j] * p[2 * j];
            c2 += (e[2 * j + 1] - e[2 * j]) * (p[2 * j + 1] - p[2 * j]);
        }
        return (c0, c2);
    }

    [Fact]
    public void PairProducts_match_the_formula_and_the_scalar_twin_for_every_length_and_start()
    {
        var rng = new Random(402);
        for (int pairs = 0; pairs <= 70; pairs++)
            foreach (int lo in new[] { 0, 1, 5 })
            {
                int hi = lo + pairs;
                var e = RandomVector(rng, 2 * hi + (pairs % 3)); // longer than 2·hi: the entries after the pairs are not read
                var p = RandomVector(rng, 2 * hi + 1);
                var want = PairFormula(e, p, lo, hi);
                ProductKernels.PairProducts(e, p, lo, hi, out var c0, out var c2);
                Assert.Equal(want, (c0, c2));
                ProductKernels.PairProductsScalar(e, p, lo, hi, out c0, out c2);
                Assert.Equal(want, (c0, c2));
                var switched = WithKernel(FrBatch.Mul8Kernel.Scalar, () => { ProductKernels.PairProducts(e, p, lo, hi, out var s0, out var s2); return (s0, s2); });
                Assert.Equal(want, switched);
            }
        Assert.Throws<ArgumentException>(() => ProductKernels.PairProducts(new Fr[15], new Fr[16], 0, 8, out _, out _));
        Assert.Throws<ArgumentException>(() => ProductKernels.PairProducts(new Fr[16], new Fr[16], 3, 2, out _, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(4095)]
    [InlineData(4096)]   // the parallel split of BatchOpening.RoundTerms
    [InlineData(10_001)]
    public void RoundTerms_below_and_above_the_parallel_split_match_the_formula(int half)
    {
        var rng = new Random(403 + half);
        var e = RandomVector(rng, 2 * half + 2);
        var p = RandomVector(rng, 2 * half + 2);
        BatchOpening.RoundTerms(e, p, half, out var c0, out var c2);
        Assert.Equal(PairFormula(e, p, 0, half), (c0, c2));
    }

    [Theory]
    [MemberData(nameof(OpeningKernelTests.EqCases), MemberType = typeof(OpeningKernelTests))]
    public void AddTable_prefix_adds_the_first_entries_and_leaves_the_rest(int n, bool allHalf)
    {
        var rng = new Random(404 + 2 * n + (allHalf ? 1 : 0));
        var point = Enumerable.Range(0, n).Select(_ => allHalf ? Fr.FromInt64(2).Inverse() : Fr.Random(rng)).ToArray();
        var scale = Fr.Random(rng);
        int size = 1 << n, offset = size; // a block in the middle of a larger vector
        var table = Eq.Table(point);
        var before = RandomVector(rng, 3 * size);
        int s = n / 2;
        foreach (int count in new[] { 0, 1, 7, size / 2, size / 2 + 3, (1 << s) + 1, size - 1, size }.Where(c => c >= 0 && c <= size).Distinct())
        {
            var dst = (Fr[])before.Clone();
            Eq.AddTable(point, scale, dst, offset, count);
            var expected = (Fr[])before.Clone();
            for (int i = 0; i < count; i++) expected[offset + i] += scale * table[i];
            Assert.Equal(expected, dst);
        }
        Assert.Throws<ArgumentException>(() => Eq.AddTable(point, scale, new Fr[3 * size], offset, size + 1));
        Assert.Throws<ArgumentException>(() => Eq.AddTable(point, scale, new Fr[3 * size], offset, -1));
    }

    [Fact]
    public void Weights_added_up_to_an_end_are_the_whole_tables_prefix()
    {
        var rng = new Random(405);
        int nv = 16;
        var z = Enumerable.Range(0, nv).Select(_ => Fr.Random(rng)).ToArray();
        var lead = (Fr[])z.Clone();
        lead[0] = Fr.One; lead[1] = Fr.Zero; // block 2 of 4: entries [2^15, 2^15 + 2^14)
        var libraPoint = Enumerable.Range(0, 3).Select(_ => Fr.Random(rng)).ToArray();
        var weights = new[]
        {
            OpeningWeight.Eq(z),
            OpeningWeight.Eq(lead),
            OpeningWeight.InBlock(nv, 5, OpeningWeight.Libra(libraPoint)),
            OpeningWeight.InBlock(nv, 3, OpeningWeight.Eq(z[..14])),
        };
        foreach (var w in weights)
        {
            var full = w.Table();
            var scale = Fr.Random(rng);
            foreach (int end in new[] { 0, 1, 100, 1 << 14, (1 << 15) + 5, 3 << 14, (3 << 14) + 1, 52_000, (1 << nv) - 1, 1 << nv, int.MaxValue })
            {
                var before = RandomVector(rng, 1 << nv);
                var dst = (Fr[])before.Clone();
                w.AddTo(dst, 0, scale, end);
                for (int i = 0; i < dst.Length; i++) Assert.Equal(i < end ? before[i] + scale * full[i] : before[i], dst[i]);
            }
        }
    }
}
