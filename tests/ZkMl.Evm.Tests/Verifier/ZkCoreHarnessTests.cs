using System.Numerics;
using System.Security.Cryptography;
using Xunit.Abstractions;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

[CollectionDefinition(Name)]
public class ZkHarnessCollection : ICollectionFixture<ZkHarnessFixture>
{
    public const string Name = "zk-core-harness";
}

/// <summary>One anvil node with the test-only ZK core harness (Harness/ZkCoreHarness.sol + the verifier core + ZkCore.yul).</summary>
public sealed class ZkHarnessFixture() : HarnessFixture("ZkCoreHarness.sol", "ZkCoreHarness");

[CollectionDefinition(Name)]
public class ZkOpeningHarnessCollection : ICollectionFixture<ZkOpeningHarnessFixture>
{
    public const string Name = "zk-opening-harness";
}

[CollectionDefinition(Name)]
public class ZkSelectorHarnessCollection : ICollectionFixture<ZkSelectorHarnessFixture>
{
    public const string Name = "zk-selector-harness";
}

/// <summary>One anvil node with the test-only harness of ZkCore.yul's helpers (Harness/ZkSelectorHarness.sol + the cores).</summary>
public sealed class ZkSelectorHarnessFixture() : HarnessFixture("ZkSelectorHarness.sol", "ZkSelectorHarness");

/// <summary>ZkCore.yul's zkSelector and zkIndexExtend on a real anvil node against BigInteger.</summary>
[Collection(ZkSelectorHarnessCollection.Name)]
public class ZkSelectorHarnessTests(ZkSelectorHarnessFixture h)
{
    /// <summary>
    /// zkSelector (two coordinates a step, no branches) against eq(x, bits of idx) and zkIndexExtend against v + Σ x_i·2^i over
    /// the last coordinates, with BigInteger, on random and edge coordinates (0, 1, r − 1: the unreduced r + 1 − x of a 0 bit).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(11)]
    public async Task SelectorAndIndexExtensionMatchBigInteger(int k)
    {
        var r = Fr.Modulus;
        var rng = new Random(900 + k);
        BigInteger[] edges = [BigInteger.Zero, BigInteger.One, r - 1];
        for (int trial = 0; trial < 6; trial++)
        {
            var x = Enumerable.Range(0, k).Select(i => trial < 3 ? edges[(i + trial) % 3] : Fr.Random(rng).ToBigInteger()).ToArray();
            long idx = rng.NextInt64(0, 1L << Math.Min(62, k + 2)); // bits above k are ignored
            int from = k == 0 ? 0 : rng.Next(k + 1), to = from + (k == from ? 0 : rng.Next(k - from + 1));
            var v = Fr.Random(rng).ToBigInteger();
            var sel = BigInteger.One;
            for (int i = 0; i < k; i++)
            {
                bool bit = ((idx >> (k - 1 - i)) & 1) == 1;
                sel = sel * (bit ? x[i] : (1 - x[i] + r)) % r;
            }
            var ix = v;
            for (int i = from; i < to; i++) ix = (ix + x[k - 1 - i] * BigInteger.Pow(2, i)) % r;
            var p = new Packer().Word(k).Word(idx).Word(from).Word(to).Word(v);
            foreach (var xi in x) p.Word(xi);
            var w = await h.CallAsync("selectorAndIndex", p.ToArray());
            Assert.NotNull(w);
            Assert.Equal(BigInteger.One, w![0]);
            Assert.Equal(sel, w[1]);
            Assert.Equal(ix, w[2]);
        }
    }
}

/// <summary>One anvil node with the test-only ZK batched-opening harness (Harness/ZkOpeningHarness.sol + the cores).</summary>
public sealed class ZkOpeningHarnessFixture() : HarnessFixture("ZkOpeningHarness.sol", "ZkOpeningHarness");

/// <summary>
/// Differential tests of the zero-knowledge verifier core (Templates/ZkCore.yul) against the C# sub-protocols on a real
/// anvil node: the same proof bytes give the same verdict, the same outputs and the same transcript state.
/// </summary>
[Collection(ZkHarnessCollection.Name)]
public class ZkCoreHarnessTests(ZkHarnessFixture h)
{
    private static Transcript Start()
    {
        var t = new Transcript("zk-core-harness");
        t.AppendScalar("prefix", Fr.FromInt64(7));
        return t;
    }

    private static BigInteger StateWord(Transcript t) => new(t.State, isUnsigned: true, isBigEndian: true);

    private static BigInteger LabelWord(string label)
    {
        var w = new byte[32];
        Transcript.EncodeLabel(label, w);
        return new BigInteger(w, isUnsigned: true, isBigEndian: true);
    }

    [Fact]
    public void ZkHarnessFitsTheContractSizeLimit() => Assert.InRange(h.DeployedSize, 1, 24_576);

    // n, zero-check, which of the two factors of a·b + 3a carry a vanishing mask (bit k → factor k): the last round's degree
    // is 2 (none), 3 (one factor of the product) or 4 (both), as the LogUp and matmul sumchecks of ZK mode use.
    public static TheoryData<int, bool, int> MaskedShapes => new()
    {
        { 1, false, 0 }, { 3, false, 1 }, { 4, false, 3 }, { 2, true, 0 }, { 3, true, 2 }, { 5, true, 3 },
    };

    [Theory]
    [MemberData(nameof(MaskedShapes))]
    public async Task MaskedSumcheckMatchesCSharpOnValidAndMutatedProofs(int n, bool zeroCheck, int maskPattern)
    {
        var rng = new Random(300 + 10 * n + maskPattern + (zeroCheck ? 5 : 0));
        var a = Enumerable.Range(0, 1 << n).Select(_ => Fr.Random(rng)).ToArray();
        var b = Enumerable.Range(0, 1 << n).Select(_ => Fr.Random(rng)).ToArray();
        var shape = new ProductSum(2, [new ProductTerm(Fr.One, [0, 1]), new ProductTerm(Fr.FromInt64(3), [0])]);
        var tau = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        var factorMasks = new VanishingMask?[2];
        var masked = new List<int>();
        for (int k = 0; k < 2; k++)
            if ((maskPattern >> k & 1) == 1)
            {
                factorMasks[k] = VanishingMask.Affine(n >= 2 ? rng.Next(n - 1) : 0, Fr.Random(rng), n >= 2 ? Fr.Random(rng) : Fr.Zero);
                masked.Add(k);
            }
        var degrees = SumcheckProver.RoundDegrees(shape, n, masked);
        var mask = LibraMask.Sample(degrees, new SeededRng(n + 17 * maskPattern));
        var eq = zeroCheck ? Eq.Table(tau) : null;
        var claim = Fr.Zero;
        for (int i = 0; i < a.Length; i++) claim += (eq is null ? Fr.One : eq[i]) * (a[i] * b[i] + 3 * a[i]);
        var labels = new LibraLabels("unused_com", "harness_mask_sum", "harness_rho");
        var tables = new List<DenseMle> { new((Fr[])a.Clone()), new((Fr[])b.Clone()) };
        var output = zeroCheck
            ? SumcheckProver.ProveZeroCheckMasked(Start(), shape, tables, tau, claim, mask, [], factorMasks, labels)
            : SumcheckProver.ProveMasked(Start(), shape, tables, claim, mask, [], factorMasks, labels);
        var bytes = output.Proof.ToBytes();
        Assert.Equal(32 * degrees.Sum(), bytes.Length);

        async Task Compare(byte[] pb, Fr c, Fr sigma, Fr vg, string what)
        {
            var arg = new Packer().Raw(Start().State).Fr(c).Word(n).Word(zeroCheck ? 1 : 0).Fr(sigma).Fr(vg)
                .Word(LabelWord(labels.Sum)).Word(LabelWord(labels.Rho)).Frs(tau).Raw(degrees.SelectMany(d => new Packer().Word(d).ToArray()).ToArray())
                .Raw(pb).ToArray();
            var w = await h.CallAsync("maskedSumcheck", arg);
            if (!SumcheckProof.TryParse(pb, degrees, out var parsed, out _)) { Assert.Null(w); return; }
            var tv = Start();
            var res = zeroCheck
                ? SumcheckVerifier.VerifyZeroCheckMasked(tv, c, tau, degrees, [], sigma, parsed, vg, labels)
                : SumcheckVerifier.VerifyMasked(tv, c, degrees, [], sigma, parsed, vg, labels);
            Assert.True(res.Success, what);
            Assert.NotNull(w);
            Assert.Equal(StateWord(tv), w![1]);
            Assert.Equal(res.ExpectedValue.ToBigInteger(), w[2]);
            Assert.Equal(res.Point.Select(x => x.ToBigInteger()), w.Skip(4));
        }

        // The honest proof: the expected value is F(r) from the masked factor values (the prover's final evaluations).
        var honestArg = new Packer().Raw(Start().State).Fr(claim).Word(n).Word(zeroCheck ? 1 : 0).Fr(output.MaskSum).Fr(output.MaskEvaluation)
            .Word(LabelWord(labels.Sum)).Word(LabelWord(labels.Rho)).Frs(tau).Raw(degrees.SelectMany(d => new Packer().Word(d).ToArray()).ToArray())
            .Raw(bytes).ToArray();
        var honest = await h.CallAsync("maskedSumcheck", honestArg);
        Assert.NotNull(honest);
        var fe = output.FinalEvaluations;
        Assert.Equal((fe[0] * fe[1] + 3 * fe[0]).ToBigInteger(), honest![2]);
        Assert.Equal(output.Point.Select(x => x.ToBigInteger()), honest.Skip(4));

        await Compare(bytes, claim, output.MaskSum, output.MaskEvaluation, "honest");
        await Compare(bytes, claim + Fr.One, output.MaskSum, output.MaskEvaluation, "claim + 1");
        await Compare(bytes, claim, output.MaskSum + Fr.One, output.MaskEvaluation, "σ + 1");
        await Compare(bytes, claim, output.MaskSum, output.MaskEvaluation + Fr.One, "v_g + 1");
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var m = (byte[])bytes.Clone();
            m[32 * i + 31] ^= 1;
            await Compare(m, claim, output.MaskSum, output.MaskEvaluation, $"word {i} flipped");
        }
        // A word ≥ r is rejected by both (the C# parser, the Yul range check).
        var big = (byte[])bytes.Clone();
        big.AsSpan(bytes.Length - 32, 32).Fill(0xff);
        await Compare(big, claim, output.MaskSum, output.MaskEvaluation, "word ≥ r");
        // A proof one word short is rejected by both.
        await Compare(bytes[..^32], claim, output.MaskSum, output.MaskEvaluation, "short");
    }

    /// <summary>
    /// The hiding HyperKZG at every shape of the last folding level and ℓ = 0: the honest proof, a wrong value, every proof
    /// word flipped (s_B included), s_B shifted and another H: the same verdict and transcript state as HyperKzg.VerifyHiding.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    public async Task HidingHyperKzgMatchesCSharp(int l)
    {
        var rng = new Random(70 + l);
        var srs = HarnessFixture.Srs;
        var hBase = srs.BlindingBase!.Value;
        var v = Enumerable.Range(0, 1 << l).Select(_ => Fr.Random(rng)).ToArray();
        var x = Enumerable.Range(0, l).Select(_ => Fr.Random(rng)).ToArray();
        var c = HyperKzg.CommitHiding(srs, v);
        var y = DenseMle.Evaluate(v, x);
        var proof = HyperKzg.ProveHiding(srs, Start(), c.Commitment, c.Blinding, v, x, y, null);
        var bytes = proof.ToBytes();

        async Task Compare(Fr value, byte[] pb, G1Affine hb, string what)
        {
            var arg = new Packer().Raw(Start().State).G2Key(HarnessFixture.Vk).G1(c.Commitment).Fr(value).Word(l).G1(hb).Frs(x).Raw(pb).ToArray();
            var w = await h.CallAsync("hyperKzgHiding", arg);
            var tv = Start();
            bool ok = HyperKzgHidingProof.TryDecode(pb, l, out var pp, out _) && HyperKzg.VerifyHiding(HarnessFixture.Vk, hb, tv, c.Commitment, x, value, pp!, out _);
            Assert.True(ok == (w != null), $"{what}: C# {(ok ? "accepts" : "rejects")}, the harness {(w != null ? "accepts" : "rejects")}");
            if (ok) Assert.Equal(StateWord(tv), w![1]);
        }

        await Compare(y, bytes, hBase, "honest");
        await Compare(y + Fr.One, bytes, hBase, "value + 1");
        await Compare(y, bytes, G1Affine.Generator, "another H");
        var shifted = (byte[])bytes.Clone();
        (proof.BlindingSum + Fr.One).ToBytesBigEndian().CopyTo(shifted, bytes.Length - 32);
        await Compare(y, shifted, hBase, "s_B + 1");
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var mm = (byte[])bytes.Clone();
            mm[32 * i + 31] ^= 1;
            await Compare(y, mm, hBase, $"word {i} flipped");
        }
    }

    /// <summary>
    /// The masked LogUp with every polynomial masked (last round degree 4) and with none (degree 2), n ≠ m both ways: the
    /// honest proof, every word flipped and a wrong α — the same verdict, transcript state, values and points as
    /// LogUpVerifier.VerifyMasked.
    /// </summary>
    [Theory]
    [InlineData(3, 5, true)]
    [InlineData(4, 2, true)]
    [InlineData(3, 3, false)]
    public async Task ZkLogUpMatchesCSharp(int n, int m, bool maskAll)
    {
        var rng = new Random(500 + 10 * n + m);
        var table = Enumerable.Range(0, 1 << m).Select(_ => Fr.Random(rng)).ToArray();
        var f = Enumerable.Range(0, 1 << n).Select(_ => table[rng.Next(table.Length)]).ToArray();
        var mult = ZkMl.Proofs.Lookups.LogUpProver.Multiplicities(f, table);
        var alpha = Fr.Random(rng);
        var (hw, ht) = ZkMl.Proofs.Lookups.LogUpProver.ComputeHelpers(f, table, mult, alpha);
        var masks = new Dictionary<ZkMl.Proofs.Lookups.LogUpPolynomial, VanishingMask>();
        if (maskAll)
            foreach (var poly in Enum.GetValues<ZkMl.Proofs.Lookups.LogUpPolynomial>())
                masks[poly] = VanishingMask.Affine(0, Fr.Random(rng), Fr.Random(rng));
        var degrees = ZkMl.Proofs.Lookups.LogUpProver.MaskedDegrees(n, m, masks.Keys);
        var mask = LibraMask.Sample(degrees, new SeededRng(n * 7 + m));
        var output = ZkMl.Proofs.Lookups.LogUpProver.ProveMasked(Start(), f, table, mult, hw, ht, alpha, mask, [], masks);
        var bytes = output.Proof.ToBytes();
        int nn = Math.Max(n, m);

        async Task Compare(byte[] pb, Fr a, string what)
        {
            var arg = new Packer().Raw(Start().State).Fr(a).Word(n).Word(m).Raw(degrees.SelectMany(d => new Packer().Word(d).ToArray()).ToArray()).Raw(pb).ToArray();
            var w = await h.CallAsync("zkLogUp", arg);
            var tv = Start();
            var res = ZkMl.Proofs.Lookups.LogUpMaskedProof.TryParse(pb, degrees, out var parsed, out _)
                ? ZkMl.Proofs.Lookups.LogUpVerifier.VerifyMasked(tv, a, n, m, masks.Keys, [], parsed)
                : null;
            bool ok = res is { Success: true };
            Assert.True(ok == (w != null), $"{what}: C# {(ok ? "accepts" : "rejects")}, the harness {(w != null ? "accepts" : "rejects")}");
            if (!ok) return;
            Assert.Equal(StateWord(tv), w![1]);
            Assert.Equal(res!.Claims.Select(c => c.Value.ToBigInteger()), w.Skip(2).Take(5));
            Assert.Equal(res.MaskClaim!.Value.ToBigInteger(), w[7]);
            Assert.Equal(res.Point.Select(x => x.ToBigInteger()), w.Skip(8).Take(nn));
            Assert.Equal(res.Claims[0].Point.Select(x => x.ToBigInteger()), w.Skip(8 + nn).Take(n));
            Assert.Equal(res.Claims[2].Point.Select(x => x.ToBigInteger()), w.Skip(8 + nn + n).Take(m));
        }

        await Compare(bytes, alpha, "honest");
        await Compare(bytes, alpha + Fr.One, "α + 1");
        for (int i = 0; i < bytes.Length / 32; i++)
        {
            var mm = (byte[])bytes.Clone();
            mm[32 * i + 31] ^= 1;
            await Compare(mm, alpha, $"word {i} flipped");
        }
    }
}

/// <summary>Differential test of the zero-knowledge batched opening of ZkCore.yul against ZkBatchOpening.Verify on a real anvil node.</summary>
[Collection(ZkOpeningHarnessCollection.Name)]
public class ZkOpeningHarnessTests(ZkOpeningHarnessFixture h, ITestOutputHelper output)
{
    private static Transcript Start()
    {
        var t = new Transcript("zk-core-harness");
        t.AppendScalar("prefix", Fr.FromInt64(7));
        return t;
    }

    private static BigInteger StateWord(Transcript t) => new(t.State, isUnsigned: true, isBigEndian: true);

    [Fact]
    public void ZkOpeningHarnessFitsTheContractSizeLimit() => Assert.InRange(h.DeployedSize, 1, 24_576);

    // One term of a test claim: the weight eq(z, ·) (kind 0, Data = z) or the Libra weights at p (kind 1, Data = p), on the
    // aligned block J of the vector when K > 0; kind 2: eq(z, ·) on the item J of 2^|z| entries of the mask region (K = n − |z|);
    // kind 3 (no Data): the constant 1 on the block, for C# the coefficient 2^{n−K}·κ on eq(½…½, ·) (the inference's sums).
    private sealed record TermSpec(int Claim, int Vector, Fr Coef, int Kind, Fr[] Data, int K, int J);

    // The mask region: the aligned block J of 2^Vars entries of vector G (Vars = 0: none).
    private sealed record Region(int G, int Vars, int J);

    /// <summary>
    /// The ZK batched opening on three vectors (6, 4 and 2 variables) with plain, combined, block-Libra and block-eq claims:
    /// the honest proof, every proof word flipped, a wrong claim value, a wrong coefficient, another vector commitment and
    /// another C_D1 — the same verdict and transcript state as ZkBatchOpening.Verify (without statement binding, as the
    /// inference proof uses it).
    /// </summary>
    [Fact]
    public async Task ZkBatchOpeningMatchesCSharp()
    {
        var rng = new Random(91);
        Fr[] Rand(int n) => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        TermSpec[] specs =
        [
            new(0, 0, Fr.One, 0, Rand(6), 0, 0),
            new(1, 0, Fr.One, 0, Rand(6), 0, 0),
            new(1, 1, Fr.Random(rng), 0, Rand(4), 0, 0),
            new(2, 0, Fr.One, 1, Rand(2), 2, 2),
            new(3, 2, Fr.One, 0, Rand(2), 0, 0),
            new(4, 1, Fr.Random(rng), 0, Rand(2), 2, 1),
        ];
        await OpeningMatches(rng, specs, new Region(0, 0, 0), flipEveryWord: true);
    }

    /// <summary>
    /// Block-sum terms (kind 3: the constant 1 on a block, how the inference verifier states 2^n·h(½ⁿ)) on the whole vector
    /// and on blocks, beside eq and Libra terms: the same verdict and transcript state as ZkBatchOpening.Verify with the
    /// weights 2^{n−k}·eq(½…½, ·), honest and mutated (every word flipped, a wrong value, a wrong κ, another commitment).
    /// </summary>
    [Fact]
    public async Task ZkBatchOpeningBlockSumTermsMatchCSharp()
    {
        var rng = new Random(93);
        Fr[] Rand(int n) => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        TermSpec[] specs =
        [
            new(0, 0, Fr.One, 0, Rand(6), 0, 0),
            new(1, 0, Fr.One, 3, [], 2, 1),
            new(1, 1, Fr.Random(rng), 3, [], 0, 0),
            new(2, 0, Fr.One, 1, Rand(2), 2, 2),
            new(3, 2, Fr.Random(rng), 3, [], 1, 1),
            new(4, 0, Fr.Random(rng), 0, Rand(3), 3, 5),
            new(4, 1, Fr.Random(rng), 3, [], 3, 1),
        ];
        await OpeningMatches(rng, specs, new Region(0, 0, 0), flipEveryWord: true);
    }

    /// <summary>
    /// Mask-region terms (kind 2: one eq table over the region's inner bits instead of a selector per term) on vector 0 (6
    /// variables, region = block 5 of 8 entries) beside a Libra term and block-eq terms of vector 1: the same verdict and
    /// transcript state as ZkBatchOpening.Verify with the same weights as plain block terms, honest and mutated (a region
    /// item moved, a wrong value, a wrong κ); and less gas than the same claims given as kind-0 block terms.
    /// </summary>
    [Fact]
    public async Task ZkBatchOpeningMaskRegionTermsMatchCSharp()
    {
        var rng = new Random(92);
        Fr[] Rand(int n) => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        TermSpec[] specs =
        [
            new(0, 0, Fr.One, 0, Rand(6), 0, 0),
            new(0, 0, Fr.Random(rng), 2, Rand(1), 5, 3),
            new(1, 0, Fr.One, 2, Rand(2), 4, 0),
            new(1, 1, Fr.Random(rng), 0, Rand(4), 0, 0),
            new(2, 0, Fr.One, 1, Rand(2), 2, 2),
            new(3, 0, Fr.Random(rng), 2, Rand(1), 5, 0),
            new(3, 0, Fr.One, 2, Rand(2), 4, 1),
            new(4, 1, Fr.Random(rng), 0, Rand(2), 2, 1),
            new(4, 0, Fr.One, 2, Rand(3), 3, 0),
        ];
        var (gasRegion, gasBlocks) = await OpeningMatches(rng, specs, new Region(0, 3, 5), flipEveryWord: false);
        output.WriteLine($"6 variables: honest ZK batched opening, 9 terms (5 in the region): {gasRegion:N0} gas with kind-2 region terms, {gasBlocks:N0} as block terms");
        // W2's size: 12 variables, a region of 16 entries at block 200
        specs =
        [
            new(0, 0, Fr.One, 0, Rand(12), 0, 0),
            new(0, 0, Fr.Random(rng), 2, Rand(1), 11, 7),
            new(1, 0, Fr.One, 2, Rand(2), 10, 0),
            new(1, 1, Fr.Random(rng), 0, Rand(4), 0, 0),
            new(2, 0, Fr.One, 1, Rand(2), 8, 2),
            new(3, 0, Fr.Random(rng), 2, Rand(1), 11, 0),
            new(3, 0, Fr.One, 2, Rand(2), 10, 3),
            new(4, 1, Fr.Random(rng), 0, Rand(2), 2, 1),
            new(4, 0, Fr.One, 2, Rand(3), 9, 1),
        ];
        (gasRegion, gasBlocks) = await OpeningMatches(rng, specs, new Region(0, 4, 200), flipEveryWord: false, firstVars: 12);
        output.WriteLine($"12 variables: {gasRegion:N0} gas with kind-2 region terms, {gasBlocks:N0} as block terms");
        Assert.True(gasRegion < gasBlocks, $"region terms {gasRegion} gas, block terms {gasBlocks}");
    }

    /// <summary>
    /// The differential comparison on the proof of <paramref name="specs"/>' claims; returns the honest call's gas and, with
    /// a region, the gas of the same proof and claims with the region's terms given as kind-0 block terms (else 0).
    /// </summary>
    private async Task<(ulong Gas, ulong AsBlocks)> OpeningMatches(Random rng, TermSpec[] specs, Region region, bool flipEveryWord, int firstVars = 6)
    {
        var packed = region;
        var srs = HarnessFixture.Srs;
        var hBase = srs.BlindingBase!.Value;
        Fr[] Rand(int n) => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        int[] sizes = [firstVars, 4, 2];
        var values = sizes.Select(n => Rand(1 << n)).ToArray();
        var commits = values.Select(v => HyperKzg.CommitHiding(srs, v)).ToArray();
        var vectors = sizes.Select((n, g) => new ZkOpeningVector($"V{g}", commits[g].Commitment, n)).ToArray();
        var witnesses = values.Select((v, g) => new ZkOpeningWitness(v, commits[g].Blinding)).ToArray();
        OpeningWeight Weight(TermSpec t)
        {
            // a region item is, for C#, the block (j_R·2^{v_R − d} + j) of 2^d entries of the region's vector
            if (t.Kind == 2)
            {
                Assert.True(region.Vars >= t.Data.Length && t.Vector == region.G && t.K == sizes[t.Vector] - t.Data.Length);
                return OpeningWeight.InBlock(sizes[t.Vector], (region.J << (region.Vars - t.Data.Length)) + t.J, OpeningWeight.Eq(t.Data));
            }
            var inner = t.Kind switch
            {
                0 => OpeningWeight.Eq(t.Data),
                3 => OpeningWeight.Eq(Enumerable.Repeat(Fr.FromInt64(2).Inverse(), sizes[t.Vector] - t.K).ToArray()),
                _ => OpeningWeight.Libra(t.Data),
            };
            return t.K == 0 ? inner : OpeningWeight.InBlock(sizes[t.Vector], t.J, inner);
        }
        Fr InnerProduct(Fr[] a, Fr[] b) { var acc = Fr.Zero; for (int i = 0; i < a.Length; i++) acc += a[i] * b[i]; return acc; }
        ZkOpeningClaim[] Claims(TermSpec[] ts) => Enumerable.Range(0, 5).Select(i =>
        {
            var terms = ts.Where(t => t.Claim == i)
                .Select(t => new ZkClaimTerm(t.Vector, t.Kind == 3 ? t.Coef * Fr.FromBigInteger(BigInteger.One << (sizes[t.Vector] - t.K)) : t.Coef, Weight(t))).ToList();
            var value = Fr.Zero;
            foreach (var t in terms) value += t.Coefficient * InnerProduct(t.Weight.Table(), values[t.Vector]);
            return new ZkOpeningClaim(terms, value);
        }).ToArray();
        var claims = Claims(specs);
        int nMax = sizes.Max();
        var mask = ZkOpeningMask.Sample(srs, ZkOpeningSetup.MaskPoints(srs, nMax), nMax);
        var masks = new[] { mask.CommitmentD1, mask.CommitmentD2 };
        var bytes = ZkBatchOpening.Prove(srs, Start(), vectors, witnesses, claims, mask, bindStatement: false).ToBytes();

        async Task<byte[]> Compare(byte[] pb, ZkOpeningVector[] vs, TermSpec[] ts, ZkOpeningClaim[] cs, G1Affine[] ms, string what)
        {
            var data = new List<Fr>();
            var p = new Packer().Raw(Start().State).G2Key(HarnessFixture.Vk).G1(hBase).G1(ms[0]).G1(ms[1])
                .Word(vs.Length).Word(ts.Length).Word(cs.Length).Word(nMax).Word(ts.Sum(t => t.Data.Length))
                .Word(packed.G).Word(packed.Vars).Word(packed.J);
            foreach (var v in vs) p.G1(v.Commitment).Word(v.NumVars);
            p.Frs(cs.Select(c => c.Value));
            foreach (var t in ts)
            {
                p.Word(t.Claim).Word(t.Vector).Fr(t.Coef).Word(t.Kind).Word(data.Count).Word(t.Data.Length).Word(t.K).Word(t.J);
                data.AddRange(t.Data);
            }
            p.Frs(data).Raw(pb);
            var w = await h.CallAsync("zkBatchOpening", p.ToArray());
            var tv = Start();
            bool ok = ZkBatchOpeningProof.TryDecode(pb, nMax, out var proof, out _)
                && ZkBatchOpening.Verify(HarnessFixture.Vk, hBase, tv, vs, cs, ms, proof!, bindStatement: false, out _);
            Assert.True(ok == (w != null), $"{what}: C# {(ok ? "accepts" : "rejects")}, the harness {(w != null ? "accepts" : "rejects")}");
            if (ok) Assert.Equal(StateWord(tv), w![1]);
            return p.ToArray();
        }

        ulong gas = await h.GasAsync("zkBatchOpening", await Compare(bytes, vectors, specs, claims, masks, "honest"));
        ulong asBlocks = 0;
        if (region.Vars > 0)
        {
            var blocks = specs.Select(t => t.Kind == 2 ? t with { Kind = 0, J = (region.J << (region.Vars - t.Data.Length)) + t.J } : t).ToArray();
            packed = new Region(0, 0, 0);
            asBlocks = await h.GasAsync("zkBatchOpening", await Compare(bytes, vectors, blocks, claims, masks, "region terms as block terms"));
            packed = region;
        }
        var wrongValue = (ZkOpeningClaim[])claims.Clone();
        wrongValue[2] = wrongValue[2] with { Value = wrongValue[2].Value + Fr.One };
        await Compare(bytes, vectors, specs, wrongValue, masks, "claim 2's value + 1");
        var wrongCoef = (TermSpec[])specs.Clone();
        wrongCoef[^1] = wrongCoef[^1] with { Coef = wrongCoef[^1].Coef + Fr.One };
        var claimsOfWrongCoef = Claims(specs).Select((c, i) => i == 4 ? Claims(wrongCoef)[4] with { Value = c.Value } : c).ToArray();
        await Compare(bytes, vectors, wrongCoef, claimsOfWrongCoef, masks, "κ of claim 4 changed");
        if (region.Vars > 0)
        {
            // a region item moved to its neighbour (the claim values kept): both reject
            int ri = Array.FindIndex(specs, t => t.Kind == 2);
            var moved = (TermSpec[])specs.Clone();
            moved[ri] = moved[ri] with { J = moved[ri].J ^ 1 };
            var claimsOfMoved = Claims(moved).Select((c, i) => c with { Value = claims[i].Value }).ToArray();
            await Compare(bytes, vectors, moved, claimsOfMoved, masks, "a region item moved");
        }
        var otherVectors = (ZkOpeningVector[])vectors.Clone();
        otherVectors[1] = otherVectors[1] with { Commitment = commits[2].Commitment };
        await Compare(bytes, otherVectors, specs, claims, masks, "vector 1's commitment replaced");
        await Compare(bytes, vectors, specs, claims, [masks[1], masks[0]], "C_D1 and C_D2 swapped");
        for (int i = 0; flipEveryWord && i < bytes.Length / 32; i++)
        {
            var mm = (byte[])bytes.Clone();
            mm[32 * i + 31] ^= 1;
            await Compare(mm, vectors, specs, claims, masks, $"word {i} flipped");
        }
        return (gas, asBlocks);
    }
}
