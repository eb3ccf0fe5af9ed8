using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using ZkMl.TestKit;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The masked sumcheck over inputs at their own length, read as tiled on the last coordinates
/// (<c>SumcheckProver.ProveZeroCheckMaskedTiled</c>, <c>TermTiling</c>): every message, the point, the final values and the
/// transcript after it must equal the dense prover's on materialised copies (the straightforward version), for terms
/// of mixed lengths, constant terms, inputs of one entry, τ with zero coordinates and vanishing masks.
/// </summary>
public class TiledSumcheckTests
{
    private static Fr[] RandomTable(Random rng, int vars) => Enumerable.Range(0, 1 << vars).Select(_ => Fr.Random(rng)).ToArray();

    // Entry j of the 2^n table is entry j mod |values|: the tiling the kernel must reproduce, built here without DenseMle.Tiled.
    private static Fr[] Materialise(Fr[] values, int n) => Enumerable.Range(0, 1 << n).Select(j => values[j % values.Length]).ToArray();

    public static TheoryData<int, bool, int> Cases()
    {
        var d = new TheoryData<int, bool, int>();
        foreach (var zero in new[] { true, false })
            foreach (var n in new[] { 1, 2, 3, 6, 9, 14 })
                foreach (var maskPattern in new[] { 0, 0b1010001 })
                    d.Add(n, zero, maskPattern);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiled_inputs_give_the_proof_of_materialised_copies(int n, bool zeroCheck, int maskPattern)
    {
        var rng = new Random(1000 * n + (zeroCheck ? 1 : 0) + maskPattern);
        // Seven inputs of mixed lengths (as the LogUp with an input side: sides of different sizes), at least one of n variables.
        int[] vars = [n, Math.Max(0, n - 1), rng.Next(n + 1), 0, n, rng.Next(n + 1), Math.Max(0, n - 3)];
        var tables = vars.Select(v => RandomTable(rng, v)).ToArray();
        var shape = new ProductSum(7,
        [
            new ProductTerm(Fr.Random(rng), [0, 1]),     // mixed lengths in one term
            new ProductTerm(-Fr.One, [1, 6]),
            new ProductTerm(Fr.One, [2]),
            new ProductTerm(Fr.Random(rng), [3]),        // an input of one entry
            new ProductTerm(-Fr.Random(rng), []),        // a constant
            new ProductTerm(Fr.Random(rng), [5, 2, 6]),
            new ProductTerm(Fr.One, [4, 4]),
            new ProductTerm(Fr.Random(rng), [6]),
        ]);
        var masks = new VanishingMask?[7];
        for (int k = 0; k < 7; k++)
            if ((maskPattern >> k & 1) == 1)
                masks[k] = n >= 2 ? VanishingMask.Affine(rng.Next(n - 1), Fr.Random(rng), Fr.Random(rng)) : new VanishingMask(_ => Fr.FromInt64(3 + k));
        var factorMasks = masks.Any(m => m != null) ? masks : null;
        var tau = zeroCheck ? Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray() : null;
        if (tau != null && n > 2) { tau[1] = Fr.Zero; tau[^1] = Fr.Zero; }

        var full = tables.Select(t => Materialise(t, n)).ToArray();
        var claim = Fr.Zero;
        var eq = tau == null ? null : Eq.Table(tau);
        var vals = new Fr[7];
        for (int j = 0; j < 1 << n; j++)
        {
            for (int k = 0; k < 7; k++) vals[k] = full[k][j];
            claim += eq == null ? shape.Combine(vals) : eq[j] * shape.Combine(vals);
        }
        var maskedIdx = Enumerable.Range(0, 7).Where(k => masks[k] != null).ToArray();
        var libra = LibraMask.Sample(SumcheckProver.RoundDegrees(shape, n, maskedIdx), new SeededRng(n));

        var td = new Transcript("tiled");
        var dense = SumcheckProver.ProveMaskedCore(td, shape, full.Select(t => new DenseMle((Fr[])t.Clone())).ToList(), tau, claim,
            new LibraMask(libra.Coefficients), [1, 2, 3], factorMasks, null, null);
        var tt = new Transcript("tiled");
        var tiled = SumcheckProver.ProveMaskedCore(tt, shape, tables.Select(t => new DenseMle((Fr[])t.Clone())).ToList(), tau, claim,
            new LibraMask(libra.Coefficients), [1, 2, 3], factorMasks, null, null, tiledVars: n);

        Assert.Equal(dense.Proof.ToBytes(), tiled.Proof.ToBytes());
        Assert.Equal(dense.Point, tiled.Point);
        Assert.Equal(dense.FinalEvaluations, tiled.FinalEvaluations);
        Assert.Equal(dense.MaskSum, tiled.MaskSum);
        Assert.Equal(dense.MaskEvaluation, tiled.MaskEvaluation);
        Assert.Equal(td.ChallengeScalar("after"), tt.ChallengeScalar("after"));

        // The proof verifies (the claim is the true sum), so the comparison is between two honest provers.
        var tv = new Transcript("tiled");
        var v = tau == null
            ? SumcheckVerifier.VerifyMasked(tv, claim, tiled.Degrees, [1, 2, 3], tiled.MaskSum, tiled.Proof, tiled.MaskEvaluation, null)
            : SumcheckVerifier.VerifyZeroCheckMasked(tv, claim, tau, tiled.Degrees, [1, 2, 3], tiled.MaskSum, tiled.Proof, tiled.MaskEvaluation, null);
        Assert.True(v.Success, v.Error);
    }

    [Fact]
    public void A_tiled_input_read_on_the_wrong_coordinates_changes_the_proof()
    {
        // Teeth: the kernel's answer depends on the tiling convention (a short input reads the last coordinates). The same
        // short input spread over the FIRST coordinates instead (entry j of the full table = entry j >> (n − k)) gives
        // other round messages.
        var rng = new Random(7);
        int n = 5, k = 3;
        var a = RandomTable(rng, n);
        var b = RandomTable(rng, k);
        var shape = new ProductSum(2, [new ProductTerm(Fr.One, [0, 1])]);
        var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        var libra = LibraMask.Sample(SumcheckProver.RoundDegrees(shape, n), new SeededRng(1));
        var wrong = Enumerable.Range(0, 1 << n).Select(j => b[j >> (n - k)]).ToArray();
        var tiled = SumcheckProver.ProveMaskedCore(new Transcript("t"), shape, [new DenseMle((Fr[])a.Clone()), new DenseMle((Fr[])b.Clone())], tau, Fr.Zero,
            new LibraMask(libra.Coefficients), [], null, null, null, tiledVars: n);
        var other = SumcheckProver.ProveMaskedCore(new Transcript("t"), shape, [new DenseMle((Fr[])a.Clone()), new DenseMle(wrong)], tau, Fr.Zero,
            new LibraMask(libra.Coefficients), [], null, null, null);
        Assert.NotEqual(other.Proof.ToBytes(), tiled.Proof.ToBytes());
    }

    [Fact]
    public void An_input_longer_than_the_tiled_size_is_refused()
    {
        var rng = new Random(3);
        var shape = new ProductSum(2, [new ProductTerm(Fr.One, [0, 1])]);
        var libra = LibraMask.Sample(SumcheckProver.RoundDegrees(shape, 3), new SeededRng(1));
        var e = Assert.Throws<SumcheckException>(() => SumcheckProver.ProveZeroCheckMaskedTiled(new Transcript("t"), shape,
            [new DenseMle(RandomTable(rng, 3)), new DenseMle(RandomTable(rng, 4))], [Fr.Random(rng), Fr.Random(rng), Fr.Random(rng)],
            Fr.Zero, libra, []));
        Assert.Contains("polynomial 1 has 4 variables", e.Message);
    }
}
