using ZkMl.Algebra;
using static ZkMl.Proofs.Tests.FrKernelTesting;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The sumcheck round kernel's vector path (<see cref="RoundKernel.Accumulate8"/>, eight pairs per <see cref="FrBatch.Mul8"/>)
/// against its scalar twin (<see cref="RoundKernel.AccumulateScalar"/>), the <see cref="FrBatch"/> kernel switched to Scalar,
/// and a reference written from the definition: every range length 0…40 at odd starts, factors shorter than the pair
/// distance (tiled), terms of 0…3 factors with coefficients 1, −1 and general, with and without weights, degrees 0…3.
/// Also the other Mul8 fast paths of the LogUp prover: <see cref="LogUpProver.AffineScaled"/> and <see cref="Eq.ScaledCopy"/>.
/// </summary>
[Collection(FrBatchKernelCollection.Name)]
public class RoundKernelTests
{
    private sealed record Case(Fr[][] Arrays, int[] Masks, int[][] Factors, int[] Kinds, Fr[] Coefficients, int[] Points, int D, Fr[]? Weights, int Half);

    // half = 64: factors of 128 (dense pairs), 64 and 16 entries (tiled: hi = lo), terms of 0…3 factors.
    private static Case MakeCase(Random rng, int d, bool weighted, bool skipOne)
    {
        const int half = 64;
        int[] lengths = [128, 128, 64, 16];
        var arrays = lengths.Select(l => RandomVector(rng, l)).ToArray();
        var masks = lengths.Select(l => l - 1).ToArray();
        int[][] factors = [[0, 1], [2], [3, 0, 1], [], [1, 3], [2, 2]];
        var coefficients = new[] { Fr.One, -Fr.One, Fr.Random(rng), Fr.Random(rng), -Fr.One, Fr.One };
        var kinds = SumcheckProver.TermKinds(coefficients);
        var points = skipOne && d >= 1 ? new[] { 0 }.Concat(Enumerable.Range(2, d - 1)).ToArray() : Enumerable.Range(0, d + 1).ToArray();
        var weights = weighted ? RandomVector(rng, half) : null;
        return new(arrays, masks, factors, kinds, coefficients, points, d, weights, half);
    }

    private static Fr[] Reference(Case c, int start, int end)
    {
        var acc = new Fr[c.Points.Length];
        for (int j = start; j < end; j++)
            for (int p = 0; p < c.Points.Length; p++)
            {
                var x = Fr.FromInt64(c.Points[p]);
                var sum = Fr.Zero;
                for (int t = 0; t < c.Factors.Length; t++)
                {
                    var prod = c.Coefficients[t];
                    foreach (var k in c.Factors[t])
                    {
                        var lo = c.Arrays[k][j & c.Masks[k]];
                        var hi = c.Arrays[k][(j + c.Half) & c.Masks[k]];
                        prod *= lo + x * (hi - lo);
                    }
                    sum += prod;
                }
                acc[p] += c.Weights is null ? sum : c.Weights[j] * sum;
            }
        return acc;
    }

    private static Fr[] Run(Case c, int start, int end, bool vector)
    {
        var acc = new Fr[c.Points.Length];
        if (vector) RoundKernel.Accumulate8(start, end, c.Half, c.Arrays, c.Masks, c.Factors, c.Kinds, c.Coefficients, c.Points, c.D, c.Weights, acc);
        else RoundKernel.AccumulateScalar(start, end, c.Half, c.Arrays, c.Masks, c.Factors, c.Kinds, c.Coefficients, c.Points, c.D, c.Weights, acc);
        return acc;
    }

    [Fact]
    public void A_sum_too_wide_for_the_vector_scratch_takes_the_scalar_loop_and_the_same_values()
    {
        var rng = new Random(4242);
        var c = MakeCase(rng, 2, weighted: true, skipOne: false);
        // 400 terms: the vector path would stack-allocate 8·(12 + 3 + 2 + 400) Fr > MaxVectorScratch
        var factors = Enumerable.Range(0, 400).Select(t => c.Factors[t % c.Factors.Length]).ToArray();
        var coefficients = Enumerable.Range(0, 400).Select(_ => Fr.Random(rng)).ToArray();
        var wide = c with { Factors = factors, Coefficients = coefficients, Kinds = SumcheckProver.TermKinds(coefficients) };
        Assert.True(RoundKernel.VectorScratch(wide.Arrays.Length, wide.D, wide.Points.Length, wide.Factors.Length) > RoundKernel.MaxVectorScratch);
        Assert.True(RoundKernel.VectorScratch(c.Arrays.Length, c.D, c.Points.Length, c.Factors.Length) <= RoundKernel.MaxVectorScratch);
        var acc = new Fr[wide.Points.Length];
        RoundKernel.Accumulate(0, wide.Half, wide.Half, wide.Arrays, wide.Masks, wide.Factors, wide.Kinds, wide.Coefficients, wide.Points, wide.D, wide.Weights, acc);
        Assert.Equal(Reference(wide, 0, wide.Half), acc);
    }

    [Theory]
    [InlineData(0, true, false)]
    [InlineData(1, false, false)]
    [InlineData(2, true, true)]
    [InlineData(2, false, true)]
    [InlineData(3, true, true)]
    [InlineData(3, true, false)]
    public void Vector_path_matches_the_scalar_twin_and_the_definition_for_every_range(int d, bool weighted, bool skipOne)
    {
        var rng = new Random(4100 + 10 * d + (weighted ? 1 : 0) + (skipOne ? 2 : 0));
        var c = MakeCase(rng, d, weighted, skipOne);
        for (int len = 0; len <= 40; len++)
        {
            int start = len % 3 == 0 ? 0 : 1 + len % 7; // odd starts: blocks not aligned to eight
            int end = Math.Min(c.Half, start + len);
            var want = Reference(c, start, end);
            Assert.Equal(want, Run(c, start, end, vector: false));
            Assert.Equal(want, Run(c, start, end, vector: true));
            Assert.Equal(want, WithKernel(FrBatch.Mul8Kernel.Scalar, () => Run(c, start, end, vector: true)));
            // the dispatcher adds to what acc held
            var acc = Enumerable.Range(0, c.Points.Length).Select(_ => Fr.Random(rng)).ToArray();
            var expected = acc.Zip(want, (a, b) => a + b).ToArray();
            RoundKernel.Accumulate(start, end, c.Half, c.Arrays, c.Masks, c.Factors, c.Kinds, c.Coefficients, c.Points, c.D, c.Weights, acc);
            Assert.Equal(expected, acc);
        }
    }

    [Fact]
    public void Vector_path_sees_a_changed_entry_in_every_lane()
    {
        var rng = new Random(4199);
        var c = MakeCase(rng, 2, weighted: true, skipOne: true);
        // no zero weights or entries here (RandomVector plants some): every lane must count
        foreach (var a in c.Arrays) for (int i = 0; i < a.Length; i++) a[i] = Fr.Random(rng);
        for (int i = 0; i < c.Weights!.Length; i++) c.Weights[i] = Fr.Random(rng);
        var before = Run(c, 0, 16, vector: true);
        for (int lane = 0; lane < 16; lane++)
        {
            var saved = c.Arrays[1][lane];
            c.Arrays[1][lane] += Fr.One;
            Assert.NotEqual(before, Run(c, 0, 16, vector: true));
            c.Arrays[1][lane] = saved;
        }
        Assert.Equal(before, Run(c, 0, 16, vector: true));
    }

    [Fact]
    public void AffineScaled_matches_the_formula_for_every_length()
    {
        var rng = new Random(4201);
        for (int n = 0; n <= 40; n++)
        {
            var x = RandomVector(rng, n);
            var a = Fr.Random(rng);
            var s = n % 4 == 0 ? -Fr.One : Fr.Random(rng);
            var want = x.Select(v => a + s * v).ToArray();
            var y = (Fr[])x.Clone();
            LogUpProver.AffineScaled(y, a, s);
            Assert.Equal(want, y);
            var z = WithKernel(FrBatch.Mul8Kernel.Scalar, () => { var t = (Fr[])x.Clone(); LogUpProver.AffineScaled(t, a, s); return t; });
            Assert.Equal(want, z);
        }
    }

    [Fact]
    public void ScaledCopy_matches_the_formula_for_every_length()
    {
        var rng = new Random(4202);
        for (int n = 0; n <= 40; n++)
        {
            var src = RandomVector(rng, n);
            var x = n % 5 == 0 ? -Fr.One : Fr.Random(rng);
            var want = src.Select(v => x * v).ToArray();
            var dst = new Fr[n];
            Eq.ScaledCopy(x, src, dst);
            Assert.Equal(want, dst);
            Eq.ScaledCopy(x, src, src); // in place
            Assert.Equal(want, src);
        }
        Assert.Throws<ArgumentException>(() => Eq.ScaledCopy(Fr.One, new Fr[8], new Fr[9]));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void Eq_table_below_and_above_the_parallel_size_matches_eq_at_every_index(int n)
    {
        var rng = new Random(4300 + n);
        var point = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        var table = Eq.Table(point);
        var scalar = WithKernel(FrBatch.Mul8Kernel.Scalar, () => Eq.Table(point));
        Assert.Equal(scalar, table);
        for (int probe = 0; probe < 64; probe++)
        {
            int i = probe < 2 ? probe * ((1 << n) - 1) : rng.Next(1 << n);
            Assert.Equal(Eq.Evaluate(point, Eq.BooleanPoint(i, n)), table[i]);
        }
    }
}
