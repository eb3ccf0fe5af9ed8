using ZkMl.Algebra;
using ZkMl.Compiler.Model;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Inference.Tests;

/// <summary>
/// The verifier's closed-form Phase-2 selectors (<see cref="Phase2Term.SelectorAt"/>) equal the MLE of the prover's
/// selector tables at random points, for every term kind and odd sizes, pads and strides: the two sides of every
/// Phase-2 term compute the same polynomial.
/// </summary>
public class Phase2SelectorTests
{
    [Theory]
    [InlineData("3 5 4 3 2 2 2 2 0 0 0 0")]
    [InlineData("3 2 2 3 2 2 1 1 0 0 0 0")]
    [InlineData("2 4 6 2 3 2 1 2 1 1 1 0")]
    [InlineData("1 7 7 1 3 3 2 2 1 1 1 1")]
    [InlineData("5 24 24 5 2 2 2 2 0 0 0 0")]
    public void Closed_form_selectors_equal_the_provers_tables(string geometry)
    {
        var v = geometry.Split(' ').Select(int.Parse).ToArray();
        int ih = v[1], iw = v[2], kh = v[4], kw = v[5];
        var g = new Conv2dGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
        var rng = new Random(ih * 31 + iw);
        Fr R() => Fr.FromInt64(rng.Next(2, int.MaxValue));
        Fr[] P(int n) => Enumerable.Range(0, n).Select(_ => R()).ToArray();
        var lk = new LayerKey(0, 0, g.InputSize, g.OutputSize, 0, 0, 0, 0, 0, LayerKind.AveragePool, g);
        lk = lk with { InVars = lk.InBits.C + lk.InBits.H + lk.InBits.W, OutVars = lk.OutBits.C + lk.OutBits.H + lk.OutBits.W };
        var (ocb, oh, ow) = lk.OutBits;
        var (wh, ww) = lk.WindowBits;
        var terms = new[]
        {
            new Phase2Term(0, lk with { Kind = LayerKind.Conv }, Phase2Kind.Conv, [], Fr.One) { Ry = P(oh), Rx = P(ow), RhoY = P(wh), RhoX = P(ww) },
            new Phase2Term(0, lk, Phase2Kind.PoolWindow, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WeightY = SpatialProof.Ones(kh), WeightX = SpatialProof.Ones(kw) },
            new Phase2Term(0, lk, Phase2Kind.PoolWindow, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WholeWindow = true },
            new Phase2Term(0, lk, Phase2Kind.PoolWindow, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WeightY = SpatialProof.EqPrefix(P(wh), kh), WeightX = SpatialProof.EqPrefix(P(ww), kw) },
            new Phase2Term(0, lk, Phase2Kind.MaxY, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WeightY = SpatialProof.EqPrefix(P(wh), kh), WeightX = SpatialProof.EqPrefix(P(ww), kw) },
        };
        foreach (var term in terms)
        {
            var table = term.SelectorTable();
            Assert.Equal(1 << term.Vars, table.Length);
            var sigma = P(term.Vars);
            Assert.True(DenseMle.Evaluate(table, sigma) == term.SelectorAt(sigma), $"{term.Kind} term {Array.IndexOf(terms, term)}");
        }
    }

    [Theory]
    [InlineData("1 16777216 1 1 2 1 1 1 0 0 0 0", "max")]      // 2^24 − 1 output rows: W_h over 24 bits
    [InlineData("16777216 1 1 16777216 1 1 1 1 0 0 0 0", "max")] // 2^24 channels: E_C over 24 bits
    [InlineData("1 16777216 1 1 16777216 1 1 1 0 0 0 0", "avg")] // a global average pool over 2^24 rows: the window sum over 24 bits
    [InlineData("1 8388608 2 1 3 2 2 1 1 1 1 0", "max")]       // padding at both edges, stride 2
    public void Selectors_at_the_key_readers_size_limits_allocate_nothing_of_the_layers_size(string geometry, string kind)
    {
        // A verifying key may describe layers up to 2^24 values (the reader's limit: Conv2dGeometry.Problem, ProofShapes.SpatialProblem).
        // The verifier's selectors must not allocate tables of that size (2^24 field elements = 512 MB) nor loop over them.
        var v = geometry.Split(' ').Select(int.Parse).ToArray();
        var g = new Conv2dGeometry(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
        var lk = new LayerKey(0, 0, g.InputSize, g.OutputSize, 0, 0, 0, 0, 0, kind == "max" ? LayerKind.MaxPool : LayerKind.AveragePool, g);
        lk = lk with { InVars = lk.InBits.C + lk.InBits.H + lk.InBits.W, OutVars = lk.OutBits.C + lk.OutBits.H + lk.OutBits.W };
        if (kind == "avg") lk = lk with { Multiplier = 1, Shift = 8, Limbs = 1 };
        Assert.Null(ProofShapes.SpatialProblem(lk, 0, true, 8));
        var rng = new Random(3);
        Fr[] P(int n) => Enumerable.Range(0, n).Select(_ => Fr.FromInt64(rng.Next(2, int.MaxValue))).ToArray();
        var (ocb, oh, ow) = lk.OutBits;
        var (wh, ww) = lk.WindowBits;
        var terms = kind == "max"
            ? new[]
            {
                new Phase2Term(0, lk, Phase2Kind.MaxY, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WeightY = SpatialProof.EqPrefix(P(wh), g.KH), WeightX = SpatialProof.EqPrefix(P(ww), g.KW) },
                new Phase2Term(0, lk, Phase2Kind.PoolWindow, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WeightY = SpatialProof.EqPrefix(P(wh), g.KH), WeightX = SpatialProof.EqPrefix(P(ww), g.KW) },
            }
            : [new Phase2Term(0, lk, Phase2Kind.PoolWindow, [], Fr.One) { Rc = P(ocb), Ry = P(oh), Rx = P(ow), WholeWindow = true }];
        foreach (var term in terms)
        {
            var sigma = P(term.Vars);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var value = term.SelectorAt(sigma);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.False(value.IsZero);
            Assert.True(allocated < 1 << 20, $"{term.Kind}: {allocated} bytes allocated");
        }
    }

    [Fact]
    public void Validity_is_the_mle_of_the_slot_indicator()
    {
        // V(y, d) = [y < H_out]·[d < kh]·[0 ≤ s·y + d − p < H_in] over y ∈ {0,1}^3, d ∈ {0,1}^2 (H_in 7, H_out 4, kh 3, s 2, p 1)
        var rng = new Random(9);
        var ry = Enumerable.Range(0, 3).Select(_ => Fr.FromInt64(rng.Next(2, 1 << 30))).ToArray();
        var rd = Enumerable.Range(0, 2).Select(_ => Fr.FromInt64(rng.Next(2, 1 << 30))).ToArray();
        var table = new Fr[8 * 4];
        for (int y = 0; y < 4; y++)
            for (int d = 0; d < 3; d++)
            {
                int u = 2 * y + d - 1;
                if (u >= 0 && u < 7) table[y * 4 + d] = Fr.One;
            }
        Assert.Equal(DenseMle.Evaluate(table, [.. ry, .. rd]), SpatialProof.Validity(ry, rd, 3, 3, 2, 1, 4, 7));
    }
}
